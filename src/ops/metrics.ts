import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { EsHandle } from '../es/client.ts';
import { classifyEsError } from '../es/errors.ts';
import type { EngineObserver, MatchOutcome, RuleRunEvent } from '../observe.ts';
import { VERSION } from '../version.ts';
import { backgroundClock, type Clock } from '../schedule/clock.ts';

/** Every match outcome, so a rule's series exist at 0 before the first alert (rate() needs two samples). */
export const ALERT_OUTCOMES: readonly MatchOutcome[] = [
  'sent',
  'failed',
  'suppressed_realert',
  'suppressed_silence',
  'aggregated',
  'suppressed_flood',
  'duplicate',
];

/** What the pending-deliveries gauge reads on scrape. */
export type PendingSource = () => Promise<number>;

export interface MetricsOptions {
  /** process_* and nodejs_* metrics; off in unit tests that compare the whole exposition. */
  defaultMetrics?: boolean;
  /** How long a pending-deliveries count is reused; a scrape every few seconds must not become an Elasticsearch query each. */
  pendingCacheMs?: number;
  /** How long a scrape waits for a fresh count before it shows the last one (a slow cluster must not time the scrape out). */
  pendingWaitMs?: number;
  /** Time for the cache and the wait; the system clock (whose timers never hold the process) unless a test drives one. */
  clock?: Clock;
}

/**
 * LogWarden's Prometheus metrics and the EngineObserver that feeds them. One instance per
 * process (or per test): it owns its registry instead of using prom-client's global one, so
 * two engines in one test process never share counters.
 */
export class Metrics implements EngineObserver {
  readonly registry = new Registry();
  private readonly runs: Counter<'rule' | 'outcome'>;
  private readonly runErrors: Counter<'rule' | 'kind'>;
  private readonly runDuration: Histogram<'rule'>;
  private readonly scheduleLag: Histogram<'rule'>;
  private readonly hits: Counter<'rule'>;
  private readonly matches: Counter<'rule'>;
  private readonly alerts: Counter<'rule' | 'outcome'>;
  private readonly deliveries: Counter<'rule' | 'alerter' | 'status'>;
  private readonly esErrors: Counter<'kind'>;
  private readonly rulesLoadedGauge: Gauge;
  private readonly rulesInvalidGauge: Gauge;
  private readonly ticksSkipped: Counter<'rule'>;
  private readonly writebackProblems: Gauge;
  private readonly writebackRecreatedTotal: Counter<'index'>;
  private readonly indexMissing: Gauge<'rule'>;
  private readonly lastRuns = new Map<string, RuleRunEvent>();
  private pendingSource: PendingSource | undefined;
  private pendingCache: { value: number; atMs: number } | undefined;
  private pendingInFlight: Promise<number | undefined> | undefined;
  private readonly opts: Required<Omit<MetricsOptions, 'defaultMetrics'>>;

