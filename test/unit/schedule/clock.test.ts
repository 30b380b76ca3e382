import { describe, expect, it } from '@jest/globals';
import { every, ManualClock, sleep } from '../../../src/schedule/clock.ts';

describe('Clock helpers on the manual clock', () => {
  it('sleep resolves when the clock reaches its time, not before', async () => {
    const clock = new ManualClock(1_000);
    let woke: number | undefined;
    const done = sleep(clock, 500).then(() => {
      woke = clock.now();
    });
    clock.advance(499);
    await Promise.resolve();
    expect(woke).toBeUndefined();
    clock.advance(1);
    await done;
    expect(woke).toBe(1_500);
  });

  it('every repeats at its interval until cancelled', () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const cancel = every(clock, 100, () => ticks.push(clock.now()));
    clock.advance(350);
    expect(ticks).toEqual([100, 200, 300]);
    cancel();
    clock.advance(1_000);
    expect(ticks).toEqual([100, 200, 300]);
  });

  it('every can be cancelled from inside its own call', () => {
    const clock = new ManualClock(0);
    const ticks: number[] = [];
    const cancel = every(clock, 10, () => {
      ticks.push(clock.now());
      if (ticks.length === 2) cancel();
    });
    clock.advance(100);
    expect(ticks).toEqual([10, 20]);
  });
});
