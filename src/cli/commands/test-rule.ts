import { readFileSync } from 'node:fs';
import path from 'node:path';
import { countWindow } from '../../query/fetch.ts';
import { formatProblem, type ConfigProblem } from '../../config/errors.ts';
import { loadConfig, type LogWardenConfig } from '../../config/load-config.ts';
import { createEsClient, type EsHandle } from '../../es/client.ts';
import { EsError } from '../../es/errors.ts';
import { loadRuleFile } from '../../rules/load-rules.ts';
import { compileRule } from '../../rules/compile.ts';
import type { RuleDefinition, RuleEvent } from '../../rules/types.ts';
import { createRuleType } from '../../ruletypes/index.ts';
import { dataEvents, DataFileError, parseDataFile, type DataDocument } from '../../backtest/data.ts';
import { resolveRange, splitDays, UsageError, type DayWindow } from '../../backtest/days.ts';
import { collectingLogger, heldAtEndNote, Replay, replayDays, type ReplayedRule } from '../../backtest/replay.ts';
import { buildTestRuleReport, type DayRecord, type KeyTally, type ReportProblem, type TestRuleReport } from '../../backtest/report.ts';
import { safeJson, terminalCell } from '../../backtest/safe.ts';
import { formatTestRule } from '../../backtest/text.ts';
import { openReplayWriteback, type ReplayWriteback } from '../../backtest/writeback.ts';
import { indexWarning } from '../../query/index-check.ts';
import { baselineMs, checkBaseline, shortBaselineNote } from '../../backtest/baseline.ts';
import { systemClock, type Clock } from '../../schedule/clock.ts';
import type { CliIO } from '../io.ts';
import { indexDataFile, saveDocuments, type DataIndex } from './test-rule-data.ts';
import { lint, summary } from './lint.ts';
import { ALERTS_FIRED_EXIT } from './run-once.ts';

/** Exit codes, as ElastAlert2's test_rule documents them where it has one. */
export const TEST_RULE_EXIT = {
  ok: 0,
  /** Elasticsearch unreachable, or a run failed (bad query, ...). */
  runFailed: 1,
  /** Bad flags or config (as every LogWarden command). */
  usage: 2,
  /** The rule file is invalid (ElastAlert2: 3). */
  invalidRule: 3,
  /** The --data file is unusable: not JSON, or a document without a readable timestamp (ElastAlert2: 4). */
  badData: 4,
  /** --fail-on-alerts and the rule would have alerted (as `run --once --fail-on-alerts`). */
  alertsFired: ALERTS_FIRED_EXIT,
} as const;

export interface TestRuleOptions {
  rule: string;
  config?: string | undefined;
  days?: number | undefined;
  start?: string | undefined;
  end?: string | undefined;
  countOnly?: boolean | undefined;
  schemaOnly?: boolean | undefined;
  formattedOutput?: boolean | undefined;
  /** The report as JSON with every alert (--formatted-output lists the first few). */
  json?: boolean | undefined;
  failOnAlerts?: boolean | undefined;
  data?: string | undefined;
  alert?: boolean | undefined;
  maxQuerySize?: number | undefined;
  writeback?: string | undefined;
  /** ElastAlert2's --save-json: write the documents the rule's query returns to this file. */
  saveJson?: string | undefined;
  /** ElastAlert2's --use-downloaded: replay from the --save-json file instead of querying again. */
  useDownloaded?: boolean | undefined;
  /** ElastAlert2's --stop-error: stop at the first error; the replay always does. */
  stopError?: boolean | undefined;
  /** Folder paths are resolved against and shown relative to; default the process's. */
  cwd?: string | undefined;
}

export interface ReplayDeps {
  /** Progress line while it runs (only given when stderr is a terminal). */
  progress?: ((text: string) => void) | undefined;
  /** Where "now" comes from (the range's default end); default the system clock. */
  clock?: Clock;
}

