// The sample log generator against a real Elasticsearch: ~100k events loaded through the index
// templates, every event counted back per index, the templates' mappings applied, and the
// scenarios' key fields searchable as rules will search them. The load rate is printed, not asserted.
import { afterAll, describe, expect, it } from '@jest/globals';
import { esCall } from '../../src/es/client.ts';
import { generate } from '../../src/generator/generate.ts';
import { indexPattern } from '../../src/generator/indices.ts';
import { installTemplates, loadEvents, removeTemplates, type LoadResult } from '../../src/generator/load.ts';
import { AWS_CALLERS } from '../../src/generator/cloudtrail.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
const prefix = `${uniqueName('gen')}-`;
let loaded: LoadResult | undefined;

afterAll(async () => {
  if (loaded) await es.client.indices.delete({ index: loaded.indices, ignore_unavailable: true }).catch(() => undefined);
  await removeTemplates(es, prefix).catch(() => undefined);
  await es.close();
});

/** The mapping type of a dotted field in one index's mapping. */
function typeOf(mapping: unknown, field: string): string | undefined {
  let node = mapping as { properties?: Record<string, unknown>; type?: string } | undefined;
  for (const part of field.split('.')) node = node?.properties?.[part] as typeof node;
  return node?.type ?? (node?.properties ? 'object' : undefined);
}

const count = async (index: string, query?: Record<string, unknown>): Promise<number> =>
  (await esCall(es, `counting ${index}`, (c) => c.count({ index, ...(query ? { query } : {}) }))).count;

