import { createHash } from 'node:crypto';
import { esCall, type EsHandle } from '../es/client.ts';
import { EsError } from '../es/errors.ts';
import type { MatchOutcome } from '../observe.ts';
import { writebackIndexName, type WritebackKind } from './mappings.ts';
import { RecentIds } from './recent-ids.ts';

export interface PersistedRuleState {
  /** End of the last window the rule finished; the next run continues from here. */
  lastEndMs: number;
  ruleType: string;
  /** The rule type's own state (windows, seen ids): plain JSON. */
  typeState: unknown;
}

export interface StatusRecord {
  ruleName: string;
  runId: string;
  startMs: number;
  endMs: number;
  hits: number;
  matches: number;
  /** What became of the matches: ElastAlert2 has no such record; backtests and the status page read it. */
  outcomes?: Partial<Record<MatchOutcome, number>>;
  timeTakenMs: number;
  error?: string | undefined;
  /** A problem that did not fail the run (the rule's index matches nothing); not an ElastAlert2 field. */
  warning?: string | undefined;
  atMs: number;
}

export interface AlertRecord {
  id: string;
  ruleName: string;
  queryKey: string | undefined;
  matchBody: Record<string, unknown>;
  alertInfo: Record<string, unknown>;
  alertText: string;
  alertSubject: string;
  matchTimeMs: number;
  alertTimeMs: number;
  alertSent: boolean;
  alertException?: string | undefined;
  /** Set on a match held for an aggregation: the id of the alert that will carry it (ElastAlert2's aggregate_id). */
  aggregateId?: string | undefined;
}

export interface ControlDoc<T> {
  id: string;
  kind: string;
  ruleName: string;
  endMs: number;
  data: T;
  seqNo: number;
  primaryTerm: number;
}

export interface Silence {
  key: string;
  untilMs: number;
  exponent: number;
  reason?: string | undefined;
}

interface StateDoc { rule_name: string; rule_type: string; last_end: string; state: unknown; '@timestamp': string }
interface SilenceDoc { rule_name: string; until: string; exponent: number; reason?: string; '@timestamp': string }
export interface AlertDoc {
  rule_name: string; query_key?: string; match_body: Record<string, unknown>; alert_info: Record<string, unknown>;
  alert_text: string; alert_subject: string; match_time: string; alert_time: string; alert_sent: boolean; alert_exception?: string;
  aggregate_id?: string; '@timestamp': string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/** A stable id for a match, so that re-running a window after a crash finds the alert already recorded. */
export function alertId(ruleName: string, key: string | undefined, matchTimeMs: number, documentId: string | undefined): string {
  return createHash('sha256').update(JSON.stringify([ruleName, key ?? null, matchTimeMs, documentId ?? null])).digest('base64url').slice(0, 32);
}

/**
 * All reads and writes of the writeback indices. Single documents are addressed by id (rule name,
 * silence key, alert id) so reads are real-time gets and writes are idempotent.
 */
export class WritebackStore {
  readonly es: EsHandle;
  readonly base: string;
  /**
   * Each rule's last saved state, also kept in memory: when the state index was deleted while
   * running, the rule continues from here instead of starting afresh and re-reading (and
   * re-alerting on) its last buffer_time (issue #16). A stored document always wins.
   */
  private readonly remembered = new Map<string, PersistedRuleState>();
  /** Alerts recorded by this process (shared with the outbox): see RecentIds. */
  readonly recorded: RecentIds;

  constructor(es: EsHandle, base: string, recorded: RecentIds = new RecentIds()) {
    this.es = es;
    this.base = base;
    this.recorded = recorded;
  }

  index(kind: WritebackKind): string {
    return writebackIndexName(this.base, kind);
  }

  private async getDoc<T>(kind: WritebackKind, id: string): Promise<T | undefined> {
    const index = this.index(kind);
    const res = await esCall(this.es, `reading ${id} from ${index}`, (c) => c.get<T>({ index, id }, { ignore: [404] }));
    return res.found ? res._source : undefined;
  }

  async loadRuleState(ruleName: string): Promise<PersistedRuleState | undefined> {
    const doc = await this.getDoc<StateDoc>('state', ruleName);
    if (!doc) return this.remembered.get(ruleName);
    return { lastEndMs: Date.parse(doc.last_end), ruleType: doc.rule_type, typeState: doc.state };
  }

  async saveRuleState(ruleName: string, state: PersistedRuleState, nowMs: number): Promise<void> {
    const index = this.index('state');
    const document: StateDoc = { rule_name: ruleName, rule_type: state.ruleType, last_end: iso(state.lastEndMs), state: state.typeState, '@timestamp': iso(nowMs) };
    await esCall(this.es, `saving state of rule "${ruleName}"`, (c) => c.index({ index, id: ruleName, document }));
    this.remembered.set(ruleName, state);
  }

