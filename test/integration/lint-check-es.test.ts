// `lint --check-es` against a real Elasticsearch: an audit index mapped dynamically (as the old
// README advised) draws warnings for the pack's privileged-pod filter, one made by the pack's
// template draws none.
import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { lintCommand } from '../../src/cli/commands/lint.ts';
import { packMappings } from '../../src/templates/files.ts';
import { captureIO, REPO_ROOT } from '../unit/rules/helpers.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
const base = uniqueName('lintes');
const dynamicIndex = `${base}-dyn-logstash-k8s-audit-2026.12.07`;
const packIndex = `${base}-pack-logstash-k8s-audit-2026.12.07`;
const dir = mkdtempSync(path.join(tmpdir(), 'logwarden-lint-es-'));

afterAll(async () => {
  await es.client.indices.delete({ index: [dynamicIndex, packIndex], ignore_unavailable: true }).catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  await es.close();
});

const podCreate = {
  '@timestamp': '2026-12-07T10:00:00Z',
  verb: 'create',
  objectRef: { resource: 'pods', namespace: 'x' },
  responseStatus: { code: 201 },
  requestObject: { kind: 'Pod', spec: { hostPID: true, containers: [{ name: 'a', securityContext: { privileged: true } }] } },
};

describe('lint --check-es', () => {
  it('warns where the index mapping lets the filter down, and not on the pack template', async () => {
    await es.client.indices.create({ index: dynamicIndex, settings: { number_of_shards: 1, number_of_replicas: 0 } });
    await es.client.indices.create({
      index: packIndex,
      settings: { number_of_shards: 1, number_of_replicas: 0 },
      mappings: packMappings('k8s-audit'),
    });
    await es.client.index({ index: dynamicIndex, document: podCreate, refresh: true });
    const rule = readFileSync(path.join(REPO_ROOT, 'rules/k8s-privileged-pod.yaml'), 'utf8');
    // The pack's pattern under a prefix: the same template applies to it.
    writeFileSync(
      path.join(dir, 'dyn.yaml'),
      rule.replace(/^index: .*$/m, `index: ${base}-dyn-logstash-k8s-audit-*`).replace(/^name: .*$/m, 'name: dyn'),
    );
    writeFileSync(
      path.join(dir, 'pack.yaml'),
      rule.replace(/^index: .*$/m, `index: ${base}-pack-logstash-k8s-audit-*`).replace(/^name: .*$/m, 'name: pack'),
    );
    const io = captureIO({ ES_URL: process.env.ES_URL, ES_USERNAME: process.env.ES_USERNAME, ES_PASSWORD: process.env.ES_PASSWORD });
    const code = await lintCommand({ paths: [dir], cwd: dir, checkEs: true }, io);
    // The dynamically mapped index lacks fields the filter names (problems, exit 1); the pack's has them all.
    expect(code).toBe(1);
    expect(io.stdout.filter((l) => l.includes('pack.yaml'))).toEqual([]);
    const warnings = io.stdout.filter((l) => l.startsWith('Warning: '));
    expect(warnings.every((w) => w.startsWith('Warning: dyn.yaml: rule "dyn": '))).toBe(true);
    expect(warnings).toContain(
      `Warning: dyn.yaml: rule "dyn": verb is mapped as text in ${dynamicIndex}: a term query only finds its lowercased words; map it as keyword (logwarden templates install) or filter on verb.keyword`,
    );
    expect(warnings.some((w) => w.includes('requestObject.spec.hostPID requestObject is mapped dynamically'))).toBe(true);
  });
});