describe('the sample log generator against Elasticsearch', () => {
  // 4 h 45 min across a UTC midnight: about 100k events in two days' daily indices.
  const range = { fromMs: Date.parse('2026-03-01T22:00:00Z'), toMs: Date.parse('2026-03-02T02:45:00Z') };
  const generation = generate({ range, seed: 'integration', prefix });

  it('loads about 100k events, every one of them into the index it names', async () => {
    await installTemplates(es, prefix);
    loaded = await loadEvents(es, generation.events(), { prefix, onProgress: () => undefined });
    process.stderr.write(
      `\n[generator] loaded ${loaded.counts.total} events into ${loaded.indices.length} indices in ${loaded.seconds.toFixed(1)} s (${loaded.perSecond}/s)\n`,
    );
    expect(loaded.counts.total).toBeGreaterThanOrEqual(100_000);
    expect(loaded.indices).toEqual(Object.keys(loaded.counts.byIndex).sort());
    expect(loaded.indices).toHaveLength(9);
    for (const index of loaded.indices) expect(await count(index)).toBe(loaded.counts.byIndex[index]);
    // Refresh is back to the index default once loaded.
    const settings = await esCall(es, 'reading settings', (c) =>
      c.indices.getSettings({ index: loaded?.indices ?? [], name: 'index.refresh_interval' }),
    );
    for (const s of Object.values(settings)) expect(s.settings?.index?.refresh_interval).toBeUndefined();
  });

  it('applies the templates: dates, addresses, keywords, longs and the indexed parts of bodies', async () => {
    expect(loaded).toBeDefined();
    const expected: Record<string, Record<string, string>> = {
      'k8s-audit': {
        '@timestamp': 'date',
        stageTimestamp: 'date',
        sourceIPs: 'ip',
        'user.username': 'keyword',
        'objectRef.subresource': 'keyword',
        'responseStatus.code': 'integer',
        'requestObject.spec.hostPID': 'boolean',
        'requestObject.roleRef.name': 'keyword',
      },
      auth: {
        '@timestamp': 'date',
        'source.ip': 'ip',
        'user.name': 'keyword',
        'event.outcome': 'keyword',
        'host.name': 'keyword',
        message: 'text',
        'process.pid': 'long',
      },
      cloudtrail: {
        '@timestamp': 'date',
        eventTime: 'date',
        eventName: 'keyword',
        sourceIPAddress: 'keyword',
        'userIdentity.arn': 'keyword',
        'requestParameters.policyArn': 'keyword',
        readOnly: 'boolean',
      },
      proxy: { '@timestamp': 'date', 'source.bytes': 'long', 'source.ip': 'ip', 'host.name': 'keyword', 'destination.domain': 'keyword' },
      falco: {
        '@timestamp': 'date',
        time: 'date_nanos',
        rule: 'keyword',
        priority: 'keyword',
        hostname: 'keyword',
        output_fields: 'flattened',
      },
    };
    for (const [source, fields] of Object.entries(expected)) {
      const mappings = await esCall(es, 'reading mappings', (c) => c.indices.getMapping({ index: indexPattern(source as 'auth', prefix) }));
      expect(Object.keys(mappings).length).toBeGreaterThan(0);
      for (const [index, { mappings: m }] of Object.entries(mappings)) {
        for (const [field, type] of Object.entries(fields)) expect([index, field, typeOf(m, field)]).toEqual([index, field, type]);
        // Strings nobody listed are keywords, not text with a .keyword copy.
        expect(m.dynamic_templates?.length).toBeGreaterThan(0);
      }
    }
    // Free-form request bodies index only what is listed.
    const k8s = await esCall(es, 'reading mappings', (c) => c.indices.getMapping({ index: indexPattern('k8s-audit', prefix) }));
    for (const { mappings: m } of Object.values(k8s)) expect(typeOf(m, 'requestObject.metadata.labels')).toBeUndefined();
  });

  it('makes the scenarios findable the way rules search', async () => {
    expect(loaded).toBeDefined();
    const auth = indexPattern('auth', prefix);
    expect(
      await count(auth, {
        bool: {
          filter: [
            { term: { 'event.category': 'authentication' } },
            { term: { 'event.outcome': 'failure' } },
            { term: { 'source.ip': '203.0.113.50' } },
          ],
        },
      }),
    ).toBe(40);
    expect(await count(auth, { bool: { filter: [{ term: { 'user.name': 'root' } }, { term: { 'event.outcome': 'success' } }] } })).toBe(1);
    // An ip field answers CIDR queries: the documentation range the attackers come from.
    expect(
      await count(auth, {
        bool: {
          filter: [
            { term: { 'source.ip': '198.51.100.0/24' } },
            { term: { 'event.outcome': 'failure' } },
            { term: { 'user.name': 'zoe' } },
          ],
        },
      }),
    ).toBe(1);
    const k8s = indexPattern('k8s-audit', prefix);
    // The node-shell pod and three pods of the privileged host-agent Deployment.
    expect(await count(k8s, { term: { 'requestObject.spec.hostPID': true } })).toBe(4);
    expect(await count(k8s, { term: { 'requestObject.roleRef.name': 'cluster-admin' } })).toBe(1);
    expect(await count(k8s, { term: { 'objectRef.subresource': 'exec' } })).toBe(2);
    const ct = indexPattern('cloudtrail', prefix);
    expect(await count(ct, { term: { 'userIdentity.type': 'Root' } })).toBe(4);
    expect(
      await count(ct, {
        bool: {
          filter: [
            { term: { eventName: 'GetObject' } },
            { term: { 'userIdentity.arn': AWS_CALLERS.reportGenerator.arn } },
            { term: { sourceIPAddress: '203.0.113.150' } },
          ],
        },
      }),
    ).toBe(600);
    // Bytes out sum per host: a long, so gigabytes add up without overflow.
    const proxy = indexPattern('proxy', prefix);
    const res = await esCall(es, 'summing bytes', (c) =>
      c.search({ index: proxy, size: 0, query: { term: { 'host.name': 'ws-014' } }, aggs: { out: { sum: { field: 'source.bytes' } } } }),
    );
    const out = (res.aggregations?.out as { value: number } | undefined)?.value ?? 0;
    expect(out).toBeGreaterThan(2_000_000_000);
    // The silent host logged nothing in the last 30 minutes.
    expect(
      await count(auth, {
        bool: {
          filter: [
            { term: { 'host.name': 'web-03' } },
            { range: { '@timestamp': { gte: new Date(range.toMs - 30 * 60_000).toISOString() } } },
          ],
        },
      }),
    ).toBe(0);
    expect(
      await count(auth, {
        bool: {
          filter: [
            { term: { 'host.name': 'web-02' } },
            { range: { '@timestamp': { gte: new Date(range.toMs - 30 * 60_000).toISOString() } } },
          ],
        },
      }),
    ).toBeGreaterThan(20);
  });
});
