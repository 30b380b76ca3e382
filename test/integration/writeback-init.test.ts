import { afterAll, describe, expect, it } from '@jest/globals';
import { esCall } from '../../src/es/client.ts';
import { esStores } from '../../src/store/es/stores.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { WRITEBACK_MAPPINGS, writebackIndexName } from '../../src/writeback/mappings.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

describe('initWriteback', () => {
  it('creates the seven writeback indices with the intended mappings', async () => {
    const base = uniqueName('wb');
    const results = await initWriteback(es, base);
    expect(results.map((r) => [r.index, r.action])).toEqual([
      [base, 'created'],
      [`${base}_status`, 'created'],
      [`${base}_silence`, 'created'],
      [`${base}_error`, 'created'],
      [`${base}_state`, 'created'],
      [`${base}_delivery`, 'created'],
      [`${base}_control`, 'created'],
    ]);
    const alerts = await esCall(es, 'mapping', (c) => c.indices.getMapping({ index: base }));
    const props = alerts[base]?.mappings.properties ?? {};
    expect(props.rule_name).toEqual({ type: 'keyword' });
    expect(props.alert_time).toEqual({ type: 'date' });
    expect(props.match_body).toEqual({ type: 'object', enabled: false });
    expect(alerts[base]?.mappings.dynamic).toBe('strict');
    const status = await esCall(es, 'mapping', (c) => c.indices.getMapping({ index: `${base}_status` }));
    expect(Object.keys(status[`${base}_status`]?.mappings.properties ?? {}).sort()).toEqual(
      Object.keys(WRITEBACK_MAPPINGS.status.properties ?? {}).sort(),
    );
  });

  it('moves the control documents an older version kept in the state index to their own index', async () => {
    const base = uniqueName('wb');
    await initWriteback(es, base);
    // As an older LogWarden left them: rule-state fields, no control index yet.
    const end = '2026-01-01T01:00:00.000Z';
    await es.client.index({
      index: `${base}_state`,
      id: 'aggregation:Spray',
      document: {
        rule_name: 'Spray',
        rule_type: 'aggregation',
        last_end: end,
        state: { groups: { all: { id: 'g1', endMs: 5 } } },
        '@timestamp': end,
      },
    });
    await es.client.index({
      index: `${base}_state`,
      id: 'Spray',
      document: { rule_name: 'Spray', rule_type: 'any', last_end: end, state: {}, '@timestamp': end },
    });
    await es.client.indices.delete({ index: `${base}_control` });
    const warnings: string[] = [];
    const results = await initWriteback(es, base, { warnings });
    expect(results.find((r) => r.kind === 'control')?.action).toBe('created');
    expect(warnings).toContain(`moved 1 control documents (open aggregations, flood-guard counters) from ${base}_state to ${base}_control`);
    const moved = await esStores(es, base).control.get<{ groups: Record<string, unknown> }>('aggregation:Spray');
    expect(moved).toMatchObject({
      kind: 'aggregation',
      ruleName: 'Spray',
      endMs: Date.parse(end),
      data: { groups: { all: { id: 'g1', endMs: 5 } } },
    });
    expect((await es.client.get({ index: `${base}_state`, id: 'aggregation:Spray' }, { ignore: [404] })).found).toBe(false);
    // The rule's own state stays.
    expect(await esStores(es, base).ruleState.load('Spray')).toMatchObject({ ruleType: 'any', lastEndMs: Date.parse(end) });
  });

  it('changes nothing when run a second time', async () => {
    const base = uniqueName('wb');
    await initWriteback(es, base);
    const before = await esCall(es, 'mapping', (c) => c.indices.getMapping({ index: `${base}*` }));
    const second = await initWriteback(es, base);
    expect(second.every((r) => r.action === 'unchanged')).toBe(true);
    const after = await esCall(es, 'mapping', (c) => c.indices.getMapping({ index: `${base}*` }));
    expect(after).toEqual(before);
  });

  it('adds fields a newer version needs to an index created by an older one', async () => {
    const base = uniqueName('wb');
    const index = writebackIndexName(base, 'silence');
    await es.client.indices.create({
      index,
      mappings: { dynamic: 'strict', properties: { rule_name: { type: 'keyword' }, until: { type: 'date' } } },
    });
    const results = await initWriteback(es, base);
    expect(results.find((r) => r.kind === 'silence')?.action).toBe('updated');
    const mapping = await esCall(es, 'mapping', (c) => c.indices.getMapping({ index }));
    expect(mapping[index]?.mappings.properties?.exponent).toEqual({ type: 'integer' });
  });

  it('refuses a log document field that is not in the strict mapping', async () => {
    const base = uniqueName('wb');
    await initWriteback(es, base);
    const error = await es.client.index({ index: `${base}_status`, document: { rule_name: 'r', surprise: 1 } }).catch((e: unknown) => e);
    expect(String(error)).toContain('strict_dynamic_mapping_exception');
  });
});
