import { pino } from 'pino';
import { createAlerters } from '../../alerters/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import type { LogWardenConfig } from '../config/load-config.ts';
import type { SendContext } from '../deliver/send.ts';
import { processDueDeliveries } from '../deliver/worker.ts';
import type { EsHandle } from '../es/client.ts';
import type { Logger } from '../log.ts';
import type { RuleDefinition, RuleEvent, RuleMatch } from '../rules/types.ts';
import { createRuleType, type RuleTypeSettings } from '../ruletypes/index.ts';
import { deliverMatch } from '../run/deliver.ts';
import type { AnyRuleType } from '../run/evaluate.ts';
import { flushNoiseControls } from '../run/noise.ts';
import { runRule, type RunContext } from '../run/run-rule.ts';
import { splitRange } from '../run/window.ts';
import { esStores } from '../store/es/stores.ts';
import type { Stores } from '../store/stores.ts';
import { AlertCapture, capturingAlerters, recordingAlerters, tallyKeys, tapMatches } from './capture.ts';
import { countEntries, eventsIn } from './data.ts';
import type { DayWindow } from './days.ts';
import type { CapturedAlert, DayRecord, KeyTally, OutcomeCounts, ReportProblem } from './report.ts';

/**
 * Replays rules over history with the engine's own run: runRule (query, rule type, matches,
 * realert/aggregation/flood guard via deliverMatch, state saved in the writeback) over one
 * explicit window per day, in order, with match time as "now" (RunContext.matchTimeAsNow, the
 * Engine's `replay: true`), followed by the delivery pass a live engine runs every few seconds
 * (Engine.processDeliveries: noise-control flush, then due deliveries) at the day's end.
 *
 * Why not `new Engine(...)`: the Engine loads rules only from its rules folder and builds the
 * real alerters itself; a replay needs given files and, by default, alerters that send nothing.
 * This class therefore wires the same parts the Engine does (same store, outbox, RunContext),
 * and should become a thin use of the Engine once it accepts rules and an alerter factory.
 */

/** Far enough for any aggregation period or schedule (aggregationEnd looks at most ~4 years ahead). */
const FLUSH_HORIZON_MS = 5 * 366 * 86_400_000;

export interface ReplayOptions {
  es: EsHandle;
  config: LogWardenConfig;
  /** Base name of the (throwaway) writeback indices. */
  writebackIndex: string;
  log: Logger;
  /** captured: stand-in alerters that send nothing; sent: the rule's real alerters (--alert). */
  delivery: 'captured' | 'sent';
  env: NodeJS.ProcessEnv;
  /** Where the stdout alerter prints when alerts are sent. */
  out: (text: string) => void;
}

interface ReplayRule {
  rule: RuleDefinition;
  type: AnyRuleType;
  alerters: Alerter[];
  keys: KeyTally;
  /** Rule type state of --data replays, which keep it in memory (no query, no state document). */
  dataState?: unknown;
}

export interface DayResult {
  record: DayRecord;
  /** Set when the run failed; the record then holds what was counted before the failure. */
  error: string | undefined;
}

export class Replay {
  readonly capture = new AlertCapture();
  private readonly opts: ReplayOptions;
  private readonly stores: Stores;
  private readonly rules = new Map<string, ReplayRule>();

  constructor(opts: ReplayOptions) {
    this.opts = opts;
    this.stores = esStores(opts.es, opts.writebackIndex);
  }

  /**
   * Takes a rule on. Throws (with the rule's file and name) when its type cannot run or, when
   * sending for real, an alerter cannot be built; captured alerters need no configuration.
   */
  add(rule: RuleDefinition, settings: RuleTypeSettings = {}): void {
    const keys: KeyTally = new Map();
    const type = tapMatches(createRuleType(rule, settings), (matches) => tallyKeys(keys, matches, []));
    const alerters = this.opts.delivery === 'sent'
      ? recordingAlerters(createAlerters(rule, { log: this.opts.log, out: this.opts.out, env: this.opts.env }), this.capture)
      : capturingAlerters(rule, this.capture);
    this.rules.set(rule.name, { rule, type, alerters, keys });
  }

  needs(name: string): AnyRuleType['needs'] {
    return this.get(name).type.needs;
  }

