import { esCall, type EsHandle } from '../es/client.ts';
import { bulkItemError, EsError } from '../es/errors.ts';
import { writebackIndexName } from '../writeback/mappings.ts';
import { RecentIds } from '../writeback/recent-ids.ts';
import type { AlertDoc } from '../writeback/store.ts';

export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface Delivery {
  id: string;
  alertId: string;
  ruleName: string;
  alerter: string;
  alerterIndex: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptMs: number;
  createdMs: number;
  lastError: string | undefined;
  /** Optimistic concurrency: a claim succeeds only if nobody changed the document since it was read. */
  seqNo: number;
  primaryTerm: number;
}

interface DeliveryDoc {
  alert_id: string; rule_name: string; alerter: string; alerter_index: number; status: DeliveryStatus; attempts: number;
  next_attempt: string; last_error?: string; retryable?: boolean; created: string; '@timestamp': string;
}

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * How long a claimed delivery is ours before another worker (or instance) may take it over: after
 * a crash, a delivery that was being sent is picked up again once this has passed.
 */
export const CLAIM_LEASE_MS = 60_000;

export function deliveryId(alertId: string, alerterIndex: number): string {
  return `${alertId}:${alerterIndex}`;
}

/**
 * The outbox: one document per (alert × alerter) in `<wb>_delivery`. A delivery is claimed
 * (its next attempt pushed a lease ahead, with optimistic concurrency) before it is sent, so two
 * workers never send it at the same time, and a crashed sender's claim simply expires.
 */
export class Outbox {
  readonly es: EsHandle;
  readonly index: string;
  /** Shared with the store: alerts recorded by this process, refused again even if their record was deleted. */
  readonly recorded: RecentIds;

  constructor(es: EsHandle, writebackBase: string, recorded: RecentIds = new RecentIds()) {
    this.recorded = recorded;
    this.es = es;
    this.index = writebackIndexName(writebackBase, 'delivery');
  }

  /**
   * Records a new alert and its deliveries (one per alerter, already claimed by the caller, who
   * sends them right away) in ONE bulk request: Elasticsearch applies all of it or, if we die
   * before sending it, none, and the rule's window is then re-run. Returns undefined when the
   * alert was recorded before (a re-run window): its deliveries belong to the worker then.
   */
  async recordAlert(alertIndex: string, alert: { id: string; ruleName: string; document: AlertDoc }, alerters: readonly string[], nowMs: number): Promise<Delivery[] | undefined> {
    if (this.recorded.has(alert.id)) return undefined;
    const docs: DeliveryDoc[] = alerters.map((alerter, i) => ({
      alert_id: alert.id, rule_name: alert.ruleName, alerter, alerter_index: i, status: 'pending', attempts: 0,
      next_attempt: iso(nowMs + CLAIM_LEASE_MS), created: iso(nowMs), '@timestamp': iso(nowMs),
    }));
    const operations = [
      { create: { _index: alertIndex, _id: alert.id } }, alert.document,
      ...docs.flatMap((doc, i) => [{ create: { _index: this.index, _id: deliveryId(alert.id, i) } }, doc]),
    ];
    const res = await esCall(this.es, `recording an alert of rule "${alert.ruleName}"`, (c) => c.bulk({ operations }));
    const [first, ...rest] = res.items;
    const alertResult = first?.create;
    if (alertResult?.status === 409) return undefined;
    if (alertResult?.error) throw bulkItemError(`recording an alert of rule "${alert.ruleName}"`, alertResult, this.es.secrets);
    this.recorded.add(alert.id);
    return docs.map((doc, i) => {
      const item = rest[i]?.create;
      if (item?.error) throw bulkItemError(`recording delivery ${deliveryId(alert.id, i)}`, item, this.es.secrets);
      return fromDoc(deliveryId(alert.id, i), doc, item?._seq_no ?? 0, item?._primary_term ?? 0);
    });
  }

