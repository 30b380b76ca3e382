import type { Engine } from '../engine.ts';
import { EsError } from '../es/errors.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { Silence } from '../store/silences.ts';
import type { RunRecord, RunStats } from '../store/status.ts';
import { realertKey, ruleSilenceKey } from '../suppress/realert.ts';
import type { Metrics } from './metrics.ts';

/**
 * The overview's aggregation is reused this long: the page is readable without credentials, and
 * reloading it in a loop must not become an aggregation per request on the cluster.
 */
const SUMMARY_CACHE_MS = 5_000;
const iso = (ms: number): string => new Date(ms).toISOString();

export interface RuleSummary {
  name: string;
  type: string;
  file: string;
  index: string;
  runEveryMs: number;
  lastRun: RunStats['lastRun'];
  /** Lag of the last scheduled run this process made (the status index does not keep it). */
  lagSeconds: number | undefined;
  lastError: RunStats['lastError'];
  day: RunStats['day'];
  /** Matches per hour, oldest first, 24 values; the last one ends now. */
  matchesPerHour: number[];
}

/** A run as the status page lists it. */
export type RunRow = RunRecord;

export interface AlertRow {
  id: string;
  alertTime: string;
  matchTime: string;
  queryKey: string | undefined;
  subject: string;
  text: string;
  sent: boolean;
  exception: string | undefined;
}

export interface DeliveryRow {
  id: string;
  alerter: string;
  attempts: number;
  nextAttempt: string;
  lastError: string | undefined;
}

export interface SilenceRow {
  key: string;
  until: string;
  reason: string | undefined;
  /** Set by a person (has a reason) or by realert. */
  manual: boolean;
}

export interface RuleDetail {
  summary: RuleSummary;
  definition: { queryKey: string[] | undefined; realertMs: number; alerters: string[]; realertKey: string; wholeRuleSilenceKey: string };
  runs: RunRow[];
  alerts: AlertRow[];
  silences: SilenceRow[];
  pendingDeliveries: DeliveryRow[];
}

/**
 * What the status page shows, read from the writeback indices (so it is right across restarts and
 * instances) plus the lag this process measured. Read-only; every search tolerates a missing index.
 */
export class StatusData {
  private readonly engine: Engine;
  private readonly metrics: Metrics | undefined;
  private summaryCache: { atMs: number; names: string; value: Promise<RuleSummary[]> } | undefined;

  constructor(engine: Engine, metrics: Metrics | undefined) {
    this.engine = engine;
    this.metrics = metrics;
  }

  /** Every loaded rule's summary; shared by concurrent requests and cached briefly. */
  async rules(nowMs: number): Promise<RuleSummary[]> {
    const names = JSON.stringify(this.engine.ruleNames());
    const cached = this.summaryCache;
    if (cached && cached.names === names && nowMs >= cached.atMs && nowMs - cached.atMs < SUMMARY_CACHE_MS) {
      // The lag is in memory: always current.
      return (await cached.value).map((s) => ({ ...s, lagSeconds: this.lagOf(s.name) }));
    }
    const value = this.readSummaries(nowMs);
    this.summaryCache = { atMs: nowMs, names, value };
    // A failed read is not cached.
    value.catch(() => {
      if (this.summaryCache?.value === value) this.summaryCache = undefined;
    });
    return value;
  }

  private lagOf(rule: string): number | undefined {
    const lag = this.metrics?.lastRun(rule)?.lagMs;
    return lag === undefined ? undefined : lag / 1000;
  }

  /** One request for all rules (StatusStore.stats): last run, last error, 24 h sums and matches per hour. */
  private async readSummaries(nowMs: number): Promise<RuleSummary[]> {
    const definitions = this.engine.ruleNames().flatMap((n) => {
      const d = this.engine.ruleDefinition(n);
      return d ? [d] : [];
    });
    if (definitions.length === 0) return [];
    const stats = await this.engine.stores.status.stats(
      definitions.map((d) => d.name),
      nowMs,
    );
    return definitions.map((d) => this.summary(d, stats.get(d.name)));
  }

  private summary(d: RuleDefinition, stats: RunStats | undefined): RuleSummary {
    return {
      name: d.name,
      type: d.type,
      file: d.file,
      index: d.index,
      runEveryMs: d.runEveryMs,
      lastRun: stats?.lastRun,
      lagSeconds: this.lagOf(d.name),
      lastError: stats?.lastError,
      day: stats?.day ?? { runs: 0, hits: 0, matches: 0, alertsSent: 0, alertsFailed: 0, errors: 0 },
      matchesPerHour: stats?.matchesPerHour ?? new Array<number>(24).fill(0),
    };
  }

  async rule(name: string, nowMs: number): Promise<RuleDetail | undefined> {
    const d = this.engine.ruleDefinition(name);
    if (!d) return undefined;
    const stores = this.engine.stores;
    const [summaries, runs, alerts, silences, deliveries] = await Promise.all([
      this.rules(nowMs),
      stores.status.runs(name, 20),
      stores.alerts.latest(name, 20),
      this.silences(nowMs),
      stores.outbox.pendingOf(name, 50),
    ]);
    const summary = summaries.find((s) => s.name === name) ?? this.summary(d, undefined);
    const rk = realertKey(d.name, d.options);
    return {
      summary,
      definition: {
        queryKey: d.queryKey,
        realertMs: d.realertMs,
        alerters: d.alert.map((a) => a.type),
        realertKey: rk,
        wholeRuleSilenceKey: ruleSilenceKey(d.name),
      },
      runs,
      alerts: alerts.map((a) => ({
        id: a.id,
        alertTime: iso(a.alertTimeMs),
        matchTime: iso(a.matchTimeMs),
        queryKey: a.queryKey,
        subject: a.alertSubject,
        text: a.alertText,
        sent: a.alertSent,
        exception: a.alertException,
      })),
      // Keys under the realert key (what the engine checks, matchSilenceKey) or the rule's name (the whole-rule
      // silence, and keys older versions of `logwarden silence --key` wrote for rules with realert_key).
      silences: silences.filter((s) => [rk, d.name].some((prefix) => s.key === prefix || s.key.startsWith(`${prefix}.`))),
      pendingDeliveries: deliveries.map((x) => ({
        id: x.id,
        alerter: x.alerter,
        attempts: x.attempts,
        nextAttempt: iso(x.nextAttemptMs),
        lastError: x.lastError,
      })),
    };
  }

  async silences(nowMs: number): Promise<SilenceRow[]> {
    let active: Silence[];
    try {
      active = await this.engine.stores.silences.active(nowMs);
    } catch (error) {
      // No silence index yet (writeback not initialised): nothing is silenced.
      if (error instanceof EsError && error.kind === 'not_found') return [];
      throw error;
    }
    return active.map((s) => ({ key: s.key, until: iso(s.untilMs), reason: s.reason, manual: s.reason !== undefined }));
  }
}
