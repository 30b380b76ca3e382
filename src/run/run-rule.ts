import { randomUUID } from 'node:crypto';
import type { EsHandle } from '../es/client.ts';
import { EsError } from '../es/errors.ts';
import { durationMs } from '../rules/checks.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { SendContext } from '../deliver/send.ts';
import type { EngineObserver, MatchOutcome } from '../observe.ts';
import type { StatusRecord } from '../store/status.ts';
import { deliverMatch } from './deliver.ts';
import type { IndexWatch } from '../query/index-check.ts';
import { evaluateAggregations, evaluateEvents, type AnyRuleType } from './evaluate.ts';
import { attachTopCounts } from '../query/top-counts.ts';
import { attachSample } from './samples.ts';
import { computeRunWindow, splitRange, type RunWindow } from './window.ts';

/** Everything a run needs besides the rule: storage, the outbox and how to reach alerters. */
export interface RunContext extends SendContext {
  /** The cluster the rules query (storage is in ctx.stores). */
  es: EsHandle;
  oldQueryLimitMs: number;
  /**
   * Backtests replay history: realert (and the noise controls) then take each match's own time
   * as "now", so what counts as sent is what a live LogWarden would have sent.
   */
  matchTimeAsNow?: boolean;
  observer?: EngineObserver | undefined;
  /** When the scheduler wanted this run to start, for lag. */
  dueMs?: number | undefined;
  /** Asks, after a run with zero hits, whether the rule's index matches anything. */
  indexWatch?: IndexWatch | undefined;
}

/** A run as its status record has it (rule, run id, window, hits, matches), and what it did. */
export interface RunOutcome extends Pick<StatusRecord, 'ruleName' | 'runId' | 'startMs' | 'endMs' | 'hits' | 'matches'> {
  alertsSent: number;
  suppressed: number;
  /** Matches by what became of them (sent, suppressed_realert, aggregated, ...). */
  outcomes: Partial<Record<MatchOutcome, number>>;
  error: EsError | Error | undefined;
  /** Something the user should fix although the run succeeded: the rule's index matches nothing. */
  warning?: string | undefined;
}

/** What we persist for a rule: the rule type's state plus the ids already counted (buffer_time overlap). */
interface RunState {
  type: unknown;
  /** Document id → event time, for documents already fed to the rule type; pruned to the look-back window. */
  seen: Record<string, number>;
}

/** ElastAlert2's scan_entire_timeframe: each run reads the whole timeframe back. */
function scanTimeframeMs(rule: RuleDefinition): number | undefined {
  return rule.options['scan_entire_timeframe'] === true ? durationMs(rule.options['timeframe']) : undefined;
}

/**
 * One run of one rule: window → query → rule type → matches → suppression → alerts → state and status.
 * The rule's state is saved only after the whole window was processed, so a run that fails part-way
 * changes nothing and the next run repeats the window; alerts recorded in between are found by
 * their stable id and not sent twice.
 */