  /** One day of one rule against Elasticsearch. */
  async runDay(name: string, window: DayWindow): Promise<DayResult> {
    const r = this.get(name);
    return this.day(r, window, async () => {
      const outcome = await runRule(r.rule, r.type, window.endMs, this.runContext(), { startMs: window.startMs, endMs: window.endMs });
      return { hits: outcome.hits, matches: outcome.matches, outcomes: outcome.outcomes, error: outcome.error?.message };
    });
  }

  /**
   * One day of one rule over documents from a file (test-rule --data): the same segments and
   * rule type calls as a run against Elasticsearch, then the same deliverMatch per match. Only
   * rules that read documents or plain counts can be fed this way (see dataProblem).
   */
  async runDayOnData(name: string, window: DayWindow, events: readonly RuleEvent[]): Promise<DayResult> {
    const r = this.get(name);
    const type = r.type;
    if (type.needs === 'aggregations') throw new Error(`rule "${r.rule.name}": ${dataProblem(r.rule, type.needs)}`);
    return this.day(r, window, async () => {
      let state = r.dataState === undefined ? type.initialState() : r.dataState;
      let hits = 0;
      const found: RuleMatch[] = [];
      const segmentMs = type.needs === 'documents' ? r.rule.bufferTimeMs : r.rule.runEveryMs;
      for (const segment of splitRange(window.startMs, window.endMs, segmentMs)) {
        const inSegment = eventsIn(events, segment.startMs, segment.endMs);
        hits += inSegment.length;
        const step = type.needs === 'documents'
          ? type.addEvents(state, inSegment, segment.endMs)
          : type.addCounts(state, countEntries(type.needs, inSegment, segment.endMs), segment.endMs);
        found.push(...step.matches);
        state = type.garbageCollect(step.state, segment.endMs);
      }
      r.dataState = state;
      const outcomes: OutcomeCounts = {};
      const log = this.opts.log.child({ rule: r.rule.name });
      try {
        for (const match of found) {
          const result = await deliverMatch(r.rule, type, match, match.timestampMs, this.runContext(), log);
          outcomes[result] = (outcomes[result] ?? 0) + 1;
        }
      } catch (error) {
        return { hits, matches: found.length, outcomes, error: error instanceof Error ? error.message : String(error) };
      }
      return { hits, matches: found.length, outcomes, error: undefined };
    });
  }

  /**
   * After the rule's last day: sends what aggregations and the flood guard still hold (a live
   * LogWarden would send it once its period ends, after the range), counted on the last day.
   * Returns how many alerts that gave.
   */
  async finish(name: string, last: DayWindow): Promise<number> {
    const r = this.get(name);
    this.capture.day = last.day;
    const before = this.capture.of(r.rule.name).length;
    await this.deliveryPass(last.endMs + FLUSH_HORIZON_MS);
    return this.capture.of(r.rule.name).length - before;
  }

  /** Alerts of the rule, in the order they were sent. */
  alerts(name: string): readonly CapturedAlert[] {
    return this.capture.of(name);
  }

  /** Matches (from the rule type) and alerts (as captured) per query_key value. */
  keys(name: string): KeyTally {
    const r = this.get(name);
    const tally: KeyTally = new Map([...r.keys.entries()].map(([k, v]) => [k, { ...v }]));
    tallyKeys(tally, [], this.capture.of(name));
    return tally;
  }

  async close(): Promise<void> {
    for (const r of this.rules.values()) for (const a of r.alerters) await a.close?.().catch(() => undefined);
  }

