import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/schedule/clock.ts';
import { Scheduler } from '../../../src/schedule/scheduler.ts';

const SEC = 1_000;

/** Lets finished runs' promise handlers complete (no time passes: the clock is manual). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Scheduler at start-up (issue #16: the start-up burst)', () => {
  it('spreads the first runs of 500 rules at 10 s over the whole interval by default', async () => {
    const clock = new ManualClock(0);
    const firstRuns = new Map<string, number>();
    const s = new Scheduler({
      clock,
      concurrency: 500,
      execute: async (name, now) => {
        if (!firstRuns.has(name)) firstRuns.set(name, now);
      },
    });
    for (let i = 0; i < 500; i++) s.upsert({ name: `rule-${i}`, runEveryMs: 10 * SEC });
    s.start();
    for (let t = 0; t < 10; t++) {
      clock.advance(SEC);
      await settle();
    }
    expect(firstRuns.size).toBe(500);
    const perSecond = Array.from({ length: 10 }, () => 0);
    for (const at of firstRuns.values()) perSecond[Math.floor(at / SEC)]! += 1;
    // 50 a second on average; a burst would put them all in the first second (or the first five).
    expect(Math.max(...perSecond)).toBeLessThanOrEqual(75);
    expect(Math.min(...perSecond)).toBeGreaterThanOrEqual(25);
    await s.stop();
  });

  it('never offsets a first run by more than the rule interval', async () => {
    const clock = new ManualClock(0);
    const firstRuns: number[] = [];
    const s = new Scheduler({
      clock,
      concurrency: 100,
      execute: async (_n, now) => {
        firstRuns.push(now);
      },
    });
    for (let i = 0; i < 100; i++) s.upsert({ name: `r${i}`, runEveryMs: 2 * SEC });
    s.start();
    clock.advance(2 * SEC - 1);
    await settle();
    expect(firstRuns).toHaveLength(100);
    await s.stop();
  });

  it('starts a run due now before runs already a whole interval late (catch-up yields)', async () => {
    const clock = new ManualClock(0);
    const started: string[] = [];
    const finishers = new Map<string, () => void>();
    const s = new Scheduler({
      clock,
      concurrency: 1,
      maxJitterMs: 0,
      execute: (name) => {
        started.push(name);
        return new Promise<void>((resolve) => finishers.set(name, resolve));
      },
    });
    s.upsert({ name: 'hog', runEveryMs: 600 * SEC });
    s.upsert({ name: 'late-a', runEveryMs: 10 * SEC });
    s.upsert({ name: 'late-b', runEveryMs: 10 * SEC });
    s.start();
    clock.advance(0);
    expect(started).toEqual(['hog']);
    clock.advance(25 * SEC); // late-a and late-b wait 25 s for the only slot: more than their 10 s interval
    s.upsert({ name: 'on-time', runEveryMs: 10 * SEC });
    clock.advance(0);
    const finish = async (name: string): Promise<void> => {
      finishers.get(name)?.();
      await settle();
    };
    await finish('hog');
    expect(started).toEqual(['hog', 'on-time']);
    await finish('on-time');
    await finish('late-a');
    expect(started).toEqual(['hog', 'on-time', 'late-a', 'late-b']);
    await finish('late-b');
    await s.stop();
  });

  it('starts late runs oldest due first, and keeps first-come order when yielding is off', async () => {
    const run = async (catchUpYields: boolean): Promise<string[]> => {
      const clock = new ManualClock(0);
      const started: string[] = [];
      const finishers = new Map<string, () => void>();
      const s = new Scheduler({
        clock,
        concurrency: 1,
        maxJitterMs: 0,
        catchUpYields,
        execute: (name) => {
          started.push(name);
          return new Promise<void>((resolve) => finishers.set(name, resolve));
        },
      });
      s.upsert({ name: 'hog', runEveryMs: 600 * SEC });
      s.upsert({ name: 'early', runEveryMs: 10 * SEC });
      s.start();
      clock.advance(0);
      clock.advance(25 * SEC);
      s.upsert({ name: 'fresh', runEveryMs: 10 * SEC });
      clock.advance(0);
      // Finishes whatever started, in the order it started, until all three ran.
      for (let i = 0; i < 3; i++) {
        finishers.get(started[i] ?? '')?.();
        await settle();
      }
      await s.stop();
      return started;
    };
    expect(await run(true)).toEqual(['hog', 'fresh', 'early']);
    expect(await run(false)).toEqual(['hog', 'early', 'fresh']);
  });
});
