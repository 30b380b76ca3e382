import { afterAll, describe, expect, it } from '@jest/globals';
import { esCall } from '../../src/es/client.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { WRITEBACK_MAPPINGS, writebackIndexName } from '../../src/writeback/mappings.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

describe('initWriteback', () => {
  it('creates the six writeback indices with the intended mappings', async () => {
    const base = uniqueName('wb');
    const results = await initWriteback(es, base);
    expect(results.map((r) => [r.index, r.action])).toEqual([
      [base, 'created'],
      [`${base}_status`, 'created'],
      [`${base}_silence`, 'created'],
      [`${base}_error`, 'created'],
      [`${base}_state`, 'created'],
      [`${base}_delivery`, 'created'],
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
    await es.client.indices.create({ index, mappings: { dynamic: 'strict', properties: { rule_name: { type: 'keyword' }, until: { type: 'date' } } } });
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
