import { formatDuration } from '../config/duration.ts';
import { esCall, type EsHandle } from '../es/client.ts';
import { indexFor, windowQuery } from '../query/build.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { durationOptionMs } from '../ruletypes/index.ts';
import type { RuleTypeSettings } from '../ruletypes/index.ts';
import { iso } from './days.ts';

const DEFAULT_TERMS_WINDOW_MS = 30 * 86_400_000;

/** What a new_term rule learnt before the range (backtest --json `baselines`). */
export interface BaselineInfo {
  rule: string;
  /** History wanted before the range: --baseline, capped at terms_window_size (its default). */
  wanted: string;
  /** History the data had before the range (0s when it starts inside the range). */
  available: string;
  /** The first document the rule's filter matches; null when none. */
  dataStart: string | null;
  short: boolean;
}

/** The rule's terms_window_size (ElastAlert2 default 30 days). */
export function termsWindowMs(rule: RuleDefinition): number {
  return rule.options['terms_window_size'] === undefined ? DEFAULT_TERMS_WINDOW_MS : durationOptionMs(rule, 'terms_window_size');
}

/** How much history a new_term rule learns before the range; terms older than its window are forgotten anyway. */
export function baselineMs(rule: RuleDefinition, requestedMs: number | undefined): number {
  const window = termsWindowMs(rule);
  return requestedMs === undefined ? window : Math.min(requestedMs, window);
}

/** The rule type settings a backtest gives a rule: new_term learns `baselineMs` before the range. */
export function replaySettings(rule: RuleDefinition, requestedMs: number | undefined): RuleTypeSettings {
  return rule.type === 'new_term' ? { newTerm: { firstBaselineMs: baselineMs(rule, requestedMs) } } : {};
}

/**
 * Whether a new_term rule's data reaches back far enough before the range for its baseline:
 * one request (the earliest matching document from the baseline's start). A backtest that starts
 * where the data starts reports every term as new; this says so instead of leaving the user to
 * read 21 alerts of noise as 21 findings. Undefined for other rule types.
 */
export async function checkBaseline(
  es: EsHandle,
  rule: RuleDefinition,
  range: { startMs: number; endMs: number },
  requestedMs: number | undefined,
): Promise<BaselineInfo | undefined> {
  if (rule.type !== 'new_term') return undefined;
  const wanted = baselineMs(rule, requestedMs);
  // From the epoch: where the data starts, however long before the range (a min aggregation on
  // a date field is answered from the index's points, not by reading documents).
  const res = await esCall(es, `finding the first document of rule "${rule.name}"`, (c) =>
    c.search({
      index: indexFor(rule, range.startMs - wanted, range.endMs),
      size: 0,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: windowQuery(rule, 0, range.endMs),
      aggs: { first: { min: { field: rule.timestampField } } },
    }),
  );
  const first = (res.aggregations?.['first'] as { value?: number | null } | undefined)?.value;
  // A date field answers in epoch milliseconds; a `unix` timestamp field holds seconds.
  const dataStart = typeof first === 'number' ? (rule.timestampType === 'unix' ? first * 1000 : first) : undefined;
  const available = dataStart === undefined ? 0 : Math.max(0, range.startMs - dataStart);
  // A sparse first hour is normal; a tenth short is not worth a warning.
  const short = dataStart !== undefined && available < wanted * 0.9;
  return {
    rule: rule.name,
    wanted: formatDuration(wanted),
    available: formatDuration(available),
    dataStart: dataStart === undefined ? null : iso(dataStart),
    short,
  };
}

/** The report's warning for a short baseline, with a range that would have one. */
export function shortBaselineNote(info: BaselineInfo, range: { startMs: number; endMs: number }, wantedMs: number): string {
  const dataStart = info.dataStart === null ? range.startMs : Date.parse(info.dataStart);
  const suggested = dataStart + Math.min(wantedMs, Math.floor((range.endMs - dataStart) / 2));
  return (
    `rule ${JSON.stringify(info.rule)} (new_term): short baseline: ${info.available} of history before the range, ${info.wanted} wanted (the data starts at ${info.dataStart ?? '?'}); ` +
    `terms it never saw alert as new, so its alerts are likely noise. Start the range later (e.g. --start ${iso(suggested)}) or shorten --baseline.`
  );
}
