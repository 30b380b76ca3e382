import { pino } from 'pino';
import { createAlerters } from '../../alerters/index.ts';
import type { LogWardenConfig } from '../config/load-config.ts';
import { Engine } from '../engine.ts';
import type { EsHandle } from '../es/client.ts';
import type { Logger } from '../log.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { createRuleType, type RuleTypeSettings } from '../ruletypes/index.ts';
import { ReplayClock } from '../run/replay-clock.ts';
import { FLUSH_HORIZON_MS } from '../suppress/flush.ts';
import { AlertCapture, recordingAlerters, tallyKeys, tapMatches } from './capture.ts';
import type { DayWindow } from './days.ts';
import type { CapturedAlert, DayRecord, KeyTally, ReportProblem } from './report.ts';

/**
 * Replays rules over history with the Engine in capture mode: one explicit window per day, in
 * order, the Engine's clock set to the day's end and each match's time as "now" (realert,
 * aggregation, flood guard), followed by the Engine's delivery pass (drain) at the day's end.
 */

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

export interface DayResult {
  record: DayRecord;
  /** Set when the run failed; the record then holds what was counted before the failure. */
  error: string | undefined;
}

export class Replay {
  readonly capture = new AlertCapture();
  private readonly engine: Engine;
  private readonly clock = new ReplayClock(0);
  /** Matches per query_key value, per rule, as the rule type produced them. */
  private readonly matchKeys = new Map<string, KeyTally>();

  constructor(opts: ReplayOptions) {
    const { log, out, env } = opts;
    this.engine = new Engine({
      config: { ...opts.config, writebackIndex: opts.writebackIndex },
      es: opts.es,
      log,
      env,
      out,
      clock: this.clock,
      mode: 'capture',
      capture: (type, alert) => this.capture.record(type, alert),
      ...(opts.delivery === 'sent'
        ? { alerters: (rule: RuleDefinition) => recordingAlerters(createAlerters(rule, { log, out, env }), this.capture) }
        : {}),
    });
  }

  /**
   * Takes a rule on. Throws (with the rule's file and name) when its type cannot run or, when
   * sending for real, an alerter cannot be built; captured alerters need no configuration.
   */
  add(rule: RuleDefinition, settings: RuleTypeSettings = {}): void {
    const keys: KeyTally = new Map();
    this.engine.addRule(
      rule,
      tapMatches(createRuleType(rule, settings), (matches) => tallyKeys(keys, matches, [])),
    );
    this.matchKeys.set(rule.name, keys);
  }

  /** One day of one rule against Elasticsearch. */
  async runDay(name: string, window: DayWindow): Promise<DayResult> {
    this.capture.day = window.day;
    const before = this.capture.of(name).length;
    const started = performance.now();
    this.clock.set(window.endMs);
    const outcome = await this.engine.runOne(name, { startMs: window.startMs, endMs: window.endMs });
    let error = outcome.error?.message;
    if (error === undefined) {
      try {
        await this.engine.drain(window.endMs);
      } catch (e) {
        error = e instanceof Error ? e.message : String(e);
      }
    }
    const alerts = this.capture.of(name).length - before;
    return {
      record: {
        window,
        hits: outcome.hits,
        run: { matches: outcome.matches, outcomes: outcome.outcomes, alerts },
        ms: performance.now() - started,
      },
      error,
    };
  }

  /**
   * After the rule's last day: sends what aggregations and the flood guard still hold (a live
   * LogWarden would send it once its period ends, after the range), counted on the last day.
   * Returns how many alerts that gave.
   */
  async finish(name: string, last: DayWindow): Promise<number> {
    this.capture.day = last.day;
    const before = this.capture.of(name).length;
    await this.engine.drain(last.endMs + FLUSH_HORIZON_MS);
    return this.capture.of(name).length - before;
  }

  /** Alerts of the rule, in the order they were sent. */
  alerts(name: string): readonly CapturedAlert[] {
    return this.capture.of(name);
  }

  /** Matches (from the rule type) and alerts (as captured) per query_key value. */
  keys(name: string): KeyTally {
    const matched = this.matchKeys.get(name);
    if (!matched) throw new Error(`rule "${name}" was not added to the replay`);
    const tally: KeyTally = new Map([...matched.entries()].map(([k, v]) => [k, { ...v }]));
    tallyKeys(tally, [], this.capture.of(name));
    return tally;
  }

  async close(): Promise<void> {
    await this.engine.close();
  }
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
  opts: { beforeDay?: (index: number) => void } = {},
): Promise<ReplayedRule> {
  const records: DayRecord[] = [];
  for (const [i, window] of days.entries()) {
    opts.beforeDay?.(i);
    const result = await replay.runDay(name, window);
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
  return [
    {
      message: `${heldAtEnd} alert${heldAtEnd === 1 ? ' was' : 's were'} still held by an aggregation or the flood guard at the end of the range; counted on ${lastDay}, when a live LogWarden would send ${heldAtEnd === 1 ? 'it' : 'them'} later`,
      count: 1,
    },
  ];
}
