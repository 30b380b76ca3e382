import { formatDuration } from './duration.ts';

/**
 * Limits on values no real rule needs and that would hurt if taken literally: a rule that runs
 * every millisecond hammers the user's production cluster, a window of a billion weeks leaves the
 * range of dates. ElastAlert2 accepts both; LogWarden refuses them with the reason.
 * docs/reliability-parsing.md lists each bound and why it is where it is.
 */

const SECOND = 1_000;
const DAY = 86_400_000;

/** What a duration option may be; the reason is part of the message when it is out of range. */
export interface DurationBounds {
  minMs?: number;
  maxMs: number;
  /** How the bounds read in messages ("1s", "366 days"). */
  minText?: string;
  maxText: string;
  why: string;
}

/**
 * Every duration option (windows, delays, realert, aggregation, config durations, fixture
 * offsets): a year and a day is longer than any window ElastAlert2 rules use.
 */
export const ANY_DURATION: DurationBounds = {
  maxMs: 366 * DAY,
  maxText: '366 days',
  why: 'no alerting window is longer than a year, and far beyond it dates leave the range JavaScript and Elasticsearch can hold',
};

/**
 * `run_every`: each run queries Elasticsearch, so once a second is the most often; the longest
 * schedule is weekly (and timers cannot wait longer than 24.8 days at all).
 */
export const RUN_EVERY: DurationBounds = {
  minMs: SECOND,
  maxMs: 7 * DAY,
  minText: '1 second',
  maxText: '7 days',
  why: 'each run queries Elasticsearch, so a rule runs at most once a second and at least once a week',
};

/**
 * Counts a rule compares with (num_events, threshold, cardinalities) and sizes: above a billion
 * no window of logs is meant, and YAML's `1e308` is an "integer" to JSON Schema.
 */
export const MAX_COUNT = 1_000_000_000;

/** Why `ms` is out of `bounds`, or undefined. */
export function durationOutOfBounds(ms: number, bounds: DurationBounds): string | undefined {
  if (bounds.minMs !== undefined && ms < bounds.minMs)
    return `${formatDuration(ms)} is shorter than the minimum of ${bounds.minText ?? formatDuration(bounds.minMs)}: ${bounds.why}`;
  if (ms > bounds.maxMs) return `${formatDuration(ms)} is longer than the maximum of ${bounds.maxText}: ${bounds.why}`;
  return undefined;
}