  /** Takes a due delivery for this worker; false when someone else changed it first. */
  async claim(d: Delivery, nowMs: number): Promise<Delivery | undefined> {
    try {
      const res = await esCall(this.es, `claiming delivery ${d.id}`, (c) =>
        c.update({ index: this.index, id: d.id, if_seq_no: d.seqNo, if_primary_term: d.primaryTerm, doc: { next_attempt: iso(nowMs + CLAIM_LEASE_MS), '@timestamp': iso(nowMs) } }),
      );
      return { ...d, nextAttemptMs: nowMs + CLAIM_LEASE_MS, seqNo: res._seq_no ?? d.seqNo, primaryTerm: res._primary_term ?? d.primaryTerm };
    } catch (error) {
      if (error instanceof EsError && error.kind === 'conflict') return undefined;
      throw error;
    }
  }

  async complete(d: Delivery, outcome: { status: DeliveryStatus; nextAttemptMs?: number; error?: string; retryable?: boolean }, nowMs: number): Promise<void> {
    await esCall(this.es, `updating delivery ${d.id}`, (c) =>
      c.update({
        index: this.index,
        id: d.id,
        doc: {
          status: outcome.status,
          attempts: d.attempts + 1,
          next_attempt: iso(outcome.nextAttemptMs ?? nowMs),
          ...(outcome.error !== undefined ? { last_error: outcome.error, retryable: outcome.retryable ?? false } : {}),
          '@timestamp': iso(nowMs),
        },
      }),
    );
  }

  /** Pending deliveries whose next attempt is due, oldest first. */
  async due(nowMs: number, limit = 200): Promise<Delivery[]> {
    // Search sees only refreshed documents; a delivery recorded just before a crash must not hide.
    await esCall(this.es, 'refreshing deliveries', (c) => c.indices.refresh({ index: this.index }));
    const res = await esCall(this.es, 'reading due deliveries', (c) =>
      c.search<DeliveryDoc>({
        index: this.index,
        size: limit,
        seq_no_primary_term: true,
        sort: [{ next_attempt: 'asc' }],
        query: { bool: { filter: [{ term: { status: 'pending' } }, { range: { next_attempt: { lte: iso(nowMs) } } }] } },
      }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._id ?? '', h._source, h._seq_no ?? 0, h._primary_term ?? 0)] : []));
  }

  /** The deliveries of an alert with `count` alerters, read by id (real time: no refresh needed). */
  async byAlert(alertId: string, count: number): Promise<Delivery[]> {
    if (count === 0) return [];
    const ids = Array.from({ length: count }, (_, i) => deliveryId(alertId, i));
    const res = await esCall(this.es, `reading deliveries of alert ${alertId}`, (c) => c.mget<DeliveryDoc>({ index: this.index, ids }));
    return res.docs.flatMap((d) => ('found' in d && d.found && d._source ? [fromDoc(d._id, d._source, d._seq_no ?? 0, d._primary_term ?? 0)] : []));
  }

  async forAlert(alertId: string): Promise<Delivery[]> {
    await esCall(this.es, 'refreshing deliveries', (c) => c.indices.refresh({ index: this.index }));
    const res = await esCall(this.es, `reading deliveries of alert ${alertId}`, (c) =>
      c.search<DeliveryDoc>({ index: this.index, size: 100, seq_no_primary_term: true, query: { term: { alert_id: alertId } }, sort: [{ alerter_index: 'asc' }] }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [fromDoc(h._id ?? '', h._source, h._seq_no ?? 0, h._primary_term ?? 0)] : []));
  }

  /** Number of deliveries not yet sent or failed (a gauge for operators). */
  async pendingCount(): Promise<number> {
    const res = await esCall(this.es, 'counting pending deliveries', (c) => c.count({ index: this.index, query: { term: { status: 'pending' } } }));
    return res.count;
  }
}

function fromDoc(id: string, d: DeliveryDoc, seqNo: number, primaryTerm: number): Delivery {
  return {
    id, alertId: d.alert_id, ruleName: d.rule_name, alerter: d.alerter, alerterIndex: d.alerter_index, status: d.status, attempts: d.attempts,
    nextAttemptMs: Date.parse(d.next_attempt), createdMs: Date.parse(d.created), lastError: d.last_error, seqNo, primaryTerm,
  };
}