  constructor(options: MetricsOptions = {}) {
    this.opts = {
      pendingCacheMs: options.pendingCacheMs ?? 10_000,
      pendingWaitMs: options.pendingWaitMs ?? 2_000,
      clock: options.clock ?? backgroundClock,
    };
    const registers = [this.registry];
    this.runs = new Counter({
      name: 'logwarden_rule_runs_total',
      help: 'Rule runs by outcome (success or error).',
      labelNames: ['rule', 'outcome'],
      registers,
    });
    this.runErrors = new Counter({
      name: 'logwarden_rule_run_errors_total',
      help: 'Failed rule runs by error kind (connection, timeout, bad_request, internal, ...).',
      labelNames: ['rule', 'kind'],
      registers,
    });
    this.runDuration = new Histogram({
      name: 'logwarden_rule_run_duration_seconds',
      help: 'Wall time of one rule run, queries and alerting included.',
      labelNames: ['rule'],
      registers,
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    });
    this.scheduleLag = new Histogram({
      name: 'logwarden_rule_schedule_lag_seconds',
      help: 'How late a scheduled run started against its due time (first runs are due at a stable offset spread over the interval, up to 60 s; the offset is not counted as lag).',
      labelNames: ['rule'],
      registers,
      buckets: [0.1, 0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600],
    });
    this.hits = new Counter({
      name: 'logwarden_rule_hits_total',
      help: 'Documents (or counted events) a rule read.',
      labelNames: ['rule'],
      registers,
    });
    this.matches = new Counter({
      name: 'logwarden_rule_matches_total',
      help: 'Matches a rule produced, before suppression.',
      labelNames: ['rule'],
      registers,
    });
    this.alerts = new Counter({
      name: 'logwarden_alerts_total',
      help: 'What became of each match: sent, failed, suppressed_realert, suppressed_silence, aggregated, suppressed_flood, duplicate.',
      labelNames: ['rule', 'outcome'],
      registers,
    });
    this.deliveries = new Counter({
      name: 'logwarden_deliveries_total',
      help: 'Delivery attempts (alert x alerter) by result: sent, retry, failed.',
      labelNames: ['rule', 'alerter', 'status'],
      registers,
    });
    this.esErrors = new Counter({
      name: 'logwarden_elasticsearch_request_errors_total',
      help: 'Elasticsearch requests that failed, by kind (connection, timeout, rate_limited, unavailable, auth, forbidden, ...).',
      labelNames: ['kind'],
      registers,
    });
    this.rulesLoadedGauge = new Gauge({ name: 'logwarden_rules_loaded', help: 'Enabled rules currently scheduled.', registers });
    this.rulesInvalidGauge = new Gauge({
      name: 'logwarden_rules_invalid',
      help: 'Rule files that failed validation at the last (re)load.',
      registers,
    });
    this.ticksSkipped = new Counter({
      name: 'logwarden_ticks_skipped_total',
      help: 'Scheduled runs dropped because the previous run of the rule was still going.',
      labelNames: ['rule'],
      registers,
    });
    this.writebackProblems = new Gauge({
      name: 'logwarden_writeback_problems',
      help: 'Writeback indices missing or wrongly mapped at the last check (0: all fine).',
      registers,
    });
    this.writebackRecreatedTotal = new Counter({
      name: 'logwarden_writeback_recreated_total',
      help: 'Writeback indices found deleted while running and re-created.',
      labelNames: ['index'],
      registers,
    });
    this.indexMissing = new Gauge({
      name: 'logwarden_rule_index_missing',
      help: "1 while the rule's index matches no index, alias or data stream (checked after runs with zero hits): a typo reads as a quiet rule.",
      labelNames: ['rule'],
      registers,
    });
    new Gauge({
      name: 'logwarden_build_info',
      help: 'Always 1; the version label says which LogWarden runs.',
      labelNames: ['version'],
      registers,
    }).set({ version: VERSION }, 1);
    // Arrow functions lose `this` of the gauge; prom-client calls collect with the gauge as this.
    const self = this;
    new Gauge({
      name: 'logwarden_pending_deliveries',
      help: 'Deliveries waiting in the outbox (not yet sent or given up), read from Elasticsearch on scrape.',
      registers,
      async collect() {
        const value = await self.pendingDeliveries();
        if (value !== undefined) this.set(value);
      },
    });
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
  }

  /** Pre-creates a rule's series at 0 so dashboards and rate() see it before its first event. */
  initRules(names: readonly string[]): void {
    for (const rule of names) {
      this.guard(() => {
        for (const outcome of ['success', 'error']) this.runs.inc({ rule, outcome }, 0);
        this.hits.inc({ rule }, 0);
        this.matches.inc({ rule }, 0);
        for (const outcome of ALERT_OUTCOMES) this.alerts.inc({ rule, outcome }, 0);
        this.ticksSkipped.inc({ rule }, 0);
        this.indexMissing.set({ rule }, 0);
      });
    }
  }

