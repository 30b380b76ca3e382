import type { AlertHeadline, AlertLog, AlertRecord } from '../alert-log.ts';
import type { Delivery } from '../outbox.ts';
import type { MemoryOutbox } from './outbox.ts';
import { copy } from './seq.ts';

/** The alert log in memory; an alert and its deliveries are written together, as in one bulk request. */
export class MemoryAlertLog implements AlertLog {
  readonly docs = new Map<string, AlertRecord>();
  private readonly outbox: MemoryOutbox;

  constructor(outbox: MemoryOutbox) {
    this.outbox = outbox;
  }

  record(a: AlertRecord, alerters: readonly string[], nowMs: number): Promise<Delivery[] | undefined> {
    if (this.docs.has(a.id)) return Promise.resolve(undefined);
    this.docs.set(a.id, copy(a));
    return Promise.resolve(this.outbox.create(a.id, a.ruleName, alerters, nowMs));
  }

  get(id: string): Promise<AlertRecord | undefined> {
    const a = this.docs.get(id);
    return Promise.resolve(a ? copy(a) : undefined);
  }

  ofRule(ruleName: string): Promise<AlertRecord[]> {
    return Promise.resolve(
      this.all()
        .filter((a) => a.ruleName === ruleName)
        .sort((a, b) => a.matchTimeMs - b.matchTimeMs),
    );
  }

  latest(ruleName: string, size: number): Promise<AlertHeadline[]> {
    const list = this.all()
      .filter((a) => a.ruleName === ruleName)
      .sort((a, b) => b.alertTimeMs - a.alertTimeMs)
      .slice(0, size);
    return Promise.resolve(list.map(({ matchBody: _b, alertInfo: _i, ...headline }) => headline));
  }

  settle(id: string, sent: boolean, exception: string | undefined, _nowMs?: number): Promise<void> {
    const a = this.docs.get(id);
    if (!a) return Promise.reject(new Error(`alert ${id} not found`));
    this.docs.set(id, { ...a, alertSent: sent, ...(exception ? { alertException: exception } : {}) });
    return Promise.resolve();
  }

  markSent(ids: readonly string[], _nowMs?: number): Promise<void> {
    for (const id of ids) {
      const a = this.docs.get(id);
      if (a) this.docs.set(id, { ...a, alertSent: true });
    }
    return Promise.resolve();
  }

  dueAggregateMembers(nowMs: number): Promise<Map<string, AlertRecord[]>> {
    const groups = new Map<string, AlertRecord[]>();
    for (const a of this.all().sort((x, y) => x.matchTimeMs - y.matchTimeMs)) {
      if (!a.aggregateId || a.alertSent || a.alertTimeMs > nowMs) continue;
      groups.set(a.aggregateId, [...(groups.get(a.aggregateId) ?? []), a]);
    }
    return Promise.resolve(groups);
  }

  unsettled(fromMs: number, toMs: number, limit: number): Promise<AlertRecord[]> {
    const list = this.all().filter(
      (a) => !a.alertSent && !a.alertException && !a.aggregateId && a.alertTimeMs >= fromMs && a.alertTimeMs <= toMs,
    );
    return Promise.resolve(list.sort((a, b) => a.alertTimeMs - b.alertTimeMs).slice(0, limit));
  }

  private all(): AlertRecord[] {
    return [...this.docs.values()].map(copy);
  }
}
