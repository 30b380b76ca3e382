import { afterAll, describe, expect, it } from '@jest/globals';
import { fileURLToPath } from 'node:url';
import { runDemo } from '../../src/demo/demo.ts';
import { silentLogger } from '../../src/log.ts';
import { ManualClock } from '../../src/schedule/clock.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

const rulesFolder = fileURLToPath(new URL('../../rules', import.meta.url));
const DAY = 86_400_000;

describe('the bundled rule pack over generated logs (the demo, end to end)', () => {
  it('catches every injected scenario once per expected key and nothing else', async () => {
    const printed: string[] = [];
    const result = await runDemo({
      env: {}, log: silentLogger(), say: () => undefined, out: (t) => printed.push(t), rulesFolder, es,
      clock: new ManualClock(Date.now()), liveMs: 0, writebackIndex: uniqueName('demo-attack'),
    });
    const missed = result.summary.scenarios.flatMap((s) => s.expected.filter((e) => !e.caught).map((e) => `${s.scenario} → ${e.rule} (${e.key})`));
    expect(missed).toEqual([]);
    expect(result.summary.unexpected).toEqual([]);
    expect(result.rulesRun).toBeGreaterThanOrEqual(25);
    expect(printed.length).toBeGreaterThan(0);
  });

  it('fires nothing on several hours of benign logs', async () => {
    const result = await runDemo({
      env: {}, log: silentLogger(), say: () => undefined, out: () => undefined, rulesFolder, es,
      // Days before the other case's data, so the two datasets never meet in a rule's window.
      clock: new ManualClock(Date.now() - 3 * DAY), historyMs: 5 * 3_600_000, liveMs: 0, benignOnly: true, writebackIndex: uniqueName('demo-benign'),
    });
    expect(result.summary.alertsPerRule).toEqual({});
  });
});
