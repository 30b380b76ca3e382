import { afterAll, describe, expect, it } from '@jest/globals';
import { indexDocs, rulesFolder, testConfig, testEngine } from '../support/engine.ts';
import { dropIndices } from '../support/cleanup.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
const writebacks: string[] = [];
afterAll(async () => {
  await dropIndices(es, writebacks);
  await es.close();
});

/** A writeback base name, dropped after the tests. */
function wbName(prefix: string): string {
  const name = uniqueName(prefix);
  writebacks.push(name);
  return name;
}

const MIN = 60_000;

describe('top_count_keys', () => {
  it("adds the most frequent values of each key, for the match's query_key, to the alert text", async () => {
    const index = uniqueName('logs-top');
    const now = Date.now();
    const doc = (host: string, user: string, i: number): Record<string, unknown> => ({
      '@timestamp': new Date(now - 5 * MIN + i * 1000).toISOString(),
      host: { name: host },
      user: { name: user },
      event: { outcome: 'failure' },
    });
    // Dynamic mapping: user.name is text with a .keyword sub-field, as raw_count_keys expects.
    await indexDocs(es, index, [
      doc('web-1', 'root', 0),
      doc('web-1', 'root', 1),
      doc('web-1', 'admin', 2),
      doc('web-1', 'guest', 3),
      doc('web-1', 'root', 4),
      doc('db-1', 'oracle', 5),
      doc('db-1', 'oracle', 6),
    ]);
    const rule = `name: Failures per host
type: frequency
index: ${index}
num_events: 5
timeframe: {minutes: 10}
query_key: host.name
top_count_keys: [user.name]
top_count_number: 2
alert: [stdout]
`;
    const config = testConfig(rulesFolder({ 'top.yaml': rule }), wbName('wb-top'), { buffer_time: { minutes: 30 } });
    const { engine, printed } = await testEngine(es, config, now);
    const [outcome] = await engine.runAllOnce({ startMs: now - 20 * MIN, endMs: now });
    expect(outcome?.error).toBeUndefined();
    expect(printed).toHaveLength(1);
    // web-1's users only (db-1's oracle is another key), the top 2, most frequent first.
    expect(printed[0]).toContain('user.name:\nroot: 3\nadmin: 1\n');
    expect(printed[0]).not.toContain('oracle');
    expect(printed[0]).not.toContain('guest: 1');
    await es.client.indices.delete({ index });
  });
});

describe('scan_entire_timeframe', () => {
  it('a run reads the whole timeframe back rather than buffer_time', async () => {
    const index = uniqueName('logs-scan');
    const now = Date.now();
    await indexDocs(
      es,
      index,
      Array.from({ length: 3 }, (_, i) => ({ '@timestamp': new Date(now - 40 * MIN + i * 1000).toISOString(), user: { name: 'root' } })),
    );
    const rule = (scan: boolean): string => `name: Root thrice
type: frequency
index: ${index}
num_events: 3
timeframe: {hours: 1}
scan_entire_timeframe: ${scan}
alert: [stdout]
`;
    // buffer_time 5 minutes: without scan_entire_timeframe the events 40 minutes ago are not read.
    const without = await testEngine(
      es,
      testConfig(rulesFolder({ 'r.yaml': rule(false) }), wbName('wb-scan'), { buffer_time: { minutes: 5 } }),
      now,
    );
    expect((await without.engine.runOne('Root thrice')).hits).toBe(0);
    const withScan = await testEngine(
      es,
      testConfig(rulesFolder({ 'r.yaml': rule(true) }), wbName('wb-scan'), { buffer_time: { minutes: 5 } }),
      now,
    );
    const outcome = await withScan.engine.runOne('Root thrice');
    expect(outcome.hits).toBe(3);
    expect(withScan.printed).toHaveLength(1);
    await es.client.indices.delete({ index });
  });
});

describe('timestamp_type: custom', () => {
  it('queries and reads a timestamp written in timestamp_format', async () => {
    const index = uniqueName('logs-custom-ts');
    const now = Date.now();
    await es.client.indices.create({ index, mappings: { properties: { ts: { type: 'date', format: 'yyyy/MM/dd HH:mm:ss' } } } });
    const pad = (n: number): string => String(n).padStart(2, '0');
    const fmt = (ms: number): string => {
      const d = new Date(ms);
      return `${d.getUTCFullYear()}/${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
    };
    // Written as Istanbul wall time (UTC+3 all year), as query_timezone says. One inside the window,
    // one before it: the range query must compare them as times, in the same zone.
    const istanbul = (ms: number): string => fmt(ms + 3 * 60 * MIN);
    await indexDocs(es, index, [
      { ts: istanbul(now - 2 * MIN), user: 'in' },
      { ts: istanbul(now - 90 * MIN), user: 'out' },
      { ts: fmt(now - 2 * MIN - 4 * 60 * MIN), user: 'utc-wall-time-4h-ago' },
    ]);
    const rule = `name: Custom ts
type: any
index: ${index}
timestamp_field: ts
timestamp_type: custom
timestamp_format: "%Y/%m/%d %H:%M:%S"
query_timezone: Europe/Istanbul
alert: [stdout]
`;
    const { engine, printed } = await testEngine(
      es,
      testConfig(rulesFolder({ 'r.yaml': rule }), wbName('wb-ts'), { buffer_time: { minutes: 30 } }),
      now,
    );
    const outcome = await engine.runOne('Custom ts');
    expect(outcome.error).toBeUndefined();
    expect(outcome.hits).toBe(1);
    expect(printed).toHaveLength(1);
    expect(printed[0]).toContain('user: in');
    await es.client.indices.delete({ index });
  });
});

describe('eql and esql filter entries', () => {
  // ElastAlert2 2.31 sends them to their own endpoints. Where the cluster has the module, the
  // rule reads the events it returns; where it lacks it (stripped distributions), the run fails
  // saying so. Both outcomes are asserted, whichever this cluster gives.
  it.each([
    ['eql', 'any where user.name == "root"', 'this cluster has no EQL endpoint (_eql/search)'],
    ['esql', 'FROM INDEX | WHERE user.name == "root" | KEEP @timestamp, user.name', 'this cluster has no ES|QL endpoint (_query)'],
  ])('%s: the query goes to its endpoint, never into _search', async (kind, query, missing) => {
    const index = uniqueName(`logs-${kind}`);
    const now = Date.now();
    await es.client.indices.create({
      index,
      mappings: { properties: { '@timestamp': { type: 'date' }, user: { properties: { name: { type: 'keyword' } } } } },
    });
    await indexDocs(es, index, [
      { '@timestamp': new Date(now - MIN).toISOString(), user: { name: 'root' } },
      { '@timestamp': new Date(now - MIN).toISOString(), user: { name: 'alice' } },
    ]);
    const rule = `name: Piped\ntype: any\nindex: ${index}\nfilter:\n  - ${kind}: '${query.replace('INDEX', index)}'\nalert: [stdout]\n`;
    const { engine, printed } = await testEngine(
      es,
      testConfig(rulesFolder({ 'r.yaml': rule }), wbName('wb-piped'), { buffer_time: { minutes: 30 } }),
      now,
    );
    const outcome = await engine.runOne('Piped');
    if (outcome.error) {
      expect(outcome.error.message).toContain(missing);
      expect(printed).toEqual([]);
    } else {
      expect(outcome.hits).toBe(1);
      expect(printed.join('\n')).toContain('root');
      expect(printed.join('\n')).not.toContain('alice');
    }
    await es.client.indices.delete({ index });
  });
});
