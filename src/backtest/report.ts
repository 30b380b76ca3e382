import type { MatchOutcome } from '../observe.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { BaselineInfo } from './baseline.ts';
import { iso, splitDays, type DayWindow } from './days.ts';

/**
 * The reports of `test-rule` and `backtest`, built from what the replay recorded. Pure: the
 * same input gives the same report, so its shape (printed with --formatted-output / --json)
 * is tested without Elasticsearch. Field names and meanings are a contract: add, never rename.
 */

export type OutcomeCounts = Partial<Record<MatchOutcome, number>>;

/** What the replay recorded for one day of one rule. */
export interface DayRecord {
  window: DayWindow;
  hits: number;
  /** undefined under --count-only: the rule did not run. */
  run?:
    | {
        matches: number;
        outcomes: OutcomeCounts;
        /** Distinct alerts handed to the rule's alerters during the day (aggregations and flood digests included). */
        alerts: number;
      }
    | undefined;
  ms: number;
}

/** An alert as an alerter was handed it: plain subject and text, nothing escaped yet. */
export interface CapturedAlert {
  alertId: string;
  ruleName: string;
  /** Day of the replay during which it was sent. */
  day: string;
  matchTimeMs: number;
  queryKey: string | undefined;
  /** Alerter types it went to, in the rule's order. */
  alerters: string[];
  /** Per alerter: captured (nothing sent), or the outcome of its last real attempt (--alert). */
  delivered: Record<string, 'captured' | 'sent' | 'failed'>;
  subject: string;
  text: string;
}

/** Matches and alerts per query_key value; `undefined` is matches without a value. */
export type KeyTally = Map<string | undefined, { matches: number; alerts: number }>;

export interface Counts {
  hits: number;
  /** The rest are null under --count-only. */
  matches: number | null;
  /** Alerts the alerters were handed (after realert, aggregation, flood guard). */
  alerts: number | null;
  /** Matches suppressed by realert, a silence or the flood guard. */
  suppressed: number | null;
  /** Matches held for an aggregation (sent later as part of one alert). */
  aggregated: number | null;
  /** Matches already alerted by an earlier overlapping window. */
  duplicates: number | null;
  /** Alerts whose delivery failed (only with --alert: captured alerts never fail). */
  failed: number | null;
  /** Every match outcome as the engine counts it. */
  outcomes: OutcomeCounts | null;
}

export interface DayRow extends Counts {
  day: string;
  start: string;
  end: string;
  partial: boolean;
  ms: number;
}

export interface RenderedAlert {
  alertId: string;
  matchTime: string;
  queryKey: string | null;
  alerters: string[];
  subject: string;
  text: string;
}

export interface ReportProblem {
  message: string;
  count: number;
}

export interface RuleSummary {
  name: string;
  file: string;
  type: string;
  index: string;
  queryKey: string[] | null;
  realertMs: number;
  enabled: boolean;
}

export interface TestRuleReport {
  schema: 'logwarden.test-rule/1';
  rule: RuleSummary;
  source: 'elasticsearch' | 'data';
  countOnly: boolean;
  /** captured: nothing left the machine; sent: the rule's real alerters were used (--alert). */
  delivery: 'captured' | 'sent';
  /** `days`: how many day windows the range has (the rows stop early when a run failed). */
  range: { start: string; end: string; days: number };
  /** null under --count-only, which writes nothing. */
  writeback: { index: string; throwaway: boolean } | null;
  days: DayRow[];
  totals: Counts;
  topQueryKeys: { value: string | null; matches: number; alerts: number }[];
  /** `all` (test-rule --json only): every alert, with what became of it per alerter. */
  alerts: { total: number; first: RenderedAlert[]; all?: (RenderedAlert & { sent: CapturedAlert['delivered'] })[] };
  /** Warnings the engine logged while replaying, each once with how often. */
  warnings: ReportProblem[];
  /** The run that failed, if one did; days after it were not run. */
  error: { day: string | null; message: string } | null;
  timing: { totalMs: number };
}

export const FIRST_ALERTS = 3;
export const TOP_KEYS = 10;

export function ruleSummary(rule: RuleDefinition): RuleSummary {
  return {
    name: rule.name,
    file: rule.file,
    type: rule.type,
    index: rule.index,
    queryKey: rule.queryKey ?? null,
    realertMs: rule.realertMs,
    enabled: rule.isEnabled,
  };
}

const sum = (xs: readonly number[]): number => xs.reduce((a, b) => a + b, 0);

