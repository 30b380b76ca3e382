/** ElastAlert2 writes durations as timedelta mappings: `{minutes: 5}`. We accept those and "5m". */
const UNIT_MS: Record<string, number> = {
  weeks: 604_800_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1_000,
  milliseconds: 1,
};
const SHORT: Record<string, number> = { w: 604_800_000, d: 86_400_000, h: 3_600_000, m: 60_000, s: 1_000, ms: 1 };

export const DURATION_UNITS = Object.keys(UNIT_MS);

/** Milliseconds, or a sentence saying what is wrong with the value. */
export function parseDuration(value: unknown): number | { error: string } {
  if (typeof value === 'string') {
    const text = value.trim();
    const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|w|d|h|m|s)/g)];
    if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text.replace(/\s+/g, '')) {
      return { error: `expected a duration such as "5m", "1h30m" or {minutes: 5}, got ${JSON.stringify(value)}` };
    }
    return parts.reduce((ms, p) => ms + Number(p[1]) * (SHORT[p[2] ?? ''] ?? 0), 0);
  }
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    let total = 0;
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return { error: 'expected at least one of ' + DURATION_UNITS.join(', ') };
    for (const [unit, amount] of entries) {
      const factor = UNIT_MS[unit];
      if (factor === undefined) return { error: `unknown duration unit "${unit}" (expected one of ${DURATION_UNITS.join(', ')})` };
      if (typeof amount !== 'number' || !Number.isFinite(amount) || amount < 0) {
        // JSON.stringify would show .nan and .inf as null.
        return { error: `${unit}: expected a number >= 0, got ${typeof amount === 'number' ? String(amount) : JSON.stringify(amount)}` };
      }
      total += amount * factor;
    }
    return total;
  }
  return { error: `expected a duration such as "5m" or {minutes: 5}, got ${JSON.stringify(value)}` };
}

/** "1h30m"-style text for logs and messages. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms)) return String(ms);
  // Durations may be fractional ("1.5ms"); below a millisecond nothing would be printed.
  let rest = Math.round(ms);
  if (rest < 0) return `-${formatDuration(-rest)}`;
  if (rest === 0) return '0s';
  const out: string[] = [];
  for (const [unit, size] of Object.entries(SHORT)) {
    if (rest >= size) {
      const n = Math.floor(rest / size);
      out.push(`${n}${unit}`);
      rest -= n * size;
    }
  }
  return out.join('');
}

/** Milliseconds of a duration option already validated; undefined when absent. */
export function durationMs(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  const parsed = parseDuration(value);
  return typeof parsed === 'number' ? parsed : undefined;
}
