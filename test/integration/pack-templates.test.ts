// The pack's index templates against a real Elasticsearch: audit events whose bodies disagree on
// shape (a delete's response `status: "Success"`, a pod create's `status: {phase: Pending}`) land
// in the same daily index without a refusal, the fields the rules filter on stay searchable, and
// installing twice changes nothing.
import { afterAll, describe, expect, it } from '@jest/globals';
import { esCall } from '../../src/es/client.ts';
import { packTemplates, withPrefix } from '../../src/templates/files.ts';
import { installPackTemplates } from '../../src/templates/install.ts';
import { legacyTemplate } from '../../src/templates/variants.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
const prefix = `${uniqueName('packtpl')}-`;
const templates = withPrefix(packTemplates(), prefix);
const index = `${prefix}logstash-k8s-audit-2026.12.07`;
const falcoIndex = `${prefix}falco-2026.12.07`;

afterAll(async () => {
  await es.client.indices.delete({ index: [index, falcoIndex], ignore_unavailable: true }).catch(() => undefined);
  for (const t of templates) await es.client.indices.deleteIndexTemplate({ name: t.name }, { ignore: [404] }).catch(() => undefined);
  await es.close();
});

// Shapes as a 1.30 API server logs them at RequestResponse level (trimmed).
const podCreate = {
  '@timestamp': '2026-12-07T10:00:00Z',
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'RequestResponse',
  stage: 'ResponseComplete',
  verb: 'create',
  user: { username: 'system:serviceaccount:kube-system:replicaset-controller' },
  sourceIPs: ['10.0.0.10'],
  objectRef: { resource: 'pods', namespace: 'payments', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 201 },
  annotations: { 'authorization.k8s.io/decision': 'allow', 'pod-security.kubernetes.io/enforce-policy': 'privileged:latest' },
  requestObject: {
    kind: 'Pod',
    metadata: {
      generateName: 'payments-api-7d9f-',
      ownerReferences: [{ kind: 'ReplicaSet', name: 'payments-api-7d9f', controller: true }],
    },
    spec: { containers: [{ name: 'app', image: 'app:1', securityContext: { privileged: true } }] },
    status: {},
  },
  responseObject: {
    kind: 'Pod',
    metadata: { name: 'payments-api-7d9f-x2x9q', namespace: 'payments' },
    status: { phase: 'Pending', qosClass: 'BestEffort' },
  },
};
const secretDelete = {
  '@timestamp': '2026-12-07T10:00:01Z',
  kind: 'Event',
  apiVersion: 'audit.k8s.io/v1',
  level: 'RequestResponse',
  stage: 'ResponseComplete',
  verb: 'delete',
  user: { username: 'kubernetes-admin' },
  sourceIPs: ['10.0.5.20'],
  userAgent: 'kubectl/v1.30.2',
  objectRef: { resource: 'secrets', namespace: 'payments', name: 'old-token', apiVersion: 'v1' },
  responseStatus: { metadata: {}, code: 200 },
  requestObject: { kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/__internal', propagationPolicy: 'Background' },
  responseObject: {
    kind: 'Status',
    apiVersion: 'v1',
    metadata: {},
    status: 'Success',
    details: { name: 'old-token', kind: 'secrets', uid: 'a1' },
  },
};
// A JSON patch: requestObject is a list of operations whose `value` is any shape.
const patch = {
  '@timestamp': '2026-12-07T10:00:02Z',
  level: 'Request',
  verb: 'patch',
  user: { username: 'argo' },
  objectRef: { resource: 'deployments', namespace: 'payments', name: 'payments-api' },
  responseStatus: { code: 200 },
  requestObject: [
    { op: 'replace', path: '/spec/replicas', value: 3 },
    { op: 'add', path: '/metadata/labels', value: { a: 'b' } },
  ],
};

describe('the pack index templates', () => {
  it('install, then report unchanged on a second install', async () => {
    expect((await installPackTemplates(es, templates)).map((r) => r.action)).toEqual([
      'created',
      'created',
      'created',
      'created',
      'created',
    ]);
    expect((await installPackTemplates(es, templates)).map((r) => r.action)).toEqual([
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
      'unchanged',
    ]);
  });

  it('take audit events of conflicting body shapes into one index, in either order, and keep rule fields searchable', async () => {
    for (const order of [
      [secretDelete, podCreate, patch],
      [podCreate, secretDelete, patch],
    ]) {
      const bulk = await esCall(es, 'bulk', (c) =>
        c.bulk({ refresh: true, operations: order.flatMap((doc) => [{ index: { _index: index } }, doc]) }),
      );
      expect(bulk.items.map((i) => i.index?.error?.reason ?? 'ok')).toEqual(['ok', 'ok', 'ok']);
    }
    const count = async (query: Record<string, unknown>): Promise<number> =>
      (await esCall(es, 'count', (c) => c.count({ index, query }))).count;
    expect(await count({ match_all: {} })).toBe(6);
    expect(await count({ term: { 'requestObject.spec.containers.securityContext.privileged': true } })).toBe(2);
    expect(await count({ term: { 'requestObject.metadata.ownerReferences.name': 'payments-api-7d9f' } })).toBe(2);
    expect(await count({ term: { 'annotations.authorization.k8s.io/decision': 'allow' } })).toBe(2);
    expect(await count({ range: { 'responseStatus.code': { lt: 400 } } })).toBe(6);
  });

  // Falco's output_fields keys are dotted field names, and one may be the prefix of another
  // (container.image beside container.image.repository): as objects, whichever came first would
  // refuse the other. Falcosidekick writes `time` with nanoseconds.
  it("take Falco events from Falcosidekick and from Falco's JSON output with overlapping output_fields keys", async () => {
    const sidekick = {
      uuid: 'a1',
      time: '2026-12-07T10:00:00.123456789Z',
      rule: 'Terminal shell in container',
      priority: 'Notice',
      source: 'syscall',
      hostname: 'node-a-01',
      tags: ['container', 'shell'],
      output: '10:00:00.123456789: Notice A shell was spawned',
      output_fields: {
        'container.id': 'c0ffee',
        'container.image.repository': 'docker.io/library/alpine',
        'k8s.pod.name': 'debug',
        'proc.pid': 4242,
      },
    };
    const jsonOutput = {
      '@timestamp': '2026-12-07T10:00:01Z',
      time: '2026-12-07T10:00:01.000000000Z',
      rule: 'Custom image rule',
      priority: 'Warning',
      hostname: 'node-a-02',
      output: 'custom',
      output_fields: { 'container.image': 'alpine:3.20', 'container.image.repository': 'alpine', 'evt.time': 1796637601000000000 },
    };
    const bulk = await esCall(es, 'bulk', (c) =>
      c.bulk({ refresh: true, operations: [sidekick, jsonOutput].flatMap((doc) => [{ index: { _index: falcoIndex } }, doc]) }),
    );
    expect(bulk.items.map((i) => i.index?.error?.reason ?? 'ok')).toEqual(['ok', 'ok']);
    const count = async (query: Record<string, unknown>): Promise<number> =>
      (await esCall(es, 'count', (c) => c.count({ index: falcoIndex, query }))).count;
    expect(await count({ term: { 'output_fields.k8s.pod.name': 'debug' } })).toBe(1);
    expect(await count({ term: { 'output_fields.container.image.repository': 'alpine' } })).toBe(1);
    expect(await count({ range: { time: { gte: '2026-12-07T10:00:00.123Z', lt: '2026-12-07T10:00:01Z' } } })).toBe(1);
  });

  // Elasticsearch refuses a legacy template whose patterns overlap a composable one's: other
  // patterns here, as a cluster has one kind or the other (docs/index-templates.md says so).
  it('are accepted as legacy _template bodies too (the legacy/ copies, for Fluentd in its default mode)', async () => {
    for (const t of withPrefix(packTemplates(), `${prefix}legacy-`)) {
      const name = `${t.name}-legacy`;
      try {
        const body = legacyTemplate(t.body);
        const res = await esCall(es, 'put legacy template', (c) =>
          c.indices.putTemplate({ name, index_patterns: body.index_patterns, order: body.order, mappings: body.mappings }),
        );
        expect(res.acknowledged).toBe(true);
      } finally {
        await es.client.indices.deleteTemplate({ name }, { ignore: [404] }).catch(() => undefined);
      }
    }
  });
});