function countsOf(hits: number, run: DayRecord['run']): Counts {
  if (!run)
    return { hits, matches: null, alerts: null, suppressed: null, aggregated: null, duplicates: null, failed: null, outcomes: null };
  const o = run.outcomes;
  return {
    hits,
    matches: run.matches,
    alerts: run.alerts,
    suppressed: (o.suppressed_realert ?? 0) + (o.suppressed_silence ?? 0) + (o.suppressed_flood ?? 0),
    aggregated: o.aggregated ?? 0,
    duplicates: o.duplicate ?? 0,
    failed: o.failed ?? 0,
    outcomes: { ...o },
  };
}

export function dayRow(record: DayRecord): DayRow {
  const w = record.window;
  return {
    day: w.day,
    start: iso(w.startMs),
    end: iso(w.endMs),
    partial: w.partial,
    ...countsOf(record.hits, record.run),
    ms: Math.round(record.ms),
  };
}

/** Sums rows; a count stays null only when it is null on every row (count-only). */
export function totalsOf(rows: readonly Counts[]): Counts {
  const total = (pick: (c: Counts) => number | null): number | null => {
    const values = rows.map(pick).filter((v): v is number => v !== null);
    return values.length === 0 && rows.some((r) => pick(r) === null) ? null : sum(values);
  };
  const outcomes: OutcomeCounts = {};
  let anyOutcomes = rows.length === 0;
  for (const r of rows) {
    if (!r.outcomes) continue;
    anyOutcomes = true;
    for (const [k, v] of Object.entries(r.outcomes) as [MatchOutcome, number][]) outcomes[k] = (outcomes[k] ?? 0) + v;
  }
  return {
    hits: sum(rows.map((r) => r.hits)),
    matches: total((r) => r.matches),
    alerts: total((r) => r.alerts),
    suppressed: total((r) => r.suppressed),
    aggregated: total((r) => r.aggregated),
    duplicates: total((r) => r.duplicates),
    failed: total((r) => r.failed),
    outcomes: anyOutcomes ? outcomes : null,
  };
}

/** Most matched values first (then most alerted, then by value), at most `limit`. */
export function topKeys(tally: KeyTally, limit = TOP_KEYS): TestRuleReport['topQueryKeys'] {
  return [...tally.entries()]
    .map(([value, c]) => ({ value: value ?? null, matches: c.matches, alerts: c.alerts }))
    .sort((a, b) => b.matches - a.matches || b.alerts - a.alerts || String(a.value).localeCompare(String(b.value)))
    .slice(0, limit);
}

export function renderedAlert(a: CapturedAlert): RenderedAlert {
  return {
    alertId: a.alertId,
    matchTime: iso(a.matchTimeMs),
    queryKey: a.queryKey ?? null,
    alerters: [...a.alerters],
    subject: a.subject,
    text: a.text,
  };
}

export interface TestRuleInput {
  rule: RuleDefinition;
  source: 'elasticsearch' | 'data';
  countOnly: boolean;
  delivery: 'captured' | 'sent';
  range: { startMs: number; endMs: number };
  writeback: { index: string; throwaway: boolean } | null;
  days: readonly DayRecord[];
  alerts: readonly CapturedAlert[];
  keys: KeyTally;
  warnings: readonly ReportProblem[];
  error: { day: string | null; message: string } | null;
  totalMs: number;
  /** List every alert (test-rule --json), not only the first FIRST_ALERTS. */
  allAlerts?: boolean;
}

export function buildTestRuleReport(input: TestRuleInput): TestRuleReport {
  const days = input.days.map(dayRow);
  return {
    schema: 'logwarden.test-rule/1',
    rule: ruleSummary(input.rule),
    source: input.source,
    countOnly: input.countOnly,
    delivery: input.delivery,
    range: { start: iso(input.range.startMs), end: iso(input.range.endMs), days: splitDays(input.range.startMs, input.range.endMs).length },
    writeback: input.writeback,
    days,
    totals: totalsOf(days),
    topQueryKeys: input.rule.queryKey ? topKeys(input.keys) : [],
    alerts: {
      total: input.alerts.length,
      first: input.alerts.slice(0, FIRST_ALERTS).map(renderedAlert),
      ...(input.allAlerts ? { all: input.alerts.map((a) => ({ ...renderedAlert(a), sent: { ...a.delivered } })) } : {}),
    },
    warnings: [...input.warnings],
    error: input.error,
    timing: { totalMs: Math.round(input.totalMs) },
  };
}