/**
 * `logwarden test-rule RULE.yaml`: runs one rule over past data with the engine's own run and
 * shows, per day, what it would have done: hits, matches, alerts after realert/aggregation/flood
 * guard, suppressed; its busiest query_key values; the first alerts as they would be sent.
 * Nothing leaves the machine unless --alert, and the real writeback index is never touched.
 */
export async function testRuleCommand(opts: TestRuleOptions, io: CliIO, deps: ReplayDeps = {}): Promise<number> {
  const cwd = opts.cwd ?? process.cwd();
  if (opts.json) opts = { ...opts, formattedOutput: true };
  if (opts.schemaOnly) return schemaOnly(opts, io, cwd);
  const usage = (message: string): number => {
    io.err(`test-rule: ${message}`);
    return TEST_RULE_EXIT.usage;
  };
  if (opts.data && opts.countOnly) return usage('--count-only counts in Elasticsearch; it cannot be combined with --data');
  if (opts.alert && opts.countOnly) return usage('--count-only runs no rule, so --alert has nothing to send');
  if (opts.useDownloaded && !opts.saveJson) return usage('--use-downloaded replays the --save-json file; give --save-json FILE');
  if (opts.useDownloaded && opts.data) return usage('--use-downloaded replays the --save-json file; it cannot be combined with --data');
  if (opts.saveJson && opts.data) return usage('--save-json writes what Elasticsearch returns; it cannot be combined with --data');

  const config = loadConfig({ file: opts.config, env: io.env, cwd });
  const loaded = loadRuleFile(path.resolve(cwd, opts.rule), config, io.env, { displayRoot: cwd });
  if (!loaded.rule) return invalid(io, opts, loaded.problems);
  const rule: RuleDefinition = opts.maxQuerySize !== undefined ? { ...loaded.rule, maxQuerySize: opts.maxQuerySize } : loaded.rule;
  const notes: ReportProblem[] = [];
  // The rule type and templates must work; the alerters only when alerts are really sent
  // (a reviewer's laptop rarely has the Slack token, and captured alerts need none).
  const notRunnable = compileRule(rule, { root: cwd }).problems;
  const alertProblems = notRunnable.filter((p) => p.code === 'alerter');
  if (alertProblems.length < notRunnable.length || (opts.alert && alertProblems.length > 0)) return invalid(io, opts, notRunnable);
  for (const p of alertProblems) notes.push({ message: `${formatProblem(p)} (alerts are captured, so the test runs anyway)`, count: 1 });

  let events: RuleEvent[] | undefined;
  let docs: DataDocument[] | undefined;
  const readData = (given: string): number | undefined => {
    try {
      const file = path.resolve(cwd, given);
      let text: string;
      try {
        text = readFileSync(file, 'utf8');
      } catch (error) {
        throw new DataFileError(`${given}: cannot read the file (${(error as NodeJS.ErrnoException).code ?? 'unreadable'})`);
      }
      docs = parseDataFile(text, given);
      events = dataEvents(rule, docs, path.basename(file), given);
      return undefined;
    } catch (error) {
      if (!(error instanceof DataFileError)) throw error;
      io.err(`test-rule: ${error.message}`);
      return TEST_RULE_EXIT.badData;
    }
  };
  if (opts.data) {
    const bad = readData(opts.data);
    if (bad !== undefined) return bad;
  }

  let range: { startMs: number; endMs: number };
  try {
    range =
      events && opts.days === undefined && opts.start === undefined && opts.end === undefined
        ? dataSpan(events)
        : resolveRange(opts, (deps.clock ?? systemClock).now(), 1);
  } catch (error) {
    if (error instanceof UsageError) return usage(error.message);
    throw error;
  }
  if (events) {
    const outside = events.filter((e) => e.timestampMs <= range.startMs || e.timestampMs > range.endMs).length;
    if (outside > 0)
      notes.push({ message: `${outside} document${outside === 1 ? ' is' : 's are'} outside the range and were not used`, count: 1 });
  }
  const days = splitDays(range.startMs, range.endMs);

  const es = clientFor(config, opts.data !== undefined);
  let report: TestRuleReport;
  let dataIndex: DataIndex | undefined;
  try {
    if (opts.saveJson) {
      const saved = await saveDocuments(es, rule, days, path.resolve(cwd, opts.saveJson));
      io.err(`test-rule: ${saved} document${saved === 1 ? '' : 's'} saved to ${opts.saveJson}`);
      if (opts.useDownloaded) {
        const bad = readData(opts.saveJson);
        if (bad !== undefined) return bad;
      }
    }
    // Documents from a file are indexed into a throwaway index, so the filter and every rule type apply.
    if (docs) dataIndex = await indexDataFile(es, rule, docs);
    const runRule = dataIndex?.rule ?? rule;
    // Zero hits from a misspelt index look like a quiet rule: say which it is.
    if (!docs) {
      const missing = await indexWarning(es, runRule, range.startMs, range.endMs);
      if (missing) notes.push({ message: `warning: ${missing}`, count: 1 });
      // A new_term rule replayed from where its data starts reports every value as new.
      const baseline = missing || opts.countOnly ? undefined : await checkBaseline(es, runRule, range, undefined);
      if (baseline?.short)
        notes.push({ message: `warning: ${shortBaselineNote(baseline, range, baselineMs(runRule, undefined))}`, count: 1 });
    }
    report = opts.countOnly
      ? await countOnly(es, runRule, range, days, notes, deps)
      : await replay(es, config, runRule, range, days, docs ? 'data' : 'elasticsearch', notes, opts, io, deps);
  } finally {
    deps.progress?.('');
    await dataIndex
      ?.dispose()
      .catch((error: unknown) =>
        io.err(`could not delete the throwaway data index: ${error instanceof Error ? error.message : String(error)}`),
      );
    await es.close();
  }
  io.out(opts.formattedOutput || opts.json ? safeJson(report) : formatTestRule(report));
  if (report.error) return TEST_RULE_EXIT.runFailed;
  return opts.failOnAlerts && report.alerts.total > 0 ? TEST_RULE_EXIT.alertsFired : TEST_RULE_EXIT.ok;
}

