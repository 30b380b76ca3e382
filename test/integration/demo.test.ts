import { afterAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { runDemo } from '../../src/demo/demo.ts';
import { indexName } from '../../src/generator/indices.ts';
import { SOURCES } from '../../src/generator/types.ts';
import { silentLogger } from '../../src/log.ts';
import { ManualClock } from '../../src/schedule/clock.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
// What the demo wrote (the generated days' indices and the writeback indices): deleted afterwards,
// the cluster may be a shared one.
const created = new Set<string>();
const writebackIndices: string[] = [];
afterAll(async () => {
  // Wildcards are resolved first: a cluster may refuse deleting by wildcard (action.destructive_requires_name).
  for (const w of writebackIndices) {
    const found = await es.client.indices.get({ index: `${w}*`, ignore_unavailable: true, allow_no_indices: true }).catch(() => ({}));
    for (const name of Object.keys(found)) created.add(name);
  }
  if (created.size > 0)
    await es.client.indices.delete({ index: [...created], ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  await es.close();
});
/** Every index the demo can write for a range ending at `nowMs` (known before it runs, so a failed load is cleaned up too). */
const remember = (nowMs: number, historyMs: number, writebackIndex: string): void => {
  for (let t = nowMs - historyMs; t <= nowMs + 3_600_000; t += 3_600_000) for (const source of SOURCES) created.add(indexName(source, t));
  writebackIndices.push(writebackIndex);
};

const rulesFolder = fileURLToPath(new URL('../../rules', import.meta.url));
const DAY = 86_400_000;

describe('the bundled rule pack over generated logs (the demo, end to end)', () => {
  it('catches every injected scenario once per expected key and nothing else', async () => {
    const printed: string[] = [];
    const writebackIndex = uniqueName('demo-attack');
    const now = Date.now();
    remember(now, 2 * 3_600_000, writebackIndex);
    const result = await runDemo({
      env: {},
      log: silentLogger(),
      say: () => undefined,
      out: (t) => printed.push(t),
      rulesFolder,
      es,
      clock: new ManualClock(now),
      liveMs: 0,
      writebackIndex,
    });
    const missed = result.summary.scenarios.flatMap((s) =>
      s.expected.filter((e) => !e.caught).map((e) => `${s.scenario} → ${e.rule} (${e.key})`),
    );
    expect(missed).toEqual([]);
    expect(result.summary.unexpected).toEqual([]);
    expect(result.rulesRun).toBeGreaterThanOrEqual(45);
    expect(printed.length).toBeGreaterThan(0);
  });

  it('fires nothing on several hours of benign logs', async () => {
    const writebackIndex = uniqueName('demo-benign');
    const now = Date.now() - 3 * DAY;
    remember(now, 5 * 3_600_000, writebackIndex);
    const result = await runDemo({
      env: {},
      log: silentLogger(),
      say: () => undefined,
      out: () => undefined,
      rulesFolder,
      es,
      // Days before the other case's data, so the two datasets never meet in a rule's window.
      clock: new ManualClock(now),
      historyMs: 5 * 3_600_000,
      liveMs: 0,
      benignOnly: true,
      writebackIndex,
    });
    expect(result.summary.alertsPerRule).toEqual({});
  });
});
