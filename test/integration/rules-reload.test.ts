import { afterAll, describe, expect, it } from '@jest/globals';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { ManualClock } from '../../src/schedule/clock.ts';
import { rulesFolder, testConfig, testEngine } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

const rule = (name: string, numEvents: number | string): string =>
  `name: ${name}\ntype: frequency\nindex: logs-*\nnum_events: ${numEvents}\ntimeframe: {minutes: 5}\nalert: [debug]\n`;

/**
 * Polls until `check` holds: the watcher reacts to the file system on its own schedule, and the
 * engine's clock is moved on with real time so its reload debounce fires.
 */
async function eventually(clock: ManualClock, check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if (check()) return;
    await delay(100);
    clock.advance(100);
  }
  throw new Error(`timed out waiting until ${what}`);
}

describe('the watched rules folder', () => {
  it('adds, updates and removes rules without a restart, and keeps the last good version of a broken rule', async () => {
    const dir = rulesFolder({ 'a.yaml': rule('Rule A', 5) });
    const { engine, clock } = await testEngine(es, testConfig(dir, uniqueName('wb-reload')), Date.now());
    engine.start({ watch: true });
    try {
      expect(engine.ruleNames()).toEqual(['Rule A']);

      writeFileSync(path.join(dir, 'b.yaml'), rule('Rule B', 7));
      await eventually(clock, () => engine.ruleNames().includes('Rule B'), 'Rule B is loaded');

      writeFileSync(path.join(dir, 'a.yaml'), rule('Rule A', 9));
      await eventually(clock, () => engine.ruleDefinition('Rule A')?.options.num_events === 9, 'Rule A is updated');

      writeFileSync(path.join(dir, 'a.yaml'), rule('Rule A', '"ten"'));
      await delay(1000);
      clock.advance(1000);
      await delay(200);
      expect(engine.ruleDefinition('Rule A')?.options.num_events).toBe(9);

      rmSync(path.join(dir, 'b.yaml'));
      await eventually(clock, () => !engine.ruleNames().includes('Rule B'), 'Rule B is removed');
      expect(engine.ruleNames()).toEqual(['Rule A']);
    } finally {
      await engine.stop();
    }
  });
});
