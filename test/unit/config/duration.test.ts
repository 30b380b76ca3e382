import { describe, expect, it } from '@jest/globals';
import { DURATION_UNITS, formatDuration, parseDuration } from '../../../src/config/duration.ts';

const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const UNITS = 'weeks, days, hours, minutes, seconds, milliseconds';

describe('parseDuration accepts', () => {
  const cases: [reason: string, value: unknown, ms: number][] = [
    ['a timedelta mapping of minutes, as ElastAlert2 writes it', { minutes: 5 }, 5 * M],
    ['a mapping of several units, summed', { hours: 1, minutes: 30 }, 90 * M],
    [
      'every unit ElastAlert2 documents',
      { weeks: 1, days: 1, hours: 1, minutes: 1, seconds: 1, milliseconds: 1 },
      7 * D + D + H + M + S + 1,
    ],
    ['a fractional amount', { hours: 1.5 }, 90 * M],
    ['a zero amount', { seconds: 0 }, 0],
    ['minutes as a short string', '5m', 5 * M],
    ['hours and minutes combined', '1h30m', 90 * M],
    ['milliseconds, not minutes followed by seconds', '500ms', 500],
    ['every short unit in one string', '1w2d3h4m5s6ms', 7 * D + 2 * D + 3 * H + 4 * M + 5 * S + 6],
    ['a fractional short string', '1.5h', 90 * M],
    ['spaces between parts and around the text', ' 5m 30s ', 5 * M + 30 * S],
    ['units in any order, added up', '30s1m', 90 * S],
  ];
  it.each(cases)('%s', (_reason, value, ms) => {
    expect(parseDuration(value)).toBe(ms);
  });
});

describe('parseDuration rejects', () => {
  const cases: [reason: string, value: unknown, error: string][] = [
    ['a singular unit name', { minute: 1 }, `unknown duration unit "minute" (expected one of ${UNITS})`],
    ['a unit ElastAlert2 does not know', { fortnights: 1 }, `unknown duration unit "fortnights" (expected one of ${UNITS})`],
    ['an empty mapping', {}, `expected at least one of ${UNITS}`],
    ['a negative amount', { minutes: -1 }, 'minutes: expected a number >= 0, got -1'],
    ['an amount written as text', { minutes: '5' }, 'minutes: expected a number >= 0, got "5"'],
    [
      'an amount that is not a number (.nan), shown as such rather than as null',
      { minutes: Number.NaN },
      'minutes: expected a number >= 0, got NaN',
    ],
    ['an infinite amount (.inf)', { hours: Number.POSITIVE_INFINITY }, 'hours: expected a number >= 0, got Infinity'],
    ['a null amount', { seconds: null }, 'seconds: expected a number >= 0, got null'],
    ['a bare number without a unit', '5', 'expected a duration such as "5m", "1h30m" or {minutes: 5}, got "5"'],
    ['a negative string', '-5m', 'expected a duration such as "5m", "1h30m" or {minutes: 5}, got "-5m"'],
    ['a space between number and unit', '5 m', 'expected a duration such as "5m", "1h30m" or {minutes: 5}, got "5 m"'],
    ['an upper-case unit', '5M', 'expected a duration such as "5m", "1h30m" or {minutes: 5}, got "5M"'],
    ['a word unit', '5 minutes', 'expected a duration such as "5m", "1h30m" or {minutes: 5}, got "5 minutes"'],
    ['trailing garbage after a valid part', '5mx', 'expected a duration such as "5m", "1h30m" or {minutes: 5}, got "5mx"'],
    ['an empty string', '', 'expected a duration such as "5m", "1h30m" or {minutes: 5}, got ""'],
    ['a number', 300, 'expected a duration such as "5m" or {minutes: 5}, got 300'],
    ['null', null, 'expected a duration such as "5m" or {minutes: 5}, got null'],
    ['a list', [{ minutes: 5 }], 'expected a duration such as "5m" or {minutes: 5}, got [{"minutes":5}]'],
  ];
  it.each(cases)('%s', (_reason, value, error) => {
    expect(parseDuration(value)).toEqual({ error });
  });

  it('lists the units in the order the messages name them', () => {
    expect(DURATION_UNITS.join(', ')).toBe(UNITS);
  });
});

describe('formatDuration', () => {
  const cases: [reason: string, ms: number, text: string][] = [
    ['zero is 0s, not an empty string', 0, '0s'],
    ['one millisecond', 1, '1ms'],
    ['just under a second', 999, '999ms'],
    ['whole seconds', 1000, '1s'],
    ['seconds and milliseconds', 1500, '1s500ms'],
    ['a minute', M, '1m'],
    ['an hour and a half', 90 * M, '1h30m'],
    ['a day', D, '1d'],
    ['a week and a millisecond', 7 * D + 1, '1w1ms'],
    ['every unit at once', 7 * D + D + H + M + S + 1, '1w1d1h1m1s1ms'],
    ['a fraction of a millisecond rounds instead of printing nothing', 0.4, '0s'],
    ['a fractional millisecond count rounds to the nearest millisecond', 1500.6, '1s501ms'],
    ['a negative duration keeps its sign instead of printing nothing', -90 * S, '-1m30s'],
    ['a non-finite value is printed as such', Number.POSITIVE_INFINITY, 'Infinity'],
  ];
  it.each(cases)('prints %s', (_reason, ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });

  const roundTrips = ['5m', '1h30m', '500ms', '2d12h', '1w1d1h1m1s1ms'];
  it.each(roundTrips)('prints back what parseDuration read from %s', (text) => {
    const ms = parseDuration(text);
    expect(typeof ms).toBe('number');
    expect(formatDuration(ms as number)).toBe(text);
  });
});
