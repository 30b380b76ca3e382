import { randomUUID } from 'node:crypto';
import type { Alerter } from '../../alerters/index.ts';
import { EsError } from '../es/errors.ts';
import type { Logger } from '../log.ts';
import { countPerKey, countWindow, fetchDocuments } from '../query/fetch.ts';
import type { CountEntry, RuleDefinition, RuleMatch } from '../rules/types.ts';
import type { RuleType } from '../ruletypes/rule-type.ts';
import type { WritebackStore } from '../writeback/store.ts';
import { deliverMatch, retryPending } from './deliver.ts';
import { computeRunWindow, splitRange, type RunWindow } from './window.ts';

export interface RunContext {
  store: WritebackStore;
  log: Logger;
  alerters: readonly Alerter[];
  oldQueryLimitMs: number;
  alertTimeLimitMs: number;
}

export interface RunOutcome {
  ruleName: string;
  runId: string;
  startMs: number;
  endMs: number;
  hits: number;
  matches: number;
  alertsSent: number;
  suppressed: number;
  error: EsError | Error | undefined;
}

/** What we persist for a rule: the rule type's state plus the ids already counted (buffer_time overlap). */
interface RunState {
  type: unknown;
  /** Document id → event time, for documents already fed to the rule type; pruned to the look-back window. */
  seen: Record<string, number>;
}

/**
 * One run of one rule: window → query → rule type → matches → suppression → alerts → state and status.
 * The rule's state is saved only after the whole window was processed, so a run that fails part-way
 * changes nothing and the next run repeats the window; alerts recorded in between are found by
 * their stable id and not sent twice.
 */
export async function runRule(
  rule: RuleDefinition,
  ruleType: RuleType<unknown>,
  nowMs: number,
  ctx: RunContext,
  explicit?: { startMs: number; endMs: number },
): Promise<RunOutcome> {
  const runId = randomUUID();
  const log = ctx.log.child({ rule: rule.name, run_id: runId });
  const started = performance.now();
  const outcome: RunOutcome = { ruleName: rule.name, runId, startMs: 0, endMs: 0, hits: 0, matches: 0, alertsSent: 0, suppressed: 0, error: undefined };
  try {
    await retryPending(rule, nowMs, ctx, log);
    const persisted = await ctx.store.loadRuleState(rule.name);
    const fresh = !persisted || persisted.ruleType !== rule.type;
    const state: RunState = fresh ? { type: ruleType.initialState(), seen: {} } : (persisted.typeState as RunState);
    // An explicit window (backfill, --start/--end) is split like any other; segment size as ElastAlert2.
    const window: RunWindow = explicit
      ? { ...explicit, segments: splitRange(explicit.startMs, explicit.endMs, ruleType.needs === 'documents' ? rule.bufferTimeMs : rule.runEveryMs), previousEndExpired: false }
      : computeRunWindow({
          nowMs,
          queryDelayMs: rule.queryDelayMs,
          bufferTimeMs: rule.bufferTimeMs,
          runEveryMs: rule.runEveryMs,
          oldQueryLimitMs: ctx.oldQueryLimitMs,
          needs: ruleType.needs,
          previousEndMs: fresh ? undefined : persisted.lastEndMs,
        });
    if (window.previousEndExpired) log.warn(`${rule.file}: rule "${rule.name}": last run ended more than old_query_limit ago; the gap is not queried`);
    outcome.startMs = window.startMs;
    outcome.endMs = window.endMs;

    let typeState = state.type;
    const seen = { ...state.seen };
    const matches: RuleMatch[] = [];
    for (const segment of window.segments) {
      let step;
      if (ruleType.needs === 'documents') {
        const fetched = await fetchDocuments(ctx.store.es, rule, segment.startMs, segment.endMs);
        outcome.hits += fetched.hits;
        if (fetched.unreadableTimestamps > 0) {
          log.warn({ field: rule.timestampField, count: fetched.unreadableTimestamps }, `${rule.file}: rule "${rule.name}": ${fetched.unreadableTimestamps} documents have no readable ${rule.timestampField} and were skipped`);
        }
        if (fetched.truncated) log.warn(`${rule.file}: rule "${rule.name}": more documents than max_query_size allows in one window; the rest were not read (set use_count_query or narrow the filter)`);
        // buffer_time makes windows overlap on purpose; an event already counted is not counted again.
        const unseen = fetched.events.filter((e) => !(e.id in seen));
        for (const e of unseen) seen[e.id] = e.timestampMs;
        step = ruleType.addEvents(typeState, unseen, segment.endMs);
      } else {
        const entries: CountEntry[] = ruleType.needs === 'count'
          ? [{ key: undefined, count: await countWindow(ctx.store.es, rule, segment.startMs, segment.endMs), timestampMs: segment.endMs }]
          : await countPerKey(ctx.store.es, rule, segment.startMs, segment.endMs);
        outcome.hits += entries.reduce((n, e) => n + e.count, 0);
        step = ruleType.addCounts(typeState, entries, segment.endMs);
      }
      matches.push(...step.matches);
      typeState = ruleType.garbageCollect(step.state, segment.endMs);
    }
    outcome.matches = matches.length;

    for (const match of matches) {
      const result = await deliverMatch(rule, ruleType, match, nowMs, ctx, log);
      if (result === 'sent') outcome.alertsSent++;
      else if (result === 'suppressed') outcome.suppressed++;
    }

    const keepAfter = window.endMs - rule.bufferTimeMs;
    for (const [id, ts] of Object.entries(seen)) if (ts <= keepAfter) delete seen[id];
    // Never move the end backwards (a backfill of an older window, a clock step back): counts would repeat.
    const lastEndMs = Math.max(window.endMs, fresh ? 0 : persisted.lastEndMs);
    await ctx.store.saveRuleState(rule.name, { lastEndMs, ruleType: rule.type, typeState: { type: typeState, seen } satisfies RunState }, nowMs);
  } catch (error) {
    outcome.error = error instanceof Error ? error : new Error(String(error));
    const retry = error instanceof EsError && error.retryable ? 'will retry next run' : 'needs a fix';
    log.error({ err_kind: error instanceof EsError ? error.kind : 'internal' }, `${rule.file}: rule "${rule.name}": run failed (${retry}): ${outcome.error.message}`);
    await ctx.store.writeError(rule.name, outcome.error, nowMs, { run_id: runId }).catch(() => undefined);
  }
  const timeTakenMs = performance.now() - started;
  await ctx.store
    .writeStatus({ ruleName: rule.name, runId, startMs: outcome.startMs, endMs: outcome.endMs, hits: outcome.hits, matches: outcome.matches, timeTakenMs, error: outcome.error?.message, atMs: nowMs })
    .catch((e: unknown) => log.warn(`could not write run status: ${e instanceof Error ? e.message : String(e)}`));
  log.info({ hits: outcome.hits, matches: outcome.matches, sent: outcome.alertsSent, suppressed: outcome.suppressed, ms: Math.round(timeTakenMs) }, `ran ${rule.name}`);
  return outcome;
}

