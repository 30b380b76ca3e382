import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../../es/client.ts';
import { EsError } from '../../es/errors.ts';
import type { MatchOutcome } from '../../observe.ts';
import { checkWriteback, type WritebackHealth } from '../../writeback/health.ts';
import { writebackIndexName } from '../../writeback/mappings.ts';
import type { RunRecord, RunStats, StatusRecord, StatusStore } from '../status.ts';
import { iso } from './docs.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
/** How far back the statistics look for a rule's last run; older runs show as none. */
const LAST_RUN_LOOKBACK_MS = 7 * DAY;

interface StatusSource {
  '@timestamp'?: string;
  run_id?: string;
  starttime?: string;
  endtime?: string;
  hits?: number;
  matches?: number;
  alerts_sent?: number;
  suppressed_realert?: number;
  suppressed_silence?: number;
  suppressed_flood?: number;
  time_taken?: number;
  error?: string;
}

const num = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** `<wb>_status` and `<wb>_error` (ElastAlert2's), and the health of all writeback indices. */
export class EsStatusStore implements StatusStore {
  private readonly es: EsHandle;
  private readonly base: string;

  constructor(es: EsHandle, base: string) {
    this.es = es;
    this.base = base;
  }

  async writeStatus(s: StatusRecord): Promise<void> {
    const index = writebackIndexName(this.base, 'status');
    await esCall(this.es, `writing run status of rule "${s.ruleName}"`, (c) =>
      c.index({
        index,
        document: {
          rule_name: s.ruleName,
          run_id: s.runId,
          starttime: iso(s.startMs),
          endtime: iso(s.endMs),
          hits: s.hits,
          matches: s.matches,
          ...outcomeFields(s.outcomes ?? {}),
          time_taken: s.timeTakenMs / 1000,
          ...(s.error ? { error: s.error } : {}),
          ...(s.warning ? { warning: s.warning } : {}),
          '@timestamp': iso(s.atMs),
        },
      }),
    );
  }

  async writeError(ruleName: string | undefined, error: EsError | Error, nowMs: number, data: Record<string, unknown> = {}): Promise<void> {
    const index = writebackIndexName(this.base, 'error');
    const kind = error instanceof EsError ? error.kind : 'internal';
    const retryable = error instanceof EsError ? error.retryable : false;
    await esCall(this.es, 'writing an error record', (c) =>
      c.index({
        index,
        document: { ...(ruleName ? { rule_name: ruleName } : {}), message: error.message, kind, retryable, data, '@timestamp': iso(nowMs) },
      }),
    );
  }

  /** One aggregation request for all rules: last run, last error, 24 h sums and matches per hour. */
  async stats(ruleNames: readonly string[], nowMs: number): Promise<Map<string, RunStats>> {
    const out = new Map<string, RunStats>();
    if (ruleNames.length === 0) return out;
    const dayStart = nowMs - DAY;
    const hours = Array.from({ length: 24 }, (_, i) => ({
      key: String(i),
      from: iso(dayStart + i * HOUR),
      to: iso(dayStart + (i + 1) * HOUR),
    }));
    const res = await esCall(this.es, 'reading run statistics', (c) =>
      c.search({
        index: writebackIndexName(this.base, 'status'),
        ignore_unavailable: true,
        size: 0,
        query: {
          bool: {
            filter: [{ terms: { rule_name: [...ruleNames] } }, { range: { '@timestamp': { gte: iso(nowMs - LAST_RUN_LOOKBACK_MS) } } }],
          },
        },
        aggs: {
          rules: {
            terms: { field: 'rule_name', size: ruleNames.length },
            aggs: {
              last: {
                top_hits: {
                  size: 1,
                  sort: [{ '@timestamp': { order: 'desc' } }],
                  _source: ['@timestamp', 'time_taken', 'hits', 'matches', 'error'],
                },
              },
              last_error: {
                filter: { exists: { field: 'error' } },
                aggs: { doc: { top_hits: { size: 1, sort: [{ '@timestamp': { order: 'desc' } }], _source: ['@timestamp', 'error'] } } },
              },
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
    const list = (res.aggregations?.['rules'] as estypes.AggregationsStringTermsAggregate | undefined)?.buckets;
    if (Array.isArray(list)) for (const b of list) out.set(String(b.key), statsOf(b as unknown as Record<string, unknown>));
    return out;
  }

  async runs(ruleName: string, size: number): Promise<RunRecord[]> {
    const res = await esCall(this.es, `reading runs of rule "${ruleName}"`, (c) =>
      c.search<StatusSource>({
        index: writebackIndexName(this.base, 'status'),
        ignore_unavailable: true,
        size,
        sort: [{ '@timestamp': { order: 'desc' } }],
        query: { term: { rule_name: ruleName } },
      }),
    );
    return res.hits.hits.flatMap((h) => {
      const s = h._source;
      if (!s) return [];
      return [
        {
          at: s['@timestamp'] ?? '',
          runId: s.run_id ?? '',
          start: s.starttime,
          end: s.endtime,
          hits: num(s.hits),
          matches: num(s.matches),
          alertsSent: num(s.alerts_sent),
          suppressed: num(s.suppressed_realert) + num(s.suppressed_silence) + num(s.suppressed_flood),
          timeTakenSeconds: num(s.time_taken),
          error: text(s.error),
        },
      ];
    });
  }

  health(transport: { requestTimeout?: number; maxRetries?: number } = {}): Promise<WritebackHealth> {
    return checkWriteback(this.es, this.base, transport);
  }
}

function statsOf(bucket: Record<string, unknown>): RunStats {
  const last = firstHit<StatusSource>(bucket['last']);
  const lastErr = firstHit<StatusSource>((bucket['last_error'] as Record<string, unknown> | undefined)?.['doc']);
  const day = (bucket['day'] ?? {}) as Record<
    string,
    { value?: number; doc_count?: number; buckets?: { key: string; matches?: { value?: number } }[] }
  >;
  const perHour = new Array<number>(24).fill(0);
  for (const b of day['hourly']?.buckets ?? []) {
    const i = Number(b.key);
    if (Number.isInteger(i) && i >= 0 && i < 24) perHour[i] = num(b.matches?.value);
  }
  return {
    lastRun: last
      ? {
          at: last['@timestamp'] ?? '',
          timeTakenSeconds: num(last.time_taken),
          hits: num(last.hits),
          matches: num(last.matches),
          error: text(last.error),
        }
      : undefined,
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

function firstHit<T>(agg: unknown): T | undefined {
  const hits = (agg as { hits?: { hits?: { _source?: T }[] } } | undefined)?.hits?.hits;
  return hits?.[0]?._source;
}

/** Per-outcome counters of a run as status fields (alerts_sent, suppressed_realert, ...). */
function outcomeFields(o: Partial<Record<MatchOutcome, number>>): Record<string, number> {
  return {
    alerts_sent: o.sent ?? 0,
    alerts_failed: o.failed ?? 0,
    suppressed_realert: o.suppressed_realert ?? 0,
    suppressed_silence: o.suppressed_silence ?? 0,
    aggregated: o.aggregated ?? 0,
    suppressed_flood: o.suppressed_flood ?? 0,
  };
}
