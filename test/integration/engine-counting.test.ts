import { afterAll, describe, expect, it } from '@jest/globals';
import { esStores } from '../../src/store/es/stores.ts';
import { indexDocs, rulesFolder, testConfig, testEngine } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

const MIN = 60_000;

async function keywordIndex(index: string): Promise<void> {
  await es.client.indices.create({
    index,
    mappings: {
      dynamic_templates: [{ s: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }],
      properties: { '@timestamp': { type: 'date' } },
    },
  });
}

const at = (ms: number, host: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
  '@timestamp': new Date(ms).toISOString(),
  host: { name: host },
  ...extra,
});

describe('spike on real data', () => {
  it('alerts once for the spiking host across a restart, never for the steady one', async () => {
    const index = uniqueName('logs-spike');
    const wb = uniqueName('wb-spike');
    await keywordIndex(index);
    const T = Date.now() - 30 * MIN;
    const docs: Record<string, unknown>[] = [];
    for (let m = 120; m > 10; m--) {
      docs.push(at(T - m * MIN, 'web-1'), at(T - m * MIN, 'web-2'));
    }
    for (let i = 0; i < 40; i++) docs.push(at(T - 10 * MIN + (i + 1) * 15_000, 'web-1', { user: { name: 'mallory' } }));
    for (let m = 10; m > 0; m--) docs.push(at(T - m * MIN + 1, 'web-2'));
    await indexDocs(es, index, docs);
    const rule = `name: Request spike\ntype: spike\nindex: ${index}\nquery_key: host.name\ntimeframe: {minutes: 10}\nspike_height: 3\nspike_type: up\nthreshold_cur: 10\nrun_every: {minutes: 1}\nalert_text: "Spike on {0} by {1}"\nalert_text_args: [host.name, user.name]\nalert: [stdout]\n`;
    const config = testConfig(rulesFolder({ 'spike.yaml': rule }), wb);

    const first = await testEngine(es, config, T - 20 * MIN);
    await first.engine.runOne('Request spike');
    first.clock.advance(5 * MIN);
    await first.engine.runOne('Request spike');
    // Restart: a new engine on the same writeback index.
    const second = await testEngine(es, config, T - 5 * MIN);
    for (const step of [0, 5, 5]) {
      second.clock.advance(step * MIN);
      const outcome = await second.engine.runOne('Request spike');
      expect(outcome.error).toBeUndefined();
    }
    const alerts = await esStores(es, wb).alerts.ofRule('Request spike');
    expect(alerts.map((a) => a.queryKey)).toEqual(['web-1']);
    expect(alerts[0]?.matchBody.spike_count).toBeGreaterThanOrEqual(30);
    // The sample document gives the alert text its user.
    expect([...first.printed, ...second.printed].join('\n')).toContain('Spike on web-1 by mallory');
  });
});

describe('flatline on real data', () => {
  const build = async (): Promise<{ index: string; T: number }> => {
    const index = uniqueName('logs-flat');
    await keywordIndex(index);
    const T = Date.now() - 5 * MIN;
    const docs: Record<string, unknown>[] = [];
    for (let m = 180; m >= 0; m--) {
      docs.push(at(T - m * MIN, 'h1'), at(T - m * MIN, 'h3'));
      if (m > 60) docs.push(at(T - m * MIN, 'h2')); // h2 goes silent an hour before T
    }
    await indexDocs(es, index, docs);
    return { index, T };
  };
  const rule = (index: string): string =>
    `name: Log source silent\ntype: flatline\nindex: ${index}\nquery_key: host.name\ntimeframe: {minutes: 10}\nthreshold: 1\nrun_every: {minutes: 1}\nalert: [stdout]\n`;

  it('reports a host that went silent while LogWarden was down', async () => {
    const { index, T } = await build();
    const wb = uniqueName('wb-flat');
    const config = testConfig(rulesFolder({ 'flat.yaml': rule(index) }), wb);
    const before = await testEngine(es, config, T - 90 * MIN);
    await before.engine.runOne('Log source silent');
    expect(before.printed).toEqual([]);
    // Down for 90 minutes; h2 stopped logging in between.
    const after = await testEngine(es, config, T);
    const outcome = await after.engine.runOne('Log source silent');
    expect(outcome.error).toBeUndefined();
    const alerts = await esStores(es, wb).alerts.ofRule('Log source silent');
    expect(alerts.map((a) => a.queryKey)).toEqual(['h2']);
    expect(after.printed).toHaveLength(1);
  });

  it('knows the hosts from Elasticsearch on its very first run', async () => {
    const { index, T } = await build();
    const wb = uniqueName('wb-flat-seed');
    const fresh = await testEngine(es, testConfig(rulesFolder({ 'flat.yaml': rule(index) }), wb), T);
    await fresh.engine.runOne('Log source silent');
    const alerts = await esStores(es, wb).alerts.ofRule('Log source silent');
    expect(alerts.map((a) => a.queryKey)).toEqual(['h2']);
  });
});

describe('new_term on real data', () => {
  it('finds the one new user agent among 10,000 known ones, once, across a restart', async () => {
    const index = uniqueName('logs-ua');
    const wb = uniqueName('wb-newterm');
    await keywordIndex(index);
    const T = Date.now() - 5 * MIN;
    const docs = Array.from({ length: 10_000 }, (_, i) => at(T - 2 * 3_600_000 + i * 300, `node-${i % 7}`, { user_agent: `agent-${i}` }));
    docs.push(...Array.from({ length: 50 }, (_, i) => at(T - 20 * MIN + i * 1000, 'node-1', { user_agent: `agent-${i * 17}` })));
    docs.push(at(T - 25 * MIN, 'node-3', { user_agent: 'sqlmap/1.7', source: { ip: '203.0.113.9' } }));
    await indexDocs(es, index, docs);
    const rule = `name: New user agent\ntype: new_term\nindex: ${index}\nfields: [user_agent]\nterms_window_size: {days: 1}\nuse_keyword_postfix: false\nrun_every: {minutes: 1}\nalert_text: "{0} from {1}"\nalert_text_args: [user_agent, source.ip]\nalert: [stdout]\n`;
    const config = testConfig(rulesFolder({ 'ua.yaml': rule }), wb);

    const before = await testEngine(es, config, T - 40 * MIN);
    await before.engine.runOne('New user agent');
    expect(before.printed).toEqual([]);
    // Down for 40 minutes: the new agent appeared meanwhile; known agents came back too.
    const after = await testEngine(es, config, T);
    const outcome = await after.engine.runOne('New user agent');
    expect(outcome.error).toBeUndefined();
    after.clock.advance(MIN);
    await after.engine.runOne('New user agent');
    const alerts = await esStores(es, wb).alerts.ofRule('New user agent');
    expect(alerts.map((a) => a.queryKey)).toEqual(['sqlmap/1.7']);
    expect(after.printed.join('\n')).toContain('sqlmap/1.7 from 203.0.113.9');
  });
});
