import { CLAIM_LEASE_MS, deliveryId, type Delivery, type DeliveryOutcome, type Outbox } from '../outbox.ts';
import { copy, SeqNos } from './seq.ts';

/** The outbox in memory, with the same claim semantics: a claim of a changed delivery fails. */
export class MemoryOutbox implements Outbox {
  readonly docs = new Map<string, Delivery>();
  private readonly seq = new SeqNos();

  /** Used by MemoryAlertLog.record, which writes an alert's deliveries with it. */
  create(alertId: string, ruleName: string, alerters: readonly string[], nowMs: number): Delivery[] {
    return alerters.map((alerter, i) => {
      const d: Delivery = {
        id: deliveryId(alertId, i),
        alertId,
        ruleName,
        alerter,
        alerterIndex: i,
        status: 'pending',
        attempts: 0,
        nextAttemptMs: nowMs + CLAIM_LEASE_MS,
        createdMs: nowMs,
        lastError: undefined,
        seqNo: this.seq.take(),
        primaryTerm: this.seq.primaryTerm,
      };
      this.docs.set(d.id, d);
      return copy(d);
    });
  }

  claim(d: Delivery, nowMs: number): Promise<Delivery | undefined> {
    const current = this.docs.get(d.id);
    if (!current || current.seqNo !== d.seqNo || current.primaryTerm !== d.primaryTerm) return Promise.resolve(undefined);
    const claimed: Delivery = { ...current, nextAttemptMs: nowMs + CLAIM_LEASE_MS, seqNo: this.seq.take() };
    this.docs.set(d.id, claimed);
    return Promise.resolve({ ...d, nextAttemptMs: claimed.nextAttemptMs, seqNo: claimed.seqNo });
  }

  complete(d: Delivery, outcome: DeliveryOutcome, nowMs: number): Promise<void> {
    const current = this.docs.get(d.id);
    // An update of a missing document fails in Elasticsearch too.
    if (!current) return Promise.reject(new Error(`delivery ${d.id} not found`));
    this.docs.set(d.id, {
      ...current,
      status: outcome.status,
      attempts: d.attempts + 1,
      nextAttemptMs: outcome.nextAttemptMs ?? nowMs,
      ...(outcome.error !== undefined ? { lastError: outcome.error } : {}),
      seqNo: this.seq.take(),
    });
    return Promise.resolve();
  }

  due(nowMs: number, limit = 200): Promise<Delivery[]> {
    const due = [...this.docs.values()].filter((d) => d.status === 'pending' && d.nextAttemptMs <= nowMs);
    return Promise.resolve(
      due
        .sort((a, b) => a.nextAttemptMs - b.nextAttemptMs)
        .slice(0, limit)
        .map(copy),
    );
  }

  byAlert(alertId: string, count: number): Promise<Delivery[]> {
    return Promise.resolve(
      Array.from({ length: count }, (_, i) => this.docs.get(deliveryId(alertId, i))).flatMap((d) => (d ? [copy(d)] : [])),
    );
  }

  forAlert(alertId: string): Promise<Delivery[]> {
    return Promise.resolve(
      [...this.docs.values()]
        .filter((d) => d.alertId === alertId)
        .sort((a, b) => a.alerterIndex - b.alerterIndex)
        .map(copy),
    );
  }

  pendingOf(ruleName: string, size: number): Promise<Delivery[]> {
    const list = [...this.docs.values()].filter((d) => d.ruleName === ruleName && d.status === 'pending');
    return Promise.resolve(
      list
        .sort((a, b) => a.nextAttemptMs - b.nextAttemptMs)
        .slice(0, size)
        .map(copy),
    );
  }

  pendingCount(): Promise<number> {
    return Promise.resolve([...this.docs.values()].filter((d) => d.status === 'pending').length);
  }
}