  async writeStatus(s: StatusRecord): Promise<void> {
    const index = this.index('status');
    await esCall(this.es, `writing run status of rule "${s.ruleName}"`, (c) =>
      c.index({
        index,
        document: {
          rule_name: s.ruleName, run_id: s.runId, starttime: iso(s.startMs), endtime: iso(s.endMs), hits: s.hits,
          matches: s.matches, ...outcomeFields(s.outcomes ?? {}), time_taken: s.timeTakenMs / 1000, ...(s.error ? { error: s.error } : {}), ...(s.warning ? { warning: s.warning } : {}), '@timestamp': iso(s.atMs),
        },
      }),
    );
  }

  async writeError(ruleName: string | undefined, error: EsError | Error, nowMs: number, data: Record<string, unknown> = {}): Promise<void> {
    const index = this.index('error');
    const kind = error instanceof EsError ? error.kind : 'internal';
    const retryable = error instanceof EsError ? error.retryable : false;
    await esCall(this.es, 'writing an error record', (c) =>
      c.index({ index, document: { ...(ruleName ? { rule_name: ruleName } : {}), message: error.message, kind, retryable, data, '@timestamp': iso(nowMs) } }),
    );
  }

  /** Records an alert before any alerter runs; false when this alert was already recorded (a re-run window). */
  async recordAlert(a: AlertRecord): Promise<boolean> {
    const index = this.index('alerts');
    if (this.recorded.has(a.id)) return false;
    try {
      await esCall(this.es, `recording an alert of rule "${a.ruleName}"`, (c) => c.create({ index, id: a.id, document: alertDocument(a) }));
      this.recorded.add(a.id);
      return true;
    } catch (error) {
      if (error instanceof EsError && error.kind === 'conflict') return false;
      throw error;
    }
  }

  async markAlert(id: string, sent: boolean, exception: string | undefined, nowMs: number): Promise<void> {
    const index = this.index('alerts');
    await esCall(this.es, `updating alert ${id}`, (c) =>
      c.update({ index, id, doc: { alert_sent: sent, ...(exception ? { alert_exception: exception } : {}), '@timestamp': iso(nowMs) } }),
    );
  }

  async getAlert(id: string): Promise<AlertRecord | undefined> {
    const doc = await this.getDoc<AlertDoc>('alerts', id);
    return doc ? fromAlertDoc(id, doc) : undefined;
  }

  async alertsOf(ruleName: string): Promise<AlertRecord[]> {
    const index = this.index('alerts');
    await esCall(this.es, 'refreshing alerts', (c) => c.indices.refresh({ index }));
    const res = await esCall(this.es, `reading alerts of rule "${ruleName}"`, (c) =>
      c.search<AlertDoc>({ index, size: 10_000, sort: [{ match_time: 'asc' }], query: { term: { rule_name: ruleName } } }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [fromAlertDoc(h._id ?? '', h._source)] : []));
  }

  /**
   * Small documents of the noise controls (open aggregation groups, flood-guard counters) in the
   * state index: `kind` and `endMs` are searchable, `data` is opaque JSON.
   */
  async getControl<T>(id: string): Promise<ControlDoc<T> | undefined> {
    const index = this.index('state');
    const res = await esCall(this.es, `reading ${id}`, (c) => c.get<StateDoc>({ index, id }, { ignore: [404] }));
    if (!res.found || !res._source) return undefined;
    return { id, kind: res._source.rule_type, ruleName: res._source.rule_name, endMs: Date.parse(res._source.last_end), data: res._source.state as T, seqNo: res._seq_no ?? 0, primaryTerm: res._primary_term ?? 0 };
  }