  private async day(
    r: ReplayRule,
    window: DayWindow,
    run: () => Promise<{ hits: number; matches: number; outcomes: OutcomeCounts; error: string | undefined }>,
  ): Promise<DayResult> {
    this.capture.day = window.day;
    const before = this.capture.of(r.rule.name).length;
    const started = performance.now();
    const result = await run();
    let error = result.error;
    if (error === undefined) {
      try {
        await this.deliveryPass(window.endMs);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    const alerts = this.capture.of(r.rule.name).length - before;
    return {
      record: { window, hits: result.hits, run: { matches: result.matches, outcomes: result.outcomes, alerts }, ms: performance.now() - started },
      error,
    };
  }

  /**
   * What Engine.processDeliveries does, at a replayed time: aggregations and flood-guard digests
   * whose time has come, then retries whose backoff passed.
   */
  private async deliveryPass(nowMs: number): Promise<void> {
    await flushNoiseControls(nowMs, this.sendContext());
    await processDueDeliveries(nowMs, this.sendContext());
  }

  private get(name: string): ReplayRule {
    const r = this.rules.get(name);
    if (!r) throw new Error(`rule "${name}" was not added to the replay`);
    return r;
  }

  private sendContext(): SendContext {
    return {
      stores: this.stores,
      lookup: (name) => this.rules.get(name),
      log: this.opts.log,
      alertTimeLimitMs: this.opts.config.alertTimeLimitMs,
    };
  }

  private runContext(): RunContext {
    return { ...this.sendContext(), es: this.opts.es, oldQueryLimitMs: this.opts.config.oldQueryLimitMs, matchTimeAsNow: true };
  }
}

/** Why a rule type cannot be fed from a file, or undefined when it can. */
export function dataProblem(rule: RuleDefinition, needs: AnyRuleType['needs']): string | undefined {
  if (needs !== 'aggregations') return undefined;
  return `type "${rule.type}" counts in Elasticsearch over time ranges, so it cannot be tested with --data; --data feeds documents to "any" and "frequency" rules. Index the documents and test against Elasticsearch (--start/--end) instead.`;
}

/**
 * A logger for replays: nothing on the terminal (the report is the output), warnings and errors
 * kept, each distinct message once with a count, for the report.
 */
export function collectingLogger(): { log: Logger; warnings: () => ReportProblem[] } {
  const seen = new Map<string, number>();
  const log = pino(
    { level: 'warn', base: undefined },
    {
      write(line: string): void {
        let msg: string;
        try {
          const parsed = JSON.parse(line) as { msg?: unknown };
          msg = typeof parsed.msg === 'string' ? parsed.msg : line.trim();
        } catch {
          msg = line.trim();
        }
        // A failed run is reported as the report's error already.
        if (/: run failed \(/.test(msg)) return;
        seen.set(msg, (seen.get(msg) ?? 0) + 1);
      },
    },
  );
  return { log, warnings: () => [...seen.entries()].map(([message, count]) => ({ message, count })) };
}

export interface ReplayedRule {
  records: DayRecord[];
  /** The first failed day; later days were not run. */
  error: { day: string | null; message: string } | undefined;
  /** Alerts that aggregations or the flood guard still held at the end of the range, sent afterwards and counted on the last day. */
  heldAtEnd: number;
}

/**
 * One rule over every day, in order (its state carries from one day into the next), stopping at
 * the first failure: the same query fails every day, and one error is enough.
 */
export async function replayDays(
  replay: Replay,
  name: string,
  days: readonly DayWindow[],
  opts: { events?: readonly RuleEvent[] | undefined; beforeDay?: (index: number) => void } = {},
): Promise<ReplayedRule> {
  const records: DayRecord[] = [];
  for (const [i, window] of days.entries()) {
    opts.beforeDay?.(i);
    const result = opts.events ? await replay.runDayOnData(name, window, opts.events) : await replay.runDay(name, window);
    records.push(result.record);
    if (result.error !== undefined) return { records, error: { day: window.day, message: result.error }, heldAtEnd: 0 };
  }
  const last = records[records.length - 1];
  if (!last?.run) return { records, error: undefined, heldAtEnd: 0 };
  try {
    const heldAtEnd = await replay.finish(name, last.window);
    last.run.alerts += heldAtEnd;
    return { records, error: undefined, heldAtEnd };
  } catch (error) {
    return { records, error: { day: last.window.day, message: error instanceof Error ? error.message : String(error) }, heldAtEnd: 0 };
  }
}

/** The report's note for alerts sent after the range. */
export function heldAtEndNote(heldAtEnd: number, lastDay: string | undefined): ReportProblem[] {
  if (heldAtEnd === 0 || lastDay === undefined) return [];
  return [{ message: `${heldAtEnd} alert${heldAtEnd === 1 ? ' was' : 's were'} still held by an aggregation or the flood guard at the end of the range; counted on ${lastDay}, when a live LogWarden would send ${heldAtEnd === 1 ? 'it' : 'them'} later`, count: 1 }];
}
