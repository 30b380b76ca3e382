import { describe, expect, it } from '@jest/globals';
import { eventTimeMs, timestampValue } from '../../../src/query/build.ts';
import { strptimeMs, unknownDirectives } from '../../../src/query/strptime.ts';

describe('timestamp_type: custom', () => {
  it.each([
    ['2026-03-05T07:08:09Z', '%Y-%m-%dT%H:%M:%SZ', '2026-03-05T07:08:09.000Z'],
    ['2026/03/05 07:08:09', '%Y/%m/%d %H:%M:%S', '2026-03-05T07:08:09.000Z'],
    ['05-Mar-2026 07:08:09.123456 +0100', '%d-%b-%Y %H:%M:%S.%f %z', '2026-03-05T06:08:09.123Z'],
    ['2026-03-05 01:08:09 PM', '%F %I:%M:%S %p', '2026-03-05T13:08:09.000Z'],
    ['2026-064 07:08', '%Y-%j %H:%M', '2026-03-05T07:08:00.000Z'],
  ])('%s read with %s', (text, format, iso) => {
    expect(new Date(strptimeMs(text, format) ?? NaN).toISOString()).toBe(iso);
  });

  it('text that does not fit the format is unreadable, not a wrong time', () => {
    expect(strptimeMs('2026-03-05', '%Y/%m/%d')).toBeUndefined();
  });

  it('range bounds are written in the format, in UTC', () => {
    expect(timestampValue({ timestampType: 'custom', timestampFormat: '%Y/%m/%d %H:%M:%S' }, Date.parse('2026-03-05T07:08:09Z'))).toBe(
      '2026/03/05 07:08:09',
    );
    expect(timestampValue({ timestampType: 'custom' }, Date.parse('2026-03-05T07:08:09.500Z'))).toBe('2026-03-05T07:08:09Z');
  });

  it('documents are read with the format', () => {
    const rule = { timestampType: 'custom' as const, timestampFormat: '%d.%m.%Y %H:%M', timestampField: 'ts' };
    expect(eventTimeMs(rule, { ts: '05.03.2026 07:08' })).toBe(Date.parse('2026-03-05T07:08:00Z'));
    expect(eventTimeMs(rule, { ts: 1234 })).toBeUndefined();
  });

  it('names directives it cannot read back', () => {
    expect(unknownDirectives('%Y-%m-%d %Q %T')).toEqual(['%Q']);
  });
});
