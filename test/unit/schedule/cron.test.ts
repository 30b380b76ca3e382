import { describe, expect, it } from '@jest/globals';
import { cronSchedule } from '../../../src/schedule/cron.ts';
import { ManualClock } from '../../../src/schedule/clock.ts';

const at = (iso: string): number => Date.parse(iso);
const iso = (ms: number | undefined): string | undefined => (ms === undefined ? undefined : new Date(ms).toISOString());

describe('cronSchedule', () => {
  const rows = [
    { why: 'the next matching minute', cron: '*/15 * * * *', after: '2026-03-01T10:03:20Z', next: '2026-03-01T10:15:00.000Z' },
    {
      why: 'a time on its minute waits for the next firing',
      cron: '0 * * * *',
      after: '2026-03-01T10:00:00Z',
      next: '2026-03-01T11:00:00.000Z',
    },
    {
      why: 'seconds into a firing minute still wait for the next one',
      cron: '* * * * *',
      after: '2026-03-01T10:00:59.999Z',
      next: '2026-03-01T10:01:00.000Z',
    },
    { why: 'weekday names and ranges', cron: '0 9 * * mon-fri', after: '2026-03-06T18:00:00Z', next: '2026-03-09T09:00:00.000Z' },
    { why: 'Sunday is 7 as well as 0', cron: '30 6 * * 7', after: '2026-03-02T00:00:00Z', next: '2026-03-08T06:30:00.000Z' },
    // croniter and cron: with both day fields restricted either one fires (node-cron wants both).
    {
      why: 'both day fields restricted: the 13th or a Friday',
      cron: '0 0 13 * 5',
      after: '2026-12-08T00:00:00Z',
      next: '2026-12-11T00:00:00.000Z',
    },
    {
      why: 'both day fields restricted: the 13th itself',
      cron: '0 0 13 * 5',
      after: '2026-12-11T00:00:00Z',
      next: '2026-12-13T00:00:00.000Z',
    },
    {
      why: 'a leading seconds field is read and the firing stays on the minute',
      cron: '30 */10 * * * *',
      after: '2026-03-01T10:03:00Z',
      next: '2026-03-01T10:10:00.000Z',
    },
    { why: 'in UTC whatever the machine zone', cron: '0 0 1 1 *', after: '2026-06-01T00:00:00Z', next: '2027-01-01T00:00:00.000Z' },
  ];
  it.each(rows)('$why ($cron)', ({ cron, after, next }) => {
    expect(iso(cronSchedule(cron).nextAfter(at(after)))).toBe(next);
  });

  it('finds a schedule years away at once, not minute by minute (29 February)', () => {
    const clock = new ManualClock(at('2028-03-01T00:00:00Z'));
    const schedule = cronSchedule('0 0 29 2 *');
    // The old minute stepping took about two million steps for this one; the jump takes a few.
    const started = performance.now();
    expect(iso(schedule.nextAfter(clock.now()))).toBe('2032-02-29T00:00:00.000Z');
    expect(performance.now() - started).toBeLessThan(1000);
    clock.advance(at('2032-02-29T00:00:00Z') - clock.now());
    expect(iso(schedule.nextAfter(clock.now()))).toBe('2036-02-29T00:00:00.000Z');
  });

  it('refuses a date that never comes when it is read, not when an alert waits on it', () => {
    expect(() => cronSchedule('0 0 31 2 *')).toThrow('it never fires');
    expect(() => cronSchedule('0 0 30 2 *')).toThrow('it never fires');
  });

  // node-cron parsed these but the old stepping never matched them (the alert waited for ever).
  it.each([
    { cron: '0 0 L * *', after: '2028-02-28T23:59:00Z', next: '2028-02-29T00:00:00.000Z' },
    { cron: '0 0 * * 1#2', after: '2026-03-06T18:00:00Z', next: '2026-03-09T00:00:00.000Z' },
  ])('reads $cron (last day, nth weekday) as croniter does', ({ cron, after, next }) => {
    expect(iso(cronSchedule(cron).nextAfter(at(after)))).toBe(next);
  });

  it('refuses what is not cron, with a reason', () => {
    expect(() => cronSchedule('every morning')).toThrow(/./);
    expect(() => cronSchedule('61 * * * *')).toThrow(/./);
    expect(() => cronSchedule('* * * * * * *')).toThrow(/./);
  });
});