// ---------------------------------------------------------------------------------------------
// backtest

export interface BacktestRuleRow {
  name: string;
  file: string;
  type: string;
  /** Alerts per day, in the order of BacktestReport.days. */
  alertsPerDay: number[];
  total: number;
  /** The most alerts on one day. */
  peak: number;
  /** peak > noisyAbove: this rule would flood someone. */
  noisy: boolean;
  hits: number;
  matches: number;
  suppressed: number;
  aggregated: number;
  firstAlerts: RenderedAlert[];
  ms: number;
}

export interface BacktestReport {
  schema: 'logwarden.backtest/1';
  range: { start: string; end: string };
  days: { day: string; start: string; end: string; partial: boolean }[];
  noisyAbove: number;
  writeback: { index: string; throwaway: boolean };
  /** Ranked: most alerts first. */
  rules: BacktestRuleRow[];
  /** Rules that could not be loaded or whose run failed; the others ran. */
  failed: { file: string; rule: string | null; error: string; day: string | null }[];
  /** Rules not run on purpose (is_enabled: false). */
  skipped: { file: string; rule: string; reason: string }[];
  totals: { alerts: number; alertsPerDay: number[] };
  /** What each new_term rule learnt before the range (backtest --baseline). */
  baselines: BaselineInfo[];
  warnings: ReportProblem[];
  timing: { totalMs: number };
}

export interface BacktestRuleResult {
  rule: RuleDefinition;
  days: readonly DayRecord[];
  alerts: readonly CapturedAlert[];
  error: { day: string | null; message: string } | undefined;
  ms: number;
}

export interface BacktestInput {
  range: { startMs: number; endMs: number };
  days: readonly DayWindow[];
  noisyAbove: number;
  writeback: { index: string; throwaway: boolean };
  results: readonly BacktestRuleResult[];
  /** Rule files that did not load (lint problems), formatted. */
  loadFailures: readonly { file: string; rule: string | null; error: string; day: null }[];
  skipped: BacktestReport['skipped'];
  baselines?: readonly BaselineInfo[];
  warnings: readonly ReportProblem[];
  totalMs: number;
}

/** Ranks rules by total alerts (then peak day, then name) and marks those above the threshold on any day. */
export function buildBacktestReport(input: BacktestInput): BacktestReport {
  const rows: BacktestRuleRow[] = [];
  const failed: BacktestReport['failed'] = [...input.loadFailures];
  for (const r of input.results) {
    if (r.error) {
      failed.push({ file: r.rule.file, rule: r.rule.name, error: r.error.message, day: r.error.day });
      continue;
    }
    const byDay = new Map(r.days.map((d) => [d.window.day, d]));
    const alertsPerDay = input.days.map((d) => byDay.get(d.day)?.run?.alerts ?? 0);
    const counts = totalsOf(r.days.map((d) => countsOf(d.hits, d.run)));
    const peak = Math.max(0, ...alertsPerDay);
    rows.push({
      name: r.rule.name,
      file: r.rule.file,
      type: r.rule.type,
      alertsPerDay,
      total: sum(alertsPerDay),
      peak,
      noisy: peak > input.noisyAbove,
      hits: counts.hits,
      matches: counts.matches ?? 0,
      suppressed: counts.suppressed ?? 0,
      aggregated: counts.aggregated ?? 0,
      firstAlerts: r.alerts.slice(0, FIRST_ALERTS).map(renderedAlert),
      ms: Math.round(r.ms),
    });
  }
  rows.sort((a, b) => b.total - a.total || b.peak - a.peak || a.name.localeCompare(b.name));
  return {
    schema: 'logwarden.backtest/1',
    range: { start: iso(input.range.startMs), end: iso(input.range.endMs) },
    days: input.days.map((d) => ({ day: d.day, start: iso(d.startMs), end: iso(d.endMs), partial: d.partial })),
    noisyAbove: input.noisyAbove,
    writeback: input.writeback,
    rules: rows,
    failed,
    skipped: [...input.skipped],
    totals: {
      alerts: sum(rows.map((r) => r.total)),
      alertsPerDay: input.days.map((_d, i) => sum(rows.map((r) => r.alertsPerDay[i] ?? 0))),
    },
    baselines: [...(input.baselines ?? [])],
    warnings: [...input.warnings],
    timing: { totalMs: Math.round(input.totalMs) },
  };
}
