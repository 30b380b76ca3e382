import { suggest } from '../../config/suggest.ts';
import type { Engine } from '../../engine.ts';
import type { DeliveredAlert, EngineObserver } from '../../observe.ts';
import type { RunOutcome } from '../../run/run-rule.ts';
import { parseTime } from '../../config/time.ts';
import type { CliIO } from '../io.ts';

/** `--fail-on-alerts`: the exit code when at least one alert fired (and nothing failed), for CI gates. */
export const ALERTS_FIRED_EXIT = 5;

export interface RunOnceOptions {
  rule?: string | undefined;
  start?: string | undefined;
  end?: string | undefined;
  json?: boolean | undefined;
  failOnAlerts?: boolean | undefined;
}

/** One alert of the run as `--json` lists it: each alerter's last delivery status. */
export interface RunAlert {
  rule: string;
  key: string | null;
  matchTime: string | null;
  alertId: string;
  sent: Record<string, 'sent' | 'retry' | 'failed'>;
}

export interface RunReport {
  schema: 'logwarden.run/1';
  /** The explicit window (--start/--end), or null when each rule ran over its own next window. */
  window: { start: string; end: string } | null;
  /** How realert measured time: match time for an explicit window (a backfill), the clock otherwise. */
  realert: 'event-time' | 'wall-clock';
  rules: {
    rule: string;
    start: string;
    end: string;
    hits: number;
    matches: number;
    alertsSent: number;
    suppressed: number;
    outcomes: RunOutcome['outcomes'];
    error: string | null;
    warning: string | null;
  }[];
  alerts: RunAlert[];
  totals: { rules: number; alerts: number; alertsSent: number; failedRules: number; warnings: number };
}

/** Collects every delivery attempt by alert id, in the order alerts were first attempted. */
export class AlertLedger implements EngineObserver {
  private readonly byId = new Map<string, RunAlert>();

  deliveryAttempt(rule: string, alerter: string, status: 'sent' | 'retry' | 'failed', alert?: DeliveredAlert): void {
    if (!alert) return;
    let entry = this.byId.get(alert.id);
    if (!entry) {
      entry = {
        rule,
        key: alert.key ?? null,
        matchTime: alert.matchTimeMs === undefined ? null : new Date(alert.matchTimeMs).toISOString(),
        alertId: alert.id,
        sent: {},
      };
      this.byId.set(alert.id, entry);
    }
    entry.sent[alerter] = status;
  }

  alerts(): RunAlert[] {
    return [...this.byId.values()];
  }
}

/** The window of `run --once --start/--end`, or undefined for each rule's own next window. */
export function onceWindow(opts: RunOnceOptions, nowMs: number): { startMs: number; endMs: number } | undefined {
  if (opts.start === undefined && opts.end === undefined) return undefined;
  return { startMs: parseTime(opts.start ?? '-1h', nowMs), endMs: parseTime(opts.end ?? 'now', nowMs) };
}

/**
 * `run --once`: every rule (or --rule) once, then the delivery pass, so aggregations whose
 * (event-time) period ended within a backfill are sent too. Prints counts on stderr, or with
 * --json the whole run on stdout. Exit 1 if a run failed or a rule file is broken, else
 * ALERTS_FIRED_EXIT with --fail-on-alerts when an alert fired, else 0.
 */
export async function runOnce(
  engine: Engine,
  ledger: AlertLedger,
  window: { startMs: number; endMs: number } | undefined,
  opts: RunOnceOptions,
  problems: readonly string[],
  io: CliIO,
): Promise<number> {
  if (opts.rule !== undefined && !engine.ruleNames().includes(opts.rule)) {
    const guess = suggest(opts.rule, engine.ruleNames());
    io.err(
      `run: --rule: no enabled rule named ${JSON.stringify(opts.rule)}${guess !== undefined ? `; did you mean ${JSON.stringify(guess)}?` : ''}`,
    );
    return 2;
  }
  const outcomes = opts.rule ? [await engine.runOne(opts.rule, window)] : await engine.runAllOnce(window);
  // Aggregation digests whose period has ended (by event time in a backfill, else by now) go out
  // before exiting, as the next pass of a long-running process would send them (issue #19 item 3).
  const after = await engine.processDeliveries();
  const failed = outcomes.filter((o) => o.error);
  const warned = outcomes.filter((o) => o.warning);
  const alerts = ledger.alerts();
  const sent = outcomes.reduce((n, o) => n + o.alertsSent, 0) + after.sent;
  if (opts.json) {
    const iso = (ms: number): string => new Date(ms).toISOString();
    const report: RunReport = {
      schema: 'logwarden.run/1',
      window: window ? { start: iso(window.startMs), end: iso(window.endMs) } : null,
      realert: window ? 'event-time' : 'wall-clock',
      rules: outcomes.map((o) => ({
        rule: o.ruleName,
        start: iso(o.startMs),
        end: iso(o.endMs),
        hits: o.hits,
        matches: o.matches,
        alertsSent: o.alertsSent,
        suppressed: o.suppressed,
        outcomes: o.outcomes,
        error: o.error?.message ?? null,
        warning: o.warning ?? null,
      })),
      alerts,
      totals: { rules: outcomes.length, alerts: alerts.length, alertsSent: sent, failedRules: failed.length, warnings: warned.length },
    };
    io.out(JSON.stringify(report, null, 2));
  } else {
    for (const o of warned) io.err(`warning: rule "${o.ruleName}": ${o.warning ?? ''}`);
    io.err(
      `${outcomes.length} rules run, ${sent} alerts sent, ${failed.length} failed${warned.length ? `, ${warned.length} with warnings` : ''}`,
    );
  }
  if (failed.length > 0 || problems.length > 0) return 1;
  return opts.failOnAlerts && alerts.length > 0 ? ALERTS_FIRED_EXIT : 0;
}
