import { describe, expect, it } from '@jest/globals';
import { ManualClock } from '../../../src/schedule/clock.ts';
import { jitterFor, Scheduler } from '../../../src/schedule/scheduler.ts';

const MIN = 60_000;

/** Lets finished runs' promise handlers complete (no time passes: the clock is manual). */
const settle = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** A run that finishes only when the test says so, to hold a rule "in flight". */
function controllable(): {
  execute: (name: string, nowMs: number) => Promise<void>;
  started: [string, number][];
  finish: (name: string) => Promise<void>;
} {
  const started: [string, number][] = [];
  const pending = new Map<string, () => void>();
  return {
    started,
    execute: (name, nowMs) => {
      started.push([name, nowMs]);
      return new Promise<void>((resolve) => pending.set(name, resolve));
    },
    finish: async (name) => {
      pending.get(name)?.();
      pending.delete(name);
      await settle();
    },
  };
}

describe('Scheduler', () => {
  it('runs a rule every run_every, starting after its jitter', async () => {
    const clock = new ManualClock(0);
    const runs: number[] = [];
    const s = new Scheduler({
      clock,
      concurrency: 4,
      maxJitterMs: 0,
      execute: async (_n, now) => {
        runs.push(now);
      },
    });
    s.upsert({ name: 'a', runEveryMs: MIN });
    s.start();
    clock.advance(0);
    await settle();
    for (let i = 0; i < 3; i++) {
      clock.advance(MIN);
      await settle();
    }
    expect(runs).toEqual([0, MIN, 2 * MIN, 3 * MIN]);
    await s.stop();
  });

  it('skips and counts a tick that finds the previous run still going, instead of queueing it', async () => {
    const clock = new ManualClock(0);
    const c = controllable();
    const skipped: string[] = [];
    const s = new Scheduler({ clock, concurrency: 4, maxJitterMs: 0, execute: c.execute, onSkipped: (n) => skipped.push(n) });
    s.upsert({ name: 'slow', runEveryMs: MIN });
    s.start();
    expect(c.started).toEqual([]);
    clock.advance(0);
    expect(c.started).toEqual([['slow', 0]]);
    clock.advance(MIN);
    clock.advance(MIN);
    expect(c.started).toHaveLength(1);
    expect(s.skipped).toBe(2);
    expect(skipped).toEqual(['slow', 'slow']);
    await c.finish('slow');
    clock.advance(MIN);
    expect(c.started).toEqual([
      ['slow', 0],
      ['slow', 3 * MIN],
    ]);
    await c.finish('slow');
    await s.stop();
  });

  it('runs at most `concurrency` rules at once; a waiting rule starts when a slot frees', async () => {
    const clock = new ManualClock(0);
    const c = controllable();
    const s = new Scheduler({ clock, concurrency: 2, maxJitterMs: 0, execute: c.execute });
    for (const name of ['a', 'b', 'c']) s.upsert({ name, runEveryMs: 10 * MIN });
    s.start();
    clock.advance(0);
    expect(c.started.map(([n]) => n)).toEqual(['a', 'b']);
    await c.finish('a');
    expect(c.started.map(([n]) => n)).toEqual(['a', 'b', 'c']);
    await c.finish('b');
    await c.finish('c');
    await s.stop();
  });

  it('stops scheduling on stop() and waits for the run in flight', async () => {
    const clock = new ManualClock(0);
    const c = controllable();
    const s = new Scheduler({ clock, concurrency: 1, maxJitterMs: 0, execute: c.execute });
    s.upsert({ name: 'a', runEveryMs: MIN });
    s.start();
    clock.advance(0);
    let stopped = false;
    const stopping = s.stop().then(() => {
      stopped = true;
    });
    await Promise.resolve();
    expect(stopped).toBe(false);
    await c.finish('a');
    await stopping;
    expect(stopped).toBe(true);
    clock.advance(5 * MIN);
    expect(c.started).toHaveLength(1);
  });

  it('removes a rule and reschedules a changed interval', async () => {
    const clock = new ManualClock(0);
    const runs: string[] = [];
    const s = new Scheduler({
      clock,
      concurrency: 4,
      maxJitterMs: 0,
      execute: async (n) => {
        runs.push(n);
      },
    });
    s.upsert({ name: 'a', runEveryMs: 10 * MIN });
    s.upsert({ name: 'b', runEveryMs: 10 * MIN });
    s.start();
    clock.advance(0);
    await settle();
    s.remove('b');
    s.upsert({ name: 'a', runEveryMs: MIN });
    clock.advance(MIN);
    await settle();
    for (let i = 0; i < 10; i++) {
      clock.advance(MIN);
      await settle();
    }
    expect(runs.filter((n) => n === 'b')).toEqual(['b']);
    expect(runs.filter((n) => n === 'a')).toHaveLength(1 + 1 + 10);
    await s.stop();
  });

  it('spreads first runs by a jitter that is stable per rule name and below the bound', () => {
    expect(jitterFor('SSH brute force', 5_000)).toBe(jitterFor('SSH brute force', 5_000));
    const values = ['a', 'b', 'c', 'd', 'e'].map((n) => jitterFor(n, 5_000));
    expect(values.every((v) => v >= 0 && v < 5_000)).toBe(true);
    expect(new Set(values).size).toBeGreaterThan(1);
    expect(jitterFor('x', 0)).toBe(0);
  });
});
