import { parseTime } from '../config/time.ts';

export const DAY_MS = 86_400_000;

/** One replayed run: a UTC day, or the part of it inside the range. Start excluded, end included, as every LogWarden window. */
export interface DayWindow {
  /** UTC date of the window's start, "2026-01-02". */
  day: string;
  startMs: number;
  endMs: number;
  /** True when the window is shorter than a whole UTC day (the first or last of a range that is not day-aligned). */
  partial: boolean;
}

export interface TimeRangeOptions {
  days?: number | undefined;
  /** The last N hours up to --end (default now): today's data, which whole days leave out. */
  hours?: number | undefined;
  start?: string | undefined;
  end?: string | undefined;
}

/** A flag or input a person got wrong: the command prints the message and exits 2, like a bad option. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * The replayed range, as ElastAlert2's test_rule reads its flags: `--end` (default now),
 * `--start`, else `--days` back from the end (default `defaultDays`). "NOW" is accepted as
 * ElastAlert2 spells it.
 *
 * `wholeDays` (backtest): with neither --start nor --end, the range is the last N whole UTC days,
 * ending at today's midnight, so every column of the noise table is a comparable full day.
 */
export function resolveRange(
  opts: TimeRangeOptions,
  nowMs: number,
  defaultDays: number,
  wholeDays = false,
): { startMs: number; endMs: number } {
  const at = (text: string): number => {
    try {
      return parseTime(text.toLowerCase() === 'now' ? 'now' : text, nowMs);
    } catch (error) {
      // parseTime reports as a request error; here it is a mistyped flag.
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
  };
  if (opts.hours !== undefined) {
    if (opts.days !== undefined || opts.start !== undefined)
      throw new UsageError('--hours sets the range back from --end (default now): give --hours, --days or --start, not several');
    if (!(Number.isInteger(opts.hours) && opts.hours >= 1))
      throw new UsageError(`--hours must be a whole number of hours >= 1, got ${String(opts.hours)}`);
  }
  const endMs =
    opts.end !== undefined
      ? at(opts.end)
      : wholeDays && opts.start === undefined && opts.hours === undefined
        ? Math.floor(nowMs / DAY_MS) * DAY_MS
        : nowMs;
  if (opts.hours !== undefined) return { startMs: endMs - opts.hours * 3_600_000, endMs };
  const days = opts.days ?? defaultDays;
  if (!(Number.isInteger(days) && days >= 1)) throw new UsageError(`--days must be a whole number of days >= 1, got ${String(days)}`);
  const startMs = opts.start !== undefined ? at(opts.start) : endMs - days * DAY_MS;
  if (!(startMs < endMs)) throw new UsageError(`the range is empty: start ${iso(startMs)} is not before end ${iso(endMs)}`);
  return { startMs, endMs };
}

/**
 * Cuts (start, end] at UTC midnights, in order. Each piece is run as one explicit window, so a
 * rule's state (frequency windows, realert silences) carries from one day into the next as it
 * would have live, and the report can say what happened on which day.
 */
export function splitDays(startMs: number, endMs: number): DayWindow[] {
  if (!Number.isFinite(startMs) || !Number.isFinite(endMs)) throw new UsageError('the range needs a finite start and end');
  const days: DayWindow[] = [];
  let from = startMs;
  while (from < endMs) {
    const nextMidnight = Math.floor(from / DAY_MS) * DAY_MS + DAY_MS;
    const to = Math.min(nextMidnight, endMs);
    days.push({ day: iso(from).slice(0, 10), startMs: from, endMs: to, partial: to - from < DAY_MS });
    from = to;
  }
  return days;
}

export function iso(ms: number): string {
  return Number.isFinite(ms) ? new Date(ms).toISOString() : String(ms);
}
