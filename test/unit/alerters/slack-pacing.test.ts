import { describe, expect, it } from '@jest/globals';
import { ChannelPacer, sharedPacer } from '../../../alerters/slack/pacing.ts';
import { systemClock } from '../../../src/schedule/clock.ts';
import { FakeClock, T0 } from './slack-fixtures.ts';

/** Posts that record when (on the fake clock) they started. */
function recorder(clock: FakeClock): { starts: Record<string, number[]>; post: (channel: string) => () => Promise<string> } {
  const starts: Record<string, number[]> = {};
  return {
    starts,
    post: (channel) => async () => {
      (starts[channel] ??= []).push(clock.now() - T0);
      return channel;
    },
  };
}

describe('ChannelPacer', () => {
  it('spaces posts to one channel at least a second apart, in order, dropping none', async () => {
    const clock = new FakeClock();
    const pacer = new ChannelPacer(clock);
    const { starts, post } = recorder(clock);
    const all = Promise.all([1, 2, 3].map(() => pacer.run('#sec', post('#sec'))));
    await clock.runUntil(all);
    expect(starts['#sec']).toEqual([0, 1000, 2000]);
  });

  it('keeps channels independent', async () => {
    const clock = new FakeClock();
    const pacer = new ChannelPacer(clock);
    const { starts, post } = recorder(clock);
    const all = Promise.all([
      pacer.run('#a', post('#a')),
      pacer.run('#b', post('#b')),
      pacer.run('#a', post('#a')),
      pacer.run('#b', post('#b')),
    ]);
    await clock.runUntil(all);
    expect(starts).toEqual({ '#a': [0, 1000], '#b': [0, 1000] });
  });

  it('does not wait when the channel has been quiet for a second', async () => {
    const clock = new FakeClock();
    const pacer = new ChannelPacer(clock);
    const { starts, post } = recorder(clock);
    await clock.runUntil(pacer.run('#a', post('#a')));
    await clock.advanceTo(T0 + 5000);
    await pacer.run('#a', post('#a'));
    expect(starts['#a']).toEqual([0, 5000]);
    expect(clock.pending).toBe(0);
  });

  it('lets a failed post free the slot for the next one, which still waits its second', async () => {
    const clock = new FakeClock();
    const pacer = new ChannelPacer(clock);
    const { starts, post } = recorder(clock);
    const failing = pacer.run('#a', async () => {
      await post('#a')();
      throw new Error('peer said no');
    });
    const next = pacer.run('#a', post('#a'));
    await expect(clock.runUntil(failing)).rejects.toThrow('peer said no');
    await clock.runUntil(next);
    expect(starts['#a']).toEqual([0, 1000]);
  });

  it('holds the channel for as long as Slack asked (Retry-After)', async () => {
    const clock = new FakeClock();
    const pacer = new ChannelPacer(clock);
    const { starts, post } = recorder(clock);
    const first = pacer.run('#a', async () => {
      await post('#a')();
      pacer.defer('#a', 30_000);
    });
    const second = pacer.run('#a', post('#a'));
    await clock.runUntil(Promise.all([first, second]));
    expect(starts['#a']).toEqual([0, 30_000]);
  });

  it('is shared by the alerters of one clock (two rules posting to one channel share its pace)', () => {
    const clock = new FakeClock();
    const a = sharedPacer(clock);
    const b = sharedPacer(clock);
    const other = new FakeClock();
    expect(a).toBe(b);
    expect(sharedPacer(other)).not.toBe(a);
    expect(sharedPacer(systemClock)).toBe(sharedPacer(systemClock));
  });
});