export async function runRule(
  rule: RuleDefinition,
  ruleType: AnyRuleType,
  nowMs: number,
  ctx: RunContext,
  explicit?: { startMs: number; endMs: number },
): Promise<RunOutcome> {
  const runId = randomUUID();
  const log = ctx.log.child({ rule: rule.name, run_id: runId });
  const started = performance.now();
  const outcome: RunOutcome = {
    ruleName: rule.name,
    runId,
    startMs: 0,
    endMs: 0,
    hits: 0,
    matches: 0,
    alertsSent: 0,
    suppressed: 0,
    outcomes: {},
    error: undefined,
  };
  try {
    const persisted = await ctx.stores.ruleState.load(rule.name);
    const fresh = !persisted || persisted.ruleType !== rule.type;
    const state: RunState = fresh ? { type: ruleType.initialState(), seen: {} } : (persisted.typeState as RunState);
    // An explicit window (backfill, --start/--end) is split like any other; segment size as ElastAlert2.
    const window: RunWindow = explicit
      ? {
          ...explicit,
          segments: splitRange(explicit.startMs, explicit.endMs, ruleType.needs === 'documents' ? rule.bufferTimeMs : rule.runEveryMs),
          previousEndExpired: false,
        }
      : computeRunWindow({
          nowMs,
          queryDelayMs: rule.queryDelayMs,
          bufferTimeMs: rule.bufferTimeMs,
          runEveryMs: rule.runEveryMs,
          oldQueryLimitMs: ctx.oldQueryLimitMs,
          // Counting types advance like count queries: from the previous end, run_every at a time.
          needs: ruleType.needs === 'aggregations' ? 'count' : ruleType.needs,
          previousEndMs: fresh ? undefined : persisted.lastEndMs,
          scanTimeframeMs: scanTimeframeMs(rule),
        });
    if (window.previousEndExpired)
      log.warn(`${rule.file}: rule "${rule.name}": last run ended more than old_query_limit ago; the gap is not queried`);
    outcome.startMs = window.startMs;
    outcome.endMs = window.endMs;

    const seen = { ...state.seen };
    const evaluation =
      ruleType.needs === 'aggregations'
        ? await evaluateAggregations(ctx.es, rule, ruleType, state.type, window.segments)
        : await evaluateEvents(ctx.es, rule, ruleType, state.type, window.segments, seen, log);
    const typeState = evaluation.typeState;
    const matches = await Promise.all(
      evaluation.matches.map(async (m) => attachTopCounts(ctx.es, rule, await attachSample(ctx.es, rule, m))),
    );
    outcome.hits = evaluation.hits;
    outcome.matches = matches.length;
    if (evaluation.hits === 0 && ctx.indexWatch) {
      // A misspelt index reads like a quiet rule; say so. The check failing must not fail the run.
      outcome.warning = await ctx.indexWatch.check(rule, window.startMs, window.endMs, nowMs).catch(() => undefined);
      if (outcome.warning) log.warn(`${rule.file}: rule "${rule.name}": ${outcome.warning}`);
    }

    for (const match of matches) {
      const result = await deliverMatch(rule, ruleType, match, ctx.matchTimeAsNow ? match.timestampMs : nowMs, ctx, log);
      outcome.outcomes[result] = (outcome.outcomes[result] ?? 0) + 1;
      if (result === 'sent') outcome.alertsSent++;
      else if (result.startsWith('suppressed')) outcome.suppressed++;
      ctx.observer?.matchOutcome?.(rule.name, result);
    }

    // Ids are kept as far back as runs read again, so nothing re-read is counted twice.
    const keepAfter = window.endMs - Math.max(rule.bufferTimeMs, scanTimeframeMs(rule) ?? 0);
    for (const [id, ts] of Object.entries(seen)) if (ts <= keepAfter) delete seen[id];
    // Never move the end backwards (a backfill of an older window, a clock step back): counts would repeat.
    const lastEndMs = Math.max(window.endMs, fresh ? 0 : persisted.lastEndMs);
    await ctx.stores.ruleState.save(
      rule.name,
      { lastEndMs, ruleType: rule.type, typeState: { type: typeState, seen } satisfies RunState },
      nowMs,
    );
  } catch (error) {
    outcome.error = error instanceof Error ? error : new Error(String(error));
    const retry = error instanceof EsError && error.retryable ? 'will retry next run' : 'needs a fix';
    log.error(
      { err_kind: error instanceof EsError ? error.kind : 'internal' },
      `${rule.file}: rule "${rule.name}": run failed (${retry}): ${outcome.error.message}`,
    );
    await ctx.stores.status.writeError(rule.name, outcome.error, nowMs, { run_id: runId }).catch(() => undefined);
  }
  const timeTakenMs = performance.now() - started;
  await ctx.stores.status
    .writeStatus({
      ruleName: rule.name,
      runId,
      startMs: outcome.startMs,
      endMs: outcome.endMs,
      hits: outcome.hits,
      matches: outcome.matches,
      outcomes: outcome.outcomes,
      timeTakenMs,
      error: outcome.error?.message,
      warning: outcome.warning,
      atMs: nowMs,
    })
    .catch((e: unknown) => log.warn(`could not write run status: ${e instanceof Error ? e.message : String(e)}`));
  ctx.observer?.ruleRun?.({
    rule: rule.name,
    type: rule.type,
    runId,
    startedMs: nowMs,
    durationMs: timeTakenMs,
    lagMs: ctx.dueMs === undefined ? undefined : Math.max(0, nowMs - ctx.dueMs),
    hits: outcome.hits,
    matches: outcome.matches,
    indexMissing: outcome.error ? undefined : outcome.warning !== undefined,
    errorKind: outcome.error ? (outcome.error instanceof EsError ? outcome.error.kind : 'internal') : undefined,
    error: outcome.error?.message,
  });
  log.info(
    { hits: outcome.hits, matches: outcome.matches, sent: outcome.alertsSent, suppressed: outcome.suppressed, ms: Math.round(timeTakenMs) },
    `ran ${rule.name}`,
  );
  return outcome;
}
