import { esCall, type EsHandle } from '../../es/client.ts';
import { EsError } from '../../es/errors.ts';
import { writebackIndexName } from '../../writeback/mappings.ts';
import { CLAIM_LEASE_MS, deliveryId, type Delivery, type DeliveryOutcome, type Outbox } from '../outbox.ts';
import { fromDeliveryDoc, iso, type DeliveryDoc } from './docs.ts';

/** `<wb>_delivery`: one document per (alert × alerter), written first by EsAlertLog.record. */
export class EsOutbox implements Outbox {
  private readonly es: EsHandle;
  readonly index: string;

  constructor(es: EsHandle, base: string) {
    this.es = es;
    this.index = writebackIndexName(base, 'delivery');
  }

  async claim(d: Delivery, nowMs: number): Promise<Delivery | undefined> {
    try {
      const res = await esCall(this.es, `claiming delivery ${d.id}`, (c) =>
        c.update({
          index: this.index,
          id: d.id,
          if_seq_no: d.seqNo,
          if_primary_term: d.primaryTerm,
          doc: { next_attempt: iso(nowMs + CLAIM_LEASE_MS), '@timestamp': iso(nowMs) },
        }),
      );
      return {
        ...d,
        nextAttemptMs: nowMs + CLAIM_LEASE_MS,
        seqNo: res._seq_no ?? d.seqNo,
        primaryTerm: res._primary_term ?? d.primaryTerm,
      };
    } catch (error) {
      if (error instanceof EsError && error.kind === 'conflict') return undefined;
      throw error;
    }
  }

  async complete(d: Delivery, outcome: DeliveryOutcome, nowMs: number): Promise<void> {
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
    return res.hits.hits.flatMap((h) => (h._source ? [fromDeliveryDoc(h._id ?? '', h._source, h._seq_no ?? 0, h._primary_term ?? 0)] : []));
  }

  async byAlert(alertId: string, count: number): Promise<Delivery[]> {
    if (count === 0) return [];
    const ids = Array.from({ length: count }, (_, i) => deliveryId(alertId, i));
    const res = await esCall(this.es, `reading deliveries of alert ${alertId}`, (c) => c.mget<DeliveryDoc>({ index: this.index, ids }));
    return res.docs.flatMap((d) =>
      'found' in d && d.found && d._source ? [fromDeliveryDoc(d._id, d._source, d._seq_no ?? 0, d._primary_term ?? 0)] : [],
    );
  }

  async forAlert(alertId: string): Promise<Delivery[]> {
    await esCall(this.es, 'refreshing deliveries', (c) => c.indices.refresh({ index: this.index }));
    const res = await esCall(this.es, `reading deliveries of alert ${alertId}`, (c) =>
      c.search<DeliveryDoc>({
        index: this.index,
        size: 100,
        seq_no_primary_term: true,
        query: { term: { alert_id: alertId } },
        sort: [{ alerter_index: 'asc' }],
      }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [fromDeliveryDoc(h._id ?? '', h._source, h._seq_no ?? 0, h._primary_term ?? 0)] : []));
  }

  async pendingOf(ruleName: string, size: number): Promise<Delivery[]> {
    const res = await esCall(this.es, `reading pending deliveries of rule "${ruleName}"`, (c) =>
      c.search<DeliveryDoc>({
        index: this.index,
        ignore_unavailable: true,
        size,
        sort: [{ next_attempt: { order: 'asc' } }],
        query: { bool: { filter: [{ term: { rule_name: ruleName } }, { term: { status: 'pending' } }] } },
      }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [fromDeliveryDoc(h._id ?? '', h._source, 0, 0)] : []));
  }

  async pendingCount(): Promise<number> {
    const res = await esCall(this.es, 'counting pending deliveries', (c) =>
      c.count({ index: this.index, query: { term: { status: 'pending' } } }),
    );
    return res.count;
  }
}
