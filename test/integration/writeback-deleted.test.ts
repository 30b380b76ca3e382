import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src/engine.ts';
import { esCall } from '../../src/es/client.ts';
import { silentLogger } from '../../src/log.ts';
import { Metrics } from '../../src/ops/metrics.ts';
import { ManualClock } from '../../src/schedule/clock.ts';
import { checkWriteback } from '../../src/writeback/health.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';
import { indexDocs, rulesFolder, testConfig } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));
const es = testEs();
const bases: string[] = [];
const logIndices: string[] = [];
// The cluster may be shared (and has a shard limit): leave nothing behind.
afterAll(async () => {
  for (const base of bases) {
    await es.client.indices.deleteIndexTemplate({ name: `logwarden-${base}*` }, { ignore: [404] }).catch(() => undefined);
    await es.client.indices.delete({ index: `${base}*` }, { ignore: [404] }).catch(() => undefined);
  }
  for (const index of logIndices) await es.client.indices.delete({ index: `${index}*` }, { ignore: [404] }).catch(() => undefined);
  await es.close();
});

const MIN = 60_000;
const event = (atMs: number, code: unknown, n: number): Record<string, unknown> => ({
  '@timestamp': new Date(atMs).toISOString(),
  code,
  n,
  message: `event ${n}`,
});

describe('writeback indices deleted while running (issue #16, item 2)', () => {
  it('re-creates them at once and sends no alert twice and none lost, whatever the shape of the logs', async () => {
    const logs = uniqueName('logs-wbdel');
    const wb = uniqueName('wb-del');
    bases.push(wb);
    logIndices.push(logs);
    const rules = rulesFolder({
      'any.yaml': `name: Every event\ntype: any\nindex: ${logs}-*\nrealert: {minutes: 0}\nalert_text: "event {0}"\nalert_text_args: [n]\nalert_text_type: alert_text_only\nalert: [stdout]\n`,
    });
    const config = testConfig(rules, wb, { run_every: { minutes: 1 }, buffer_time: { minutes: 15 } });
    await initWriteback(es, wb);
    const start = Date.now();
    const clock = new ManualClock(start);
    const printed: string[] = [];
    const metrics = new Metrics({ defaultMetrics: false });
    const engine = new Engine({ config, es, log: silentLogger(), clock, env: {}, out: (t) => printed.push(t), observer: metrics });
    engine.loadRules();

    // A field that is a number in one log and text or an object in the next (three log indices):
    // recording the alerts, which quote the logs, must not care.
    await indexDocs(es, `${logs}-a`, [event(start - 10 * MIN, 5, 1)]);
    await indexDocs(es, `${logs}-b`, [event(start - 9 * MIN, 'abc', 2)]);
    await indexDocs(es, `${logs}-c`, [event(start - 8 * MIN, { nested: true }, 3)]);
    expect((await engine.runOne('Every event')).alertsSent).toBe(3);

    // Someone deletes every writeback index; the logs keep coming.
    await es.client.indices.delete({ index: WRITEBACK_KINDS.map((k) => writebackIndexName(wb, k)) });
    await indexDocs(es, `${logs}-b`, [event(start + 10_000, 'text now', 4)]);
    await indexDocs(es, `${logs}-a`, [event(start + 20_000, 7, 5)]);
    clock.advance(MIN);
    const second = await engine.runOne('Every event');
    expect(second.error).toBeUndefined();
    expect(second.alertsSent).toBe(2);

    // And once more, with the re-created indices: nothing new, nothing again.
    await indexDocs(es, `${logs}-b`, [event(start + MIN + 5_000, 'again', 6)]);
    clock.advance(MIN);
    expect((await engine.runOne('Every event')).alertsSent).toBe(1);

    const numbers = printed.map((p) => /event (\d+)/.exec(p)?.[1]);
    expect(numbers.sort()).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(engine.writeback.recreated).toBe(7);
    const exposition = await metrics.registry.metrics();
    expect(exposition).toContain(`logwarden_writeback_recreated_total{index="${wb}_state"} 1`);
    expect(exposition).toMatch(/logwarden_writeback_problems 0/);
    expect(await checkWriteback(es, wb)).toEqual({ missing: [], wrong: [] });
    await engine.stop();
  });

  it('gives an index Elasticsearch auto-creates on a write the strict mapping, through the template', async () => {
    const wb = uniqueName('wb-auto');
    bases.push(wb);
    await initWriteback(es, wb);
    await es.client.indices.delete({ index: wb });
    // A write after the deletion auto-creates the index: the template decides its mapping.
    await es.client.index({
      index: wb,
      id: 'a',
      document: { rule_name: 'r', match_body: { code: 5 }, '@timestamp': new Date().toISOString() },
    });
    await es.client.index({
      index: wb,
      id: 'b',
      document: { rule_name: 'r', match_body: { code: 'abc', code2: { deep: [1, 'x'] } }, '@timestamp': new Date().toISOString() },
    });
    const mapping = await esCall(es, 'mapping', (c) => c.indices.getMapping({ index: wb }));
    expect(mapping[wb]?.mappings.dynamic).toBe('strict');
    expect(mapping[wb]?.mappings.properties?.match_body).toEqual({ type: 'object', enabled: false });
    await expect(es.client.index({ index: wb, document: { surprise: 1 } })).rejects.toThrow(/strict_dynamic_mapping_exception|not allowed/);
  });

  it('reports an index made with guessed mappings as wrong, field by field, in init and the health check', async () => {
    const wb = uniqueName('wb-wrong');
    bases.push(wb);
    // What Elasticsearch did before there were templates: auto-create from the first document.
    await es.client.index({ index: `${wb}_state`, document: { rule_name: 'r', last_end: 5, state: { x: 1 } }, refresh: true });
    const results = await initWriteback(es, wb);
    const state = results.find((r) => r.kind === 'state');
    expect(state?.action).toBe('wrong');
    expect(state?.problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^dynamic is true, must be strict/),
        'last_end: is long, must be date',
        'state: is object, must be object with enabled: false',
      ]),
    );
    expect(results.filter((r) => r.kind !== 'state').every((r) => r.action === 'created')).toBe(true);
    const health = await checkWriteback(es, wb);
    expect(health.missing).toEqual([]);
    expect(health.wrong.map((w) => w.index)).toEqual([`${wb}_state`]);
    // `logwarden init` says the same, and fails.
    const init = spawnSync(process.execPath, [bin, 'init'], { env: { ...process.env, LOGWARDEN_WRITEBACK_INDEX: wb }, encoding: 'utf8' });
    expect(init.stdout).toMatch(new RegExp(`${wb}_state\\s+wrong`));
    expect(init.stdout).toContain('last_end: is long, must be date');
    expect(init.stderr).toContain('1 writeback index is not as LogWarden needs');
    expect(init.status).toBe(1);
  });
});
