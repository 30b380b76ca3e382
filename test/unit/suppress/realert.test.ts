import { describe, expect, it } from '@jest/globals';
import {
  isSilenced,
  nextSilence,
  realertKey,
  ruleSilenceKey,
  silenceKey,
  type SilenceWindow as Silence,
} from '../../../src/suppress/realert.ts';

const SEC = 1000;
const MIN = 60 * SEC;
const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('nextSilence (ElastAlert2 next_alert_time)', () => {
  // realert 10m throughout; "ended" is how long before NOW the previous silence ended.
  // Expected values were checked against a Python model using ElastAlert2's timedelta arithmetic.
  const rows: {
    why: string;
    previous: [endedSecondsAgo: number, exponent: number] | undefined;
    cap: number | undefined;
    wait: number;
    exponent: number;
  }[] = [
    { why: 'first alert: plain realert', previous: undefined, cap: 60 * MIN, wait: 10 * MIN, exponent: 0 },
    { why: 'without exponential_realert the wait never grows', previous: [60, 3], cap: undefined, wait: 10 * MIN, exponent: 0 },
    { why: 'exponential_realert of 0 counts as unset', previous: [60, 3], cap: 0, wait: 10 * MIN, exponent: 0 },
    { why: 'alerting again soon after the silence ended doubles the wait', previous: [60, 0], cap: 60 * MIN, wait: 20 * MIN, exponent: 1 },
    { why: 'and doubles it again', previous: [60, 1], cap: 60 * MIN, wait: 40 * MIN, exponent: 2 },
    {
      why: 'a wait reaching exponential_realert is capped, exponent stored one lower',
      previous: [60, 2],
      cap: 60 * MIN,
      wait: 60 * MIN,
      exponent: 2,
    },
    {
      why: '"soon" is relative to the current wait: 30m after a 40m wait still grows (then caps)',
      previous: [30 * 60, 2],
      cap: 60 * MIN,
      wait: 60 * MIN,
      exponent: 2,
    },
    { why: 'exactly one wait after the end: no growth', previous: [600, 0], cap: 60 * MIN, wait: 10 * MIN, exponent: 0 },
    { why: 'one second less than the wait: growth', previous: [599, 0], cap: 60 * MIN, wait: 20 * MIN, exponent: 1 },
    {
      why: 'decay: one step per full wait elapsed (50m after a 40m wait)',
      previous: [50 * 60, 2],
      cap: 60 * MIN,
      wait: 20 * MIN,
      exponent: 1,
    },
    { why: 'decay all the way back after a long quiet time', previous: [5 * 3600, 2], cap: 60 * MIN, wait: 10 * MIN, exponent: 0 },
    {
      why: 'whole seconds, as ElastAlert2: 1200.5s after a 20m wait neither grows nor decays',
      previous: [1200.5, 1],
      cap: 60 * MIN,
      wait: 20 * MIN,
      exponent: 1,
    },
    { why: 'a cap below realert caps the very first doubling', previous: [60, 0], cap: 5 * MIN, wait: 5 * MIN, exponent: 0 },
    {
      why: 'alerting before the previous silence ended (rule-wide silence expired) grows',
      previous: [-60, 0],
      cap: 60 * MIN,
      wait: 20 * MIN,
      exponent: 1,
    },
  ];
  it.each(rows)('$why', ({ previous, cap, wait, exponent }) => {
    const prev: Silence | undefined = previous && { untilMs: NOW - previous[0] * SEC, exponent: previous[1] };
    expect(nextSilence(prev, 10 * MIN, cap, NOW)).toEqual({ untilMs: NOW + wait, exponent });
  });

  it('grows, caps and decays over a sequence of alerts', () => {
    let silence: Silence | undefined;
    let now = NOW;
    const waits: [number, number][] = [];
    // Alert one minute after each silence ends, five times; then after a quiet day.
    for (let i = 0; i < 5; i++) {
      silence = nextSilence(silence, 10 * MIN, 60 * MIN, now);
      waits.push([(silence.untilMs - now) / MIN, silence.exponent]);
      now = silence.untilMs + MIN;
    }
    silence = nextSilence(silence, 10 * MIN, 60 * MIN, (silence?.untilMs ?? 0) + 24 * 60 * MIN);
    waits.push([10, silence.exponent]);
    expect(waits).toEqual([
      [10, 0],
      [20, 1],
      [40, 2],
      [60, 2],
      [60, 2],
      [10, 0],
    ]);
  });

  it('realert 0 silences nothing', () => {
    const s = nextSilence(undefined, 0, undefined, NOW);
    expect(s).toEqual({ untilMs: NOW, exponent: 0 });
    expect(isSilenced(s, NOW)).toBe(false);
  });
});

describe('isSilenced', () => {
  const rows: { why: string; silence: Silence | undefined; now: number; silenced: boolean }[] = [
    { why: 'no silence', silence: undefined, now: NOW, silenced: false },
    { why: 'before until', silence: { untilMs: NOW + 1, exponent: 0 }, now: NOW, silenced: true },
    { why: 'at until the silence is over (ElastAlert2: now < until)', silence: { untilMs: NOW, exponent: 0 }, now: NOW, silenced: false },
    { why: 'after until', silence: { untilMs: NOW - 1, exponent: 0 }, now: NOW, silenced: false },
  ];
  it.each(rows)('$why', ({ silence, now, silenced }) => {
    expect(isSilenced(silence, now)).toBe(silenced);
  });
});

describe('silence keys', () => {
  const rows: { why: string; name: string; key: string | undefined; expected: string }[] = [
    { why: 'rule name and query_key value', name: 'SSH', key: 'bob', expected: 'SSH.bob' },
    { why: 'compound value as ElastAlert2 joins it', name: 'SSH', key: 'h1, bob', expected: 'SSH.h1, bob' },
    { why: 'no query_key value (or a missing field): the rule name alone', name: 'SSH', key: undefined, expected: 'SSH' },
    { why: 'an empty value still gets the dot, as ElastAlert2', name: 'SSH', key: '', expected: 'SSH.' },
  ];
  it.each(rows)('$why', ({ name, key, expected }) => {
    expect(silenceKey(name, key)).toBe(expected);
  });

  it('realert_key replaces the rule name; the whole-rule silence key', () => {
    expect(realertKey('SSH', { realert_key: 'shared' })).toBe('shared');
    expect(realertKey('SSH', {})).toBe('SSH');
    expect(ruleSilenceKey('SSH')).toBe('SSH._silence');
  });
});