/** --schema-only: what lint says about this one file, no Elasticsearch. */
function schemaOnly(opts: TestRuleOptions, io: CliIO, cwd: string): number {
  const report = lint({ paths: [opts.rule], config: opts.config, cwd }, io.env);
  if (opts.formattedOutput) io.out(safeJson({ schema: 'logwarden.test-rule.schema/1', ...report }));
  else {
    for (const problem of report.problems) io.out(terminalCell(formatProblem(problem), 2000));
    io.out(
      report.ok
        ? `${report.rules.map((r) => `${terminalCell(r.file)}: rule ${JSON.stringify(terminalCell(r.name))} (${terminalCell(r.type)})`).join('\n')}\nSchema OK`
        : summary(report),
    );
  }
  return report.ok ? TEST_RULE_EXIT.ok : TEST_RULE_EXIT.invalidRule;
}

function invalid(io: CliIO, opts: TestRuleOptions, problems: readonly ConfigProblem[]): number {
  if (opts.formattedOutput) io.out(safeJson({ schema: 'logwarden.test-rule.schema/1', ok: false, rules: [], problems }));
  else for (const p of problems) io.err(terminalCell(formatProblem(p), 2000));
  io.err(`test-rule: ${opts.rule} is not a valid rule (${problems.length} problem${problems.length === 1 ? '' : 's'})`);
  return TEST_RULE_EXIT.invalidRule;
}

/** A cleanup failure must not hide the report; the leftover indices are named so they can be deleted by hand. */
export async function disposeOrWarn(wb: ReplayWriteback, io: CliIO): Promise<void> {
  try {
    await wb.dispose();
  } catch (error) {
    io.err(
      `could not delete the throwaway writeback indices ${wb.index}*: ${error instanceof Error ? error.message : String(error)}; delete them by hand`,
    );
  }
}

