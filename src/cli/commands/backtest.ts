import { statSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { loadConfig } from '../../config/load-config.ts';
import type { ConfigProblem } from '../../config/errors.ts';
import { findRuleFiles, loadRuleFiles } from '../../rules/load-rules.ts';
import { compileRule } from '../../rules/compile.ts';
import type { RuleDefinition } from '../../rules/types.ts';
import { resolveRange, splitDays, UsageError } from '../../backtest/days.ts';
import { renderBacktestHtml } from '../../backtest/html.ts';
import { collectingLogger, heldAtEndNote, Replay, replayDays } from '../../backtest/replay.ts';
import { buildBacktestReport, type BacktestInput, type BacktestRuleResult, type ReportProblem } from '../../backtest/report.ts';
import { safeJson, terminalCell } from '../../backtest/safe.ts';
import { formatBacktest } from '../../backtest/text.ts';
import { openReplayWriteback } from '../../backtest/writeback.ts';
import { baselineMs, checkBaseline, replaySettings, shortBaselineNote, type BaselineInfo } from '../../backtest/baseline.ts';
import { parseDuration } from '../../config/duration.ts';
import { indexWarning } from '../../query/index-check.ts';
import { systemClock } from '../../schedule/clock.ts';
import type { CliIO } from '../io.ts';
import { clientFor, disposeOrWarn, type ReplayDeps } from './test-rule.ts';

export interface BacktestOptions {
  /** Rule files or folders; none means the config's rules_folder. */
  paths: string[];
  config?: string | undefined;
  days?: number | undefined;
  hours?: number | undefined;
  /** new_term rules learn this much history before the range (default their terms_window_size). */
  baseline?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  /** A rule with more alerts than this on any day is marked noisy. */
  noisy?: number | undefined;
  html?: string | undefined;
  json?: boolean | undefined;
  maxQuerySize?: number | undefined;
  writeback?: string | undefined;
  cwd?: string | undefined;
}

export const DEFAULT_BACKTEST_DAYS = 7;
export const DEFAULT_NOISY = 20;

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/**
 * `logwarden backtest [paths…]`: replays every rule over the last days (one rule after the
 * other, day by day, alerts captured, a throwaway writeback) and prints the noise table: alerts
 * per rule per day, most first, rules above --noisy marked. A rule that fails is listed with its
 * error and the others still run. Exit 1 when any rule failed, else 0.
 */
export async function backtestCommand(opts: BacktestOptions, io: CliIO, deps: ReplayDeps = {}): Promise<number> {
  const cwd = opts.cwd ?? process.cwd();
  const started = performance.now();
  const noisyAbove = opts.noisy ?? DEFAULT_NOISY;
  let range: { startMs: number; endMs: number };
  let requestedBaselineMs: number | undefined;
  try {
    range = resolveRange(opts, (deps.clock ?? systemClock).now(), DEFAULT_BACKTEST_DAYS, true);
    if (opts.baseline !== undefined) {
      const ms = parseDuration(opts.baseline);
      if (typeof ms !== 'number') throw new UsageError(`--baseline: ${ms.error}`);
      requestedBaselineMs = ms;
    }
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    io.err(`backtest: ${error.message}`);
    return 2;
  }
  const days = splitDays(range.startMs, range.endMs);
  const config = loadConfig({ file: opts.config, env: io.env, cwd });

  // Which rules: as lint finds them, so a reviewer backtests exactly what lint checked.
  const problems: ConfigProblem[] = [];
  const files: string[] = [];
  const roots = opts.paths.length > 0 ? opts.paths : [config.rulesFolder];
  for (const given of roots) {
    const abs = path.resolve(cwd, given);
    const stat = statSync(abs, { throwIfNoEntry: false });
    if (!stat) problems.push({ file: given, message: 'no such file or folder' });
    else if (stat.isDirectory())
      files.push(
        ...findRuleFiles(abs, config.scanSubdirectories, (dir, code) =>
          problems.push({ file: path.relative(cwd, dir) || dir, message: `cannot read the folder (${code})` }),
        ),
      );
    else files.push(abs);
  }
  const loaded = loadRuleFiles(files, config, io.env, { displayRoot: cwd });
  problems.push(...loaded.problems);
  const skipped: BacktestInput['skipped'] = [];
  let rules: RuleDefinition[] = [];
  for (const rule of loaded.rules) {
    if (rule.isEnabled) rules.push(opts.maxQuerySize !== undefined ? { ...rule, maxQuerySize: opts.maxQuerySize } : rule);
    else skipped.push({ file: rule.file, rule: rule.name, reason: 'is_enabled: false' });
  }
  const loadFailures = problems.map((p) => ({
    file: p.line !== undefined ? `${p.file}:${p.line}` : p.file,
    rule: p.rule ?? null,
    error: p.field ? `${p.field}: ${p.message}` : p.message,
    day: null,
  }));
  if (rules.length === 0 && loadFailures.length === 0) {
    io.err(`backtest: no rule files found in ${roots.join(', ')}`);
    return 1;
  }

  const es = clientFor(config, false);
  const { log, warnings } = collectingLogger();
  const results: BacktestRuleResult[] = [];
  const notes: ReportProblem[] = [];
  const baselines: BaselineInfo[] = [];
  let writeback: { index: string; throwaway: boolean } = { index: '', throwaway: true };
  try {
    const wb = await openReplayWriteback(es, 'logwarden-backtest', opts.writeback);
    writeback = { index: wb.index, throwaway: wb.throwaway };
    io.onStop(() => wb.disposeInterrupted());
    const replay = new Replay({ es, config, writebackIndex: wb.index, log, delivery: 'captured', env: io.env, out: io.out });
    try {
      // Rules that cannot run (unknown type, bad options) fail here, before any query.
      const runnable: RuleDefinition[] = [];
      for (const rule of rules) {
        // As lint checks it, minus the alerters: captured alerts need no tokens or URLs.
        const notRunnable = compileRule(rule, { root: cwd, alerters: false }).problems;
        if (notRunnable.length > 0) {
          results.push({
            rule,
            days: [],
            alerts: [],
            error: { day: null, message: notRunnable.map((p) => (p.field ? `${p.field}: ${p.message}` : p.message)).join('; ') },
            ms: 0,
          });
          continue;
        }
        try {
          replay.add(rule, replaySettings(rule, requestedBaselineMs));
          runnable.push(rule);
        } catch (error) {
          results.push({
            rule,
            days: [],
            alerts: [],
            error: { day: null, message: error instanceof Error ? error.message : String(error) },
            ms: 0,
          });
        }
      }
      rules = runnable;
      for (const [i, rule] of rules.entries()) {
        const t = performance.now();
        const missing = await indexWarning(es, rule, range.startMs, range.endMs);
        if (missing) notes.push({ message: `rule ${JSON.stringify(rule.name)}: warning: ${missing}`, count: 1 });
        const baseline = missing ? undefined : await checkBaseline(es, rule, range, requestedBaselineMs);
        if (baseline) baselines.push(baseline);
        if (baseline?.short) notes.push({ message: shortBaselineNote(baseline, range, baselineMs(rule, requestedBaselineMs)), count: 1 });
        const replayed = await replayDays(replay, rule.name, days, {
          beforeDay: (d) => deps.progress?.(`rule ${i + 1}/${rules.length}: ${terminalCell(rule.name, 40)} day ${d + 1}/${days.length}`),
        });
        notes.push(
          ...heldAtEndNote(replayed.heldAtEnd, days[days.length - 1]?.day).map((n) => ({
            ...n,
            message: `rule ${JSON.stringify(rule.name)}: ${n.message}`,
          })),
        );
        results.push({ rule, days: replayed.records, alerts: replay.alerts(rule.name), error: replayed.error, ms: performance.now() - t });
      }
    } finally {
      deps.progress?.('');
      await replay.close();
      await disposeOrWarn(wb, io);
    }
  } finally {
    await es.close();
  }

  // Whole past days leave today out: a user who loaded logs today would see only zeros.
  const wholeDaysOnly = opts.start === undefined && opts.end === undefined && opts.hours === undefined;
  if (wholeDaysOnly && results.length > 0 && results.every((r) => r.days.every((d) => d.hits === 0))) {
    notes.push({
      message: `no rule read any document in the last ${plural(days.length, 'whole UTC day')} (today is not included): for logs loaded today use --hours 24 (or --end now)`,
      count: 1,
    });
  }
  const report = buildBacktestReport({
    range,
    days,
    noisyAbove,
    writeback,
    results,
    loadFailures,
    skipped,
    baselines,
    warnings: [...notes, ...warnings()],
    totalMs: performance.now() - started,
  });
  let htmlFailed = false;
  if (opts.html) {
    const file = path.resolve(cwd, opts.html);
    try {
      writeFileSync(file, renderBacktestHtml(report));
      io.err(`HTML report written to ${path.relative(cwd, file) || file}`);
    } catch (error) {
      // The table below is still worth printing.
      htmlFailed = true;
      io.err(`backtest: cannot write the HTML report to ${opts.html} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    }
  }
  io.out(opts.json ? safeJson(report) : formatBacktest(report));
  return report.failed.length > 0 || htmlFailed ? 1 : 0;
}