  /** Writes a control document; with `expected` only if nobody changed it since it was read (false otherwise). */
  async putControl<T>(doc: { id: string; kind: string; ruleName: string; endMs: number; data: T }, nowMs: number, expected?: { seqNo: number; primaryTerm: number } | 'absent'): Promise<boolean> {
    const index = this.index('state');
    const document: StateDoc = { rule_name: doc.ruleName, rule_type: doc.kind, last_end: iso(doc.endMs), state: doc.data, '@timestamp': iso(nowMs) };
    try {
      await esCall(this.es, `writing ${doc.id}`, (c) =>
        c.index({
          index, id: doc.id, document,
          ...(expected === 'absent' ? { op_type: 'create' as const } : expected ? { if_seq_no: expected.seqNo, if_primary_term: expected.primaryTerm } : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof EsError && error.kind === 'conflict') return false;
      throw error;
    }
  }

  async deleteControl(id: string): Promise<void> {
    const index = this.index('state');
    await esCall(this.es, `removing ${id}`, (c) => c.delete({ index, id, refresh: 'wait_for' }, { ignore: [404] }));
  }

  /** Control documents of a kind whose end has come. */
  async dueControls<T>(kind: string, nowMs: number): Promise<ControlDoc<T>[]> {
    const index = this.index('state');
    await esCall(this.es, 'refreshing state', (c) => c.indices.refresh({ index }));
    const res = await esCall(this.es, `reading due ${kind} documents`, (c) =>
      c.search<StateDoc>({ index, size: 1000, seq_no_primary_term: true, query: { bool: { filter: [{ term: { rule_type: kind } }, { range: { last_end: { lte: iso(nowMs) } } }] } } }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [{ id: h._id ?? '', kind, ruleName: h._source.rule_name, endMs: Date.parse(h._source.last_end), data: h._source.state as T, seqNo: h._seq_no ?? 0, primaryTerm: h._primary_term ?? 0 }] : []));
  }

  /** Matches held for aggregations that are due, grouped by aggregate id (oldest match first). */
  async dueAggregateMembers(nowMs: number): Promise<Map<string, AlertRecord[]>> {
    const index = this.index('alerts');
    await esCall(this.es, 'refreshing alerts', (c) => c.indices.refresh({ index }));
    const res = await esCall(this.es, 'reading due aggregations', (c) =>
      c.search<AlertDoc>({
        index, size: 10_000, sort: [{ match_time: 'asc' }],
        query: { bool: { filter: [{ exists: { field: 'aggregate_id' } }, { term: { alert_sent: false } }, { range: { alert_time: { lte: iso(nowMs) } } }] } },
      }),
    );
    const groups = new Map<string, AlertRecord[]>();
    for (const h of res.hits.hits) {
      if (!h._source?.aggregate_id) continue;
      const list = groups.get(h._source.aggregate_id) ?? [];
      list.push(fromAlertDoc(h._id ?? '', h._source));
      groups.set(h._source.aggregate_id, list);
    }
    return groups;
  }

  /** Marks matches as handled (sent within an aggregation, or accounted for by a digest). */
  async markAlertsSent(ids: readonly string[], nowMs: number): Promise<void> {
    if (ids.length === 0) return;
    const index = this.index('alerts');
    await esCall(this.es, 'marking aggregated matches', (c) =>
      c.bulk({ refresh: 'wait_for', operations: ids.flatMap((id) => [{ update: { _index: index, _id: id } }, { doc: { alert_sent: true, '@timestamp': iso(nowMs) } }]) }),
    );
  }

  async getSilence(key: string): Promise<Silence | undefined> {
    const doc = await this.getDoc<SilenceDoc>('silence', key);
    return doc ? { key, untilMs: Date.parse(doc.until), exponent: doc.exponent, reason: doc.reason } : undefined;
  }

  /** `visibleNow` makes the silence appear in listings at once (manual silences); lookups by key never lag. */
  async setSilence(s: Silence, nowMs: number, visibleNow = false): Promise<void> {
    const index = this.index('silence');
    const document: SilenceDoc = { rule_name: s.key, until: iso(s.untilMs), exponent: s.exponent, ...(s.reason ? { reason: s.reason } : {}), '@timestamp': iso(nowMs) };
    await esCall(this.es, `writing silence "${s.key}"`, (c) => c.index({ index, id: s.key, document, ...(visibleNow ? { refresh: 'wait_for' as const } : {}) }));
  }

  async deleteSilence(key: string): Promise<boolean> {
    const index = this.index('silence');
    const res = await esCall(this.es, `removing silence "${key}"`, (c) => c.delete({ index, id: key, refresh: 'wait_for' }, { ignore: [404] }));
    return res.result === 'deleted';
  }

  /** Silences still in force at `nowMs`. */
  async activeSilences(nowMs: number): Promise<Silence[]> {
    const index = this.index('silence');
    const res = await esCall(this.es, 'listing silences', (c) =>
      c.search<SilenceDoc>({ index, size: 1000, sort: [{ until: 'asc' }], query: { range: { until: { gt: iso(nowMs) } } } }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [{ key: h._id ?? '', untilMs: Date.parse(h._source.until), exponent: h._source.exponent, reason: h._source.reason }] : []));
  }
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

/** The stored form of an alert record (ElastAlert2's field names). */
export function alertDocument(a: AlertRecord): AlertDoc {
  return {
    rule_name: a.ruleName, ...(a.queryKey !== undefined ? { query_key: a.queryKey } : {}), match_body: a.matchBody, alert_info: a.alertInfo,
    alert_text: a.alertText, alert_subject: a.alertSubject, match_time: iso(a.matchTimeMs), alert_time: iso(a.alertTimeMs),
    alert_sent: a.alertSent, ...(a.alertException ? { alert_exception: a.alertException } : {}),
    ...(a.aggregateId ? { aggregate_id: a.aggregateId } : {}), '@timestamp': iso(a.alertTimeMs),
  };
}

function fromAlertDoc(id: string, d: AlertDoc): AlertRecord {
  return {
    id, ruleName: d.rule_name, queryKey: d.query_key, matchBody: d.match_body, alertInfo: d.alert_info, alertText: d.alert_text,
    alertSubject: d.alert_subject, matchTimeMs: Date.parse(d.match_time), alertTimeMs: Date.parse(d.alert_time), alertSent: d.alert_sent, alertException: d.alert_exception,
    aggregateId: d.aggregate_id,
  };
}