/** ElastAlert2 replays a data file from its first to its last document. Windows exclude their start, hence the 1 ms. */
function dataSpan(events: readonly RuleEvent[]): { startMs: number; endMs: number } {
  const first = events[0];
  const last = events[events.length - 1];
  if (!first || !last) throw new UsageError('the --data file has no documents');
  return { startMs: first.timestampMs - 1, endMs: last.timestampMs };
}

/**
 * A client without `connect()`, which would create the configured (real) writeback indices: a
 * test must leave no trace there.
 */
export function clientFor(config: LogWardenConfig, forData: boolean): EsHandle {
  if (!config.es) {
    const why = forData ? ' (--data still needs it for the throwaway writeback that holds realert and alert records)' : '';
    throw new EsError(
      'bad_request',
      `No Elasticsearch configured${why}: set es_url (or es_host and es_port) in config.yaml, or the ES_URL environment variable.`,
    );
  }
  return createEsClient(config.es);
}

async function countOnly(
  es: EsHandle,
  rule: RuleDefinition,
  range: { startMs: number; endMs: number },
  days: readonly DayWindow[],
  notes: ReportProblem[],
  deps: ReplayDeps,
): Promise<TestRuleReport> {
  const started = performance.now();
  const records: DayRecord[] = [];
  let error: TestRuleReport['error'] = null;
  for (const [i, window] of days.entries()) {
    deps.progress?.(`${terminalCell(rule.name, 40)}: counting day ${i + 1}/${days.length}`);
    const t = performance.now();
    try {
      records.push({ window, hits: await countWindow(es, rule, window.startMs, window.endMs), ms: performance.now() - t });
    } catch (e) {
      error = { day: window.day, message: e instanceof Error ? e.message : String(e) };
      break;
    }
  }
  return buildTestRuleReport({
    rule,
    source: 'elasticsearch',
    countOnly: true,
    delivery: 'captured',
    range,
    writeback: null,
    days: records,
    alerts: [],
    keys: new Map(),
    warnings: notes,
    error,
    totalMs: performance.now() - started,
  });
}

async function replay(
  es: EsHandle,
  config: LogWardenConfig,
  rule: RuleDefinition,
  range: { startMs: number; endMs: number },
  days: readonly DayWindow[],
  source: 'data' | 'elasticsearch',
  notes: ReportProblem[],
  opts: TestRuleOptions,
  io: CliIO,
  deps: ReplayDeps,
): Promise<TestRuleReport> {
  const started = performance.now();
  const { log, warnings } = collectingLogger();
  const wb = await openReplayWriteback(es, 'logwarden-test-rule', opts.writeback);
  io.onStop(() => wb.disposeInterrupted());
  const engine = new Replay({
    es,
    config,
    writebackIndex: wb.index,
    log,
    delivery: opts.alert ? 'sent' : 'captured',
    env: io.env,
    out: io.out,
  });
  let replayed: ReplayedRule;
  let keys: KeyTally;
  try {
    engine.add(rule);
    replayed = await replayDays(engine, rule.name, days, {
      beforeDay: (i) => deps.progress?.(`${terminalCell(rule.name, 40)}: day ${i + 1}/${days.length}`),
    });
    keys = engine.keys(rule.name);
  } finally {
    await engine.close();
    await disposeOrWarn(wb, io);
  }
  return buildTestRuleReport({
    rule,
    source,
    countOnly: false,
    delivery: opts.alert ? 'sent' : 'captured',
    range,
    writeback: { index: wb.index, throwaway: wb.throwaway },
    days: replayed.records,
    alerts: engine.alerts(rule.name),
    keys,
    warnings: [...notes, ...heldAtEndNote(replayed.heldAtEnd, days[days.length - 1]?.day), ...warnings()],
    error: replayed.error ?? null,
    totalMs: performance.now() - started,
    allAlerts: opts.json === true,
  });
}
