import type { estypes } from '@elastic/elasticsearch';
import { esCall } from '../es/client.ts';
import type { Engine } from '../engine.ts';
import { EsError } from '../es/errors.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { realertKey, ruleSilenceKey } from '../suppress/realert.ts';
import type { Silence } from '../writeback/store.ts';
import type { Metrics } from './metrics.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far back the overview looks for a rule's last run; older runs show as "none in 7 days". */
const LAST_RUN_LOOKBACK_MS = 7 * DAY;
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
  lastRun: { at: string; timeTakenSeconds: number; hits: number; matches: number; error: string | undefined } | undefined;
  /** Lag of the last scheduled run this process made (the status index does not keep it). */
  lagSeconds: number | undefined;
  lastError: { at: string; message: string } | undefined;
  day: { runs: number; hits: number; matches: number; alertsSent: number; alertsFailed: number; errors: number };
  /** Matches per hour, oldest first, 24 values; the last one ends now. */
  matchesPerHour: number[];
}

export interface RunRow {
  at: string;
  runId: string;
  start: string | undefined;
  end: string | undefined;
  hits: number;
  matches: number;
  alertsSent: number;
  suppressed: number;
  timeTakenSeconds: number;
  error: string | undefined;
}

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

interface StatusSource {
  '@timestamp'?: string; run_id?: string; starttime?: string; endtime?: string; hits?: number; matches?: number; alerts_sent?: number;
  suppressed_realert?: number; suppressed_silence?: number; suppressed_flood?: number; time_taken?: number; error?: string;
}
interface AlertSource { alert_time?: string; match_time?: string; query_key?: string; alert_subject?: string; alert_text?: string; alert_sent?: boolean; alert_exception?: string }
interface DeliverySource { alerter?: string; attempts?: number; next_attempt?: string; last_error?: string }

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

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

  private get es() {
    return this.engine.store.es;
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

  /** One aggregation request for all rules: last run, last error, 24 h sums and matches per hour. */
  private async readSummaries(nowMs: number): Promise<RuleSummary[]> {
    const definitions = this.engine.ruleNames().flatMap((n) => {
      const d = this.engine.ruleDefinition(n);
      return d ? [d] : [];
    });
    if (definitions.length === 0) return [];
    const dayStart = nowMs - DAY;
    const hours = Array.from({ length: 24 }, (_, i) => ({ key: String(i), from: iso(dayStart + i * HOUR), to: iso(dayStart + (i + 1) * HOUR) }));
    const index = this.engine.store.index('status');
    const res = await esCall(this.es, 'reading run statistics', (c) =>
      c.search({
        index,
        ignore_unavailable: true,
        size: 0,
        query: { bool: { filter: [{ terms: { rule_name: definitions.map((d) => d.name) } }, { range: { '@timestamp': { gte: iso(nowMs - LAST_RUN_LOOKBACK_MS) } } }] } },
        aggs: {
          rules: {
            terms: { field: 'rule_name', size: definitions.length },
            aggs: {
              last: { top_hits: { size: 1, sort: [{ '@timestamp': { order: 'desc' } }], _source: ['@timestamp', 'time_taken', 'hits', 'matches', 'error'] } },
              last_error: { filter: { exists: { field: 'error' } }, aggs: { doc: { top_hits: { size: 1, sort: [{ '@timestamp': { order: 'desc' } }], _source: ['@timestamp', 'error'] } } } },
              day: {
                filter: { range: { '@timestamp': { gte: iso(dayStart) } } },
                aggs: {
                  hits: { sum: { field: 'hits' } },
                  matches: { sum: { field: 'matches' } },
                  alerts_sent: { sum: { field: 'alerts_sent' } },
                  alerts_failed: { sum: { field: 'alerts_failed' } },
                  errors: { filter: { exists: { field: 'error' } } },
                  hourly: { date_range: { field: '@timestamp', ranges: hours }, aggs: { matches: { sum: { field: 'matches' } } } },
                },
              },
            },
          },
        },
      }),
    );
    const buckets = bucketsOf(res.aggregations?.['rules']);
    return definitions.map((d) => this.summary(d, buckets.get(d.name)));
  }

  private summary(d: RuleDefinition, bucket: Record<string, unknown> | undefined): RuleSummary {
    const last = firstHit<StatusSource>(bucket?.['last']);
    const lastErr = firstHit<StatusSource>((bucket?.['last_error'] as Record<string, unknown> | undefined)?.['doc']);
    const day = (bucket?.['day'] ?? {}) as Record<string, { value?: number; doc_count?: number; buckets?: { key: string; matches?: { value?: number } }[] }>;
    const perHour = new Array<number>(24).fill(0);
    for (const b of day['hourly']?.buckets ?? []) {
      const i = Number(b.key);
      if (Number.isInteger(i) && i >= 0 && i < 24) perHour[i] = num(b.matches?.value);
    }
    return {
      name: d.name,
      type: d.type,
      file: d.file,
      index: d.index,
      runEveryMs: d.runEveryMs,
      lastRun: last
        ? { at: last['@timestamp'] ?? '', timeTakenSeconds: num(last.time_taken), hits: num(last.hits), matches: num(last.matches), error: text(last.error) }
        : undefined,
      lagSeconds: this.lagOf(d.name),
      lastError: lastErr?.error !== undefined ? { at: lastErr['@timestamp'] ?? '', message: lastErr.error } : undefined,
      day: {
        runs: num((day as Record<string, unknown>)['doc_count']),
        hits: num(day['hits']?.value),
        matches: num(day['matches']?.value),
        alertsSent: num(day['alerts_sent']?.value),
        alertsFailed: num(day['alerts_failed']?.value),
        errors: num(day['errors']?.doc_count),
      },
      matchesPerHour: perHour,
    };
  }

  async rule(name: string, nowMs: number): Promise<RuleDetail | undefined> {
    const d = this.engine.ruleDefinition(name);
    if (!d) return undefined;
    const store = this.engine.store;
    const term = { term: { rule_name: name } };
    const [summaries, runs, alerts, silences, deliveries] = await Promise.all([
      this.rules(nowMs),
      esCall(this.es, `reading runs of rule "${name}"`, (c) =>
        c.search<StatusSource>({ index: store.index('status'), ignore_unavailable: true, size: 20, sort: [{ '@timestamp': { order: 'desc' } }], query: term }),
      ),
      esCall(this.es, `reading alerts of rule "${name}"`, (c) =>
        c.search<AlertSource>({
          index: store.index('alerts'), ignore_unavailable: true, size: 20, sort: [{ alert_time: { order: 'desc' } }], query: term,
          _source: ['alert_time', 'match_time', 'query_key', 'alert_subject', 'alert_text', 'alert_sent', 'alert_exception'],
        }),
      ),
      this.silences(nowMs),
      esCall(this.es, `reading pending deliveries of rule "${name}"`, (c) =>
        c.search<DeliverySource>({
          index: this.engine.outbox.index, ignore_unavailable: true, size: 50, sort: [{ next_attempt: { order: 'asc' } }],
          query: { bool: { filter: [term, { term: { status: 'pending' } }] } },
        }),
      ),
    ]);
    const summary = summaries.find((s) => s.name === name) ?? this.summary(d, undefined);
    const rk = realertKey(d.name, d.options);
    return {
      summary,
      definition: { queryKey: d.queryKey, realertMs: d.realertMs, alerters: d.alert.map((a) => a.type), realertKey: rk, wholeRuleSilenceKey: ruleSilenceKey(d.name) },
      runs: runs.hits.hits.flatMap((h) => {
        const s = h._source;
        if (!s) return [];
        return [{
          at: s['@timestamp'] ?? '', runId: s.run_id ?? '', start: s.starttime, end: s.endtime, hits: num(s.hits), matches: num(s.matches), alertsSent: num(s.alerts_sent),
          suppressed: num(s.suppressed_realert) + num(s.suppressed_silence) + num(s.suppressed_flood), timeTakenSeconds: num(s.time_taken), error: text(s.error),
        }];
      }),
      alerts: alerts.hits.hits.flatMap((h) => {
        const s = h._source;
        if (!s) return [];
        return [{
          id: h._id ?? '', alertTime: s.alert_time ?? '', matchTime: s.match_time ?? '', queryKey: text(s.query_key), subject: s.alert_subject ?? '', text: s.alert_text ?? '',
          sent: s.alert_sent === true, exception: text(s.alert_exception),
        }];
      }),
      // Keys under the realert key (what the engine checks) or the rule's name (what `logwarden silence --key` writes).
      silences: silences.filter((s) => [rk, d.name].some((prefix) => s.key === prefix || s.key.startsWith(`${prefix}.`))),
      pendingDeliveries: deliveries.hits.hits.flatMap((h) => {
        const s = h._source;
        if (!s) return [];
        return [{ id: h._id ?? '', alerter: s.alerter ?? '', attempts: num(s.attempts), nextAttempt: s.next_attempt ?? '', lastError: text(s.last_error) }];
      }),
    };
  }

  async silences(nowMs: number): Promise<SilenceRow[]> {
    let active: Silence[];
    try {
      active = await this.engine.store.activeSilences(nowMs);
    } catch (error) {
      // No silence index yet (writeback not initialised): nothing is silenced.
      if (error instanceof EsError && error.kind === 'not_found') return [];
      throw error;
    }
    return active.map((s) => ({ key: s.key, until: iso(s.untilMs), reason: s.reason, manual: s.reason !== undefined }));
  }
}

function bucketsOf(agg: unknown): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  const list = (agg as estypes.AggregationsStringTermsAggregate | undefined)?.buckets;
  if (Array.isArray(list)) for (const b of list) out.set(String(b.key), b as unknown as Record<string, unknown>);
  return out;
}

function firstHit<T>(agg: unknown): T | undefined {
  const hits = (agg as { hits?: { hits?: { _source?: T }[] } } | undefined)?.hits?.hits;
  return hits?.[0]?._source;
}
