import { describe, expect, it } from '@jest/globals';
import { formatInZone, isTimeZone, prettyTimes, zoneOffsetMinutes } from '../../../src/alert/times.ts';
import { eventTimeMs, timestampValue } from '../../../src/query/build.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';

const rule = (options: Record<string, unknown>): Pick<RuleDefinition, 'options'> => ({ options });
const text = 'At least 5 events occurred between 2026-07-01T10:00:00Z and 2026-07-01T10:05:00.500Z';

describe('times in alerts', () => {
  it('without use_local_time, query_timezone or custom_pretty_ts_format the text stays UTC ISO', () => {
    expect(prettyTimes(rule({}), text)).toBe(text);
    expect(prettyTimes(rule({ use_local_time: false }), text)).toBe(text);
  });

  it("query_timezone shows them in that zone as ElastAlert2's pretty_ts does, summer time included", () => {
    expect(prettyTimes(rule({ query_timezone: 'Europe/Berlin' }), text)).toBe(
      'At least 5 events occurred between 2026-07-01 12:00 +0200 and 2026-07-01 12:05 +0200',
    );
    expect(prettyTimes(rule({ query_timezone: 'Europe/Berlin' }), '2026-01-15T23:30:00Z')).toBe('2026-01-16 00:30 +0100');
  });

  it('custom_pretty_ts_format is a strftime format, in UTC unless a zone is asked for', () => {
    expect(prettyTimes(rule({ custom_pretty_ts_format: '%d.%m.%Y %H:%M:%S %Z' }), '2026-07-01T10:00:00Z')).toBe('01.07.2026 10:00:00 UTC');
    expect(prettyTimes(rule({ custom_pretty_ts_format: '%H:%M %Z', query_timezone: 'America/New_York' }), '2026-07-01T10:00:00Z')).toBe(
      '06:00 America/New_York',
    );
  });

  it("use_local_time uses the machine's zone", () => {
    const local = Intl.DateTimeFormat().resolvedOptions().timeZone;
    expect(prettyTimes(rule({ use_local_time: true }), '2026-07-01T10:00:00Z')).toBe(
      formatInZone('%Y-%m-%d %H:%M %z', Date.parse('2026-07-01T10:00:00Z'), local),
    );
  });

  it('offsets and zone names', () => {
    expect(zoneOffsetMinutes('Asia/Kolkata', Date.parse('2026-01-01T00:00:00Z'))).toBe(330);
    expect(zoneOffsetMinutes('America/St_Johns', Date.parse('2026-01-01T00:00:00Z'))).toBe(-210);
    expect(formatInZone('%z', 0, 'America/St_Johns')).toBe('-0330');
    expect(isTimeZone('Europe/Istanbul')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});

describe('query_timezone with timestamp_type: custom', () => {
  const spec = {
    timestampType: 'custom' as const,
    timestampFormat: '%Y-%m-%d %H:%M:%S',
    queryTimezone: 'Europe/Istanbul',
    timestampField: 'ts',
  };

  it("writes range bounds and reads documents as that zone's wall time", () => {
    const ms = Date.parse('2026-03-05T07:00:00Z');
    expect(timestampValue(spec, ms)).toBe('2026-03-05 10:00:00');
    expect(eventTimeMs(spec, { ts: '2026-03-05 10:00:00' })).toBe(ms);
  });
});