  ruleRun(run: RuleRunEvent): void {
    this.guard(() => {
      const rule = run.rule;
      this.lastRuns.set(rule, run);
      this.runs.inc({ rule, outcome: run.errorKind === undefined ? 'success' : 'error' });
      if (run.errorKind !== undefined) this.runErrors.inc({ rule, kind: run.errorKind });
      this.runDuration.observe({ rule }, run.durationMs / 1000);
      // Runs started by hand (run --once, tests) have no due time, hence no lag.
      if (run.lagMs !== undefined) this.scheduleLag.observe({ rule }, run.lagMs / 1000);
      this.hits.inc({ rule }, run.hits);
      this.matches.inc({ rule }, run.matches);
      // Any hit proves the index exists; a failed run says nothing either way.
      if (run.indexMissing !== undefined) this.indexMissing.set({ rule }, run.indexMissing ? 1 : 0);
    });
  }

  matchOutcome(rule: string, outcome: MatchOutcome): void {
    this.guard(() => this.alerts.inc({ rule, outcome }));
  }

  deliveryAttempt(rule: string, alerter: string, status: 'sent' | 'retry' | 'failed'): void {
    this.guard(() => this.deliveries.inc({ rule, alerter, status }));
  }

  tickSkipped(rule: string): void {
    this.guard(() => this.ticksSkipped.inc({ rule }));
  }

  writebackChecked(problems: number): void {
    this.guard(() => this.writebackProblems.set(problems));
  }

  writebackRecreated(index: string): void {
    this.guard(() => this.writebackRecreatedTotal.inc({ index }));
  }

  rulesLoaded(loaded: number, invalid: number): void {
    this.guard(() => {
      this.rulesLoadedGauge.set(loaded);
      this.rulesInvalidGauge.set(invalid);
    });
  }

  /** The last run this process saw of a rule (the status page shows its lag, which the status index does not keep). */
  lastRun(rule: string): RuleRunEvent | undefined {
    return this.lastRuns.get(rule);
  }

  /**
   * Counts every failed Elasticsearch request of this client, by kind. The client's diagnostic
   * events see each request once, whoever made it (rule queries, writeback, the status page).
   * Returns a function that stops counting.
   */
  watchElasticsearch(es: EsHandle): () => void {
    const listener = (err: unknown): void => {
      if (err) this.guard(() => this.esErrors.inc({ kind: classifyEsError(err, 'request').kind }));
    };
    es.client.diagnostic.on('response', listener);
    return () => {
      es.client.diagnostic.off('response', listener);
    };
  }

  setPendingSource(source: PendingSource): void {
    this.pendingSource = source;
    this.pendingCache = undefined;
  }

  /** A cached count; one request at a time; undefined when never read successfully. */
  private async pendingDeliveries(): Promise<number | undefined> {
    const source = this.pendingSource;
    if (!source) return undefined;
    const now = this.opts.clock.now();
    if (this.pendingCache && now - this.pendingCache.atMs < this.opts.pendingCacheMs) return this.pendingCache.value;
    this.pendingInFlight ??= source()
      .then((value) => {
        this.pendingCache = { value, atMs: this.opts.clock.now() };
        return value;
      })
      // The failed request is counted by watchElasticsearch; the gauge keeps its last value.
      .catch(() => this.pendingCache?.value)
      .finally(() => {
        this.pendingInFlight = undefined;
      });
    let cancel = (): void => undefined;
    const timeout = new Promise<number | undefined>((resolve) => {
      cancel = this.opts.clock.setTimer(() => resolve(this.pendingCache?.value), this.opts.pendingWaitMs);
    });
    try {
      return await Promise.race([this.pendingInFlight, timeout]);
    } finally {
      cancel();
    }
  }

  /** Observer calls must never throw into the engine's hot path. */
  private guard(fn: () => void): void {
    try {
      fn();
    } catch {
      // A metric failing (a label mistake) must not fail a rule run; nothing useful to do here.
    }
  }
}
