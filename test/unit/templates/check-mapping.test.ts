import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { load } from 'js-yaml';
import { filterFields, mappingWarnings, resolveField } from '../../../src/templates/check-mapping.ts';
import { packMappings } from '../../../src/templates/files.ts';
import { REPO_ROOT } from '../rules/helpers.ts';

const privilegedPod = (load(readFileSync(path.join(REPO_ROOT, 'rules/k8s-privileged-pod.yaml'), 'utf8')) as { filter: unknown }).filter;
const k8s = packMappings('k8s-audit');

// What Elasticsearch's dynamic mapping makes of audit events without the pack's template.
const dynamicMapping = {
  properties: {
    verb: { type: 'text', fields: { keyword: { type: 'keyword' } } },
    objectRef: { properties: { resource: { type: 'keyword' }, subresource: { type: 'keyword' } } },
    responseStatus: { properties: { code: { type: 'long' } } },
    requestObject: {
      properties: {
        spec: {
          properties: {
            hostPID: { type: 'boolean' },
            containers: { properties: { securityContext: { properties: { privileged: { type: 'boolean' } } } } },
          },
        },
      },
    },
  },
};

describe('lint --check-es mapping checks', () => {
  it('lists the fields a filter uses, through bool clauses', () => {
    expect([...filterFields(privilegedPod).entries()]).toEqual([
      ['objectRef.resource', 'exact'],
      ['verb', 'exact'],
      ['objectRef.subresource', 'exists'],
      ['responseStatus.code', 'range'],
      ['requestObject.spec.hostPID', 'exact'],
      ['requestObject.spec.hostNetwork', 'exact'],
      ['requestObject.spec.hostIPC', 'exact'],
      ['requestObject.spec.containers.securityContext.privileged', 'exact'],
      ['requestObject.spec.volumes.hostPath.path', 'exact'],
    ]);
  });

  it('resolves dotted and flattened fields and finds the dynamically mapped object on the path', () => {
    expect(resolveField(k8s, 'requestObject.spec.hostPID')).toEqual({ type: 'boolean', dynamicRoot: undefined });
    expect(resolveField(k8s, 'annotations.authorization.k8s.io/decision')).toEqual({ type: 'flattened', dynamicRoot: undefined });
    expect(resolveField(dynamicMapping, 'requestObject.spec.hostPID')).toEqual({ type: 'boolean', dynamicRoot: 'requestObject' });
    expect(resolveField(dynamicMapping, 'requestObject.spec.hostNetwork')).toEqual({ type: undefined, dynamicRoot: 'requestObject' });
  });

  it('is quiet on an index made by the pack template', () => {
    expect(mappingWarnings(privilegedPod, { 'logstash-k8s-audit-2026.12.07': k8s }, k8s)).toEqual([]);
  });

  it('warns on text fields, dynamically mapped bodies and fields mapped nowhere', () => {
    const warnings = mappingWarnings(privilegedPod, { 'logstash-k8s-audit-2026.12.07': dynamicMapping }, k8s);
    expect(warnings.map((w) => w.field)).toEqual([
      'verb',
      'requestObject.spec.hostPID',
      'requestObject.spec.hostNetwork',
      'requestObject.spec.hostNetwork',
      'requestObject.spec.hostIPC',
      'requestObject.spec.hostIPC',
      'requestObject.spec.containers.securityContext.privileged',
      'requestObject.spec.volumes.hostPath.path',
      'requestObject.spec.volumes.hostPath.path',
    ]);
    expect(warnings[0]?.message).toMatch(/^is mapped as text in logstash-k8s-audit-2026\.12\.07: a term query only finds/);
    expect(warnings[1]?.message).toMatch(
      /^requestObject is mapped dynamically in logstash-k8s-audit-2026\.12\.07: .*logwarden templates install/,
    );
    expect(warnings[3]?.message).toMatch(/^is not mapped in logstash-k8s-audit-2026\.12\.07/);
  });
});
