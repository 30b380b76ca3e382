import { EsError } from '../es/errors.ts';

/** "2026-01-02T03:04:05Z", "2026-01-02", or relative "-2h" / "now". */
export function parseTime(text: string, nowMs: number): number {
  if (text === 'now') return nowMs;
  const rel = /^-(\d+)([smhdw])$/.exec(text);
  if (rel) {
    const unit = { s: 1e3, m: 6e4, h: 36e5, d: 864e5, w: 6048e5 }[rel[2] as 's' | 'm' | 'h' | 'd' | 'w'];
    return nowMs - Number(rel[1]) * unit;
  }
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new EsError(
      'bad_request',
      `cannot read the time ${JSON.stringify(text)}: use ISO 8601 (2026-01-02T03:04:05Z), a date, "now" or "-2h"`,
    );
  return ms;
}
