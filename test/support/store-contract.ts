import { expect, it } from '@jest/globals';
import type { AlertRecord } from '../../src/store/alert-log.ts';
import { CLAIM_LEASE_MS } from '../../src/store/outbox.ts';
import type { Stores } from '../../src/store/stores.ts';

const T = Date.parse('2026-03-02T10:00:00Z');

export interface ContractTarget {
  /** Stores (possibly shared between the cases: each case uses its own rule names and ids). */
  make: () => Promise<Stores>;
  /** Makes writes visible to searches (Elasticsearch refresh); nothing for the fakes. */
  refresh: (stores: Stores) => Promise<void>;
}

const alert = (id: string, over: Partial<AlertRecord> = {}): AlertRecord => ({
  id,
  ruleName: 'R',
  queryKey: 'k',
  matchBody: { user: 'alice' },
  alertInfo: { alerters: ['a', 'b'] },
  alertText: 'text',
  alertSubject: 'subject',
  matchTimeMs: T - 1000,
  alertTimeMs: T,
  alertSent: false,
  ...over,
});

/**
 * What every implementation of the stores must do alike: run on the in-memory fakes by the unit
 * tests and on Elasticsearch by the integration tests, so the fakes cannot drift from the real thing.
 */
export function storeContract(target: ContractTarget): void {
  it('records an alert once, with one claimed delivery per alerter', async () => {
    const s = await target.make();
    const deliveries = await s.alerts.record(alert('a1'), ['a', 'b'], T);
    expect(deliveries?.map((d) => [d.id, d.alerter, d.alerterIndex, d.status, d.attempts, d.nextAttemptMs])).toEqual([
      ['a1:0', 'a', 0, 'pending', 0, T + CLAIM_LEASE_MS],
      ['a1:1', 'b', 1, 'pending', 0, T + CLAIM_LEASE_MS],
    ]);
    expect(await s.alerts.record(alert('a1'), ['a', 'b'], T + 1)).toBeUndefined();
    expect(await s.alerts.record(alert('held'), [], T)).toEqual([]);
    expect(await s.alerts.record(alert('held'), [], T)).toBeUndefined();
    expect(await s.alerts.get('a1')).toEqual({ ...alert('a1'), alertException: undefined, aggregateId: undefined });
    expect(await s.alerts.get('nope')).toBeUndefined();
  });

  it('claims a delivery only if nobody changed it, hides it for the lease, and completes it', async () => {
    const s = await target.make();
    const mine = async (at: number) => (await s.outbox.due(at)).filter((x) => x.alertId === 'a2');
    await target.refresh(s);
    const pendingBefore = await s.outbox.pendingCount();
    const [d] = (await s.alerts.record(alert('a2', { ruleName: 'R2' }), ['a'], T)) ?? [];
    if (!d) throw new Error('no delivery');
    await target.refresh(s);
    expect(await mine(T + CLAIM_LEASE_MS - 1)).toEqual([]);
    const [due] = await mine(T + CLAIM_LEASE_MS);
    if (!due) throw new Error('not due');
    const claimed = await s.outbox.claim(due, T + CLAIM_LEASE_MS);
    expect(claimed?.nextAttemptMs).toBe(T + 2 * CLAIM_LEASE_MS);
    expect(await s.outbox.claim(due, T + CLAIM_LEASE_MS)).toBeUndefined();
    await target.refresh(s);
    expect(await mine(T + 2 * CLAIM_LEASE_MS - 1)).toEqual([]);
    expect(await s.outbox.pendingCount()).toBe(pendingBefore + 1);
    expect((await s.outbox.pendingOf('R2', 10)).map((x) => x.id)).toEqual(['a2:0']);
    if (!claimed) throw new Error('not claimed');
    await s.outbox.complete(claimed, { status: 'failed', error: 'refused', retryable: false }, T + CLAIM_LEASE_MS);
    expect((await s.outbox.byAlert('a2', 1)).map((x) => [x.status, x.attempts, x.lastError])).toEqual([['failed', 1, 'refused']]);
    await target.refresh(s);
    expect(await s.outbox.pendingCount()).toBe(pendingBefore);
    expect(await s.outbox.pendingOf('R2', 10)).toEqual([]);
  });

  it('settles alerts, lists the unsettled ones and groups due aggregation members', async () => {
    const s = await target.make();
    const r3 = (id: string, over: Partial<AlertRecord> = {}): AlertRecord => alert(id, { ruleName: 'R3', ...over });
    await s.alerts.record(r3('open'), ['a'], T);
    await s.alerts.record(r3('done'), ['a'], T);
    await s.alerts.record(r3('flood', { alertException: 'held back' }), [], T);
    await s.alerts.record(r3('m1', { aggregateId: 'g', matchTimeMs: T - 5000 }), [], T);
    await s.alerts.record(r3('m2', { aggregateId: 'g', matchTimeMs: T - 4000 }), [], T);
    await s.alerts.settle('done', true, undefined, T);
    await target.refresh(s);
    const unsettled = async (to: number) => (await s.alerts.unsettled(0, to, 100)).filter((a) => a.ruleName === 'R3').map((a) => a.id);
    expect(await unsettled(T)).toEqual(['open']);
    expect(await unsettled(T - 1)).toEqual([]);
    const group = async () => (await s.alerts.dueAggregateMembers(T)).get('g')?.map((m) => m.id);
    expect(await group()).toEqual(['m1', 'm2']);
    await s.alerts.markSent(['m1', 'm2'], T);
    expect(await group()).toBeUndefined();
    expect((await s.alerts.latest('R3', 2)).map((a) => Object.keys(a).includes('matchBody'))).toEqual([false, false]);
  });

  it('writes control documents with if_seq_no and create-only conflicts', async () => {
    const s = await target.make();
    const doc = { id: 'flood:R:1', kind: 'flood_guard', ruleName: 'R', endMs: T, data: { sent: 1 } };
    expect(await s.control.put(doc, T, 'absent')).toBe(true);
    expect(await s.control.put(doc, T, 'absent')).toBe(false);
    const read = await s.control.get<{ sent: number }>('flood:R:1');
    expect(read).toMatchObject({ kind: 'flood_guard', ruleName: 'R', endMs: T, data: { sent: 1 } });
    if (!read) throw new Error('not read');
    expect(await s.control.put({ ...doc, data: { sent: 2 } }, T, { seqNo: read.seqNo, primaryTerm: read.primaryTerm })).toBe(true);
    expect(await s.control.put({ ...doc, data: { sent: 3 } }, T, { seqNo: read.seqNo, primaryTerm: read.primaryTerm })).toBe(false);
    expect((await s.control.get<{ sent: number }>('flood:R:1'))?.data).toEqual({ sent: 2 });
    const due = async (kind: string, at: number) => (await s.control.due(kind, at)).map((d) => d.id).filter((id) => id === 'flood:R:1');
    expect(await due('flood_guard', T - 1)).toEqual([]);
    expect(await due('flood_guard', T)).toEqual(['flood:R:1']);
    expect(await due('aggregation', T)).toEqual([]);
    await s.control.delete('flood:R:1');
    expect(await s.control.get('flood:R:1')).toBeUndefined();
  });

  it('keeps silences by key and rule state by rule', async () => {
    const s = await target.make();
    await s.silences.set({ key: 'R.alice', untilMs: T + 1000, exponent: 1 }, T);
    await s.silences.set({ key: 'R._silence', untilMs: T + 500, exponent: 0, reason: 'pentest' }, T, true);
    expect(await s.silences.get('R.alice')).toEqual({ key: 'R.alice', untilMs: T + 1000, exponent: 1, reason: undefined });
    await target.refresh(s);
    expect((await s.silences.active(T)).map((x) => x.key)).toEqual(['R._silence', 'R.alice']);
    expect((await s.silences.active(T + 600)).map((x) => x.key)).toEqual(['R.alice']);
    expect(await s.silences.delete('R.alice')).toBe(true);
    expect(await s.silences.delete('R.alice')).toBe(false);
    expect(await s.ruleState.load('R')).toBeUndefined();
    await s.ruleState.save('R', { lastEndMs: T, ruleType: 'any', typeState: { seen: { x: 1 } } }, T);
    expect(await s.ruleState.load('R')).toEqual({ lastEndMs: T, ruleType: 'any', typeState: { seen: { x: 1 } } });
  });

  it('writes run status and reads it back as runs and statistics', async () => {
    const s = await target.make();
    await s.status.writeStatus({
      ruleName: 'R',
      runId: 'r1',
      startMs: T - 2000,
      endMs: T - 1000,
      hits: 5,
      matches: 2,
      outcomes: { sent: 1, suppressed_realert: 1 },
      timeTakenMs: 1500,
      atMs: T - 1000,
    });
    await s.status.writeStatus({
      ruleName: 'R',
      runId: 'r2',
      startMs: T - 1000,
      endMs: T,
      hits: 1,
      matches: 0,
      timeTakenMs: 500,
      error: 'boom',
      atMs: T,
    });
    await target.refresh(s);
    expect((await s.status.runs('R', 10)).map((r) => [r.runId, r.hits, r.alertsSent, r.suppressed, r.timeTakenSeconds, r.error])).toEqual([
      ['r2', 1, 0, 0, 0.5, 'boom'],
      ['r1', 5, 1, 1, 1.5, undefined],
    ]);
    const stats = (await s.status.stats(['R', 'Other'], T + 1)).get('R');
    expect(stats?.lastRun).toMatchObject({ hits: 1, error: 'boom' });
    expect(stats?.lastError?.message).toBe('boom');
    expect(stats?.day).toEqual({ runs: 2, hits: 6, matches: 2, alertsSent: 1, alertsFailed: 0, errors: 1 });
    expect(stats?.matchesPerHour.reduce((a, b) => a + b, 0)).toBe(2);
  });
}
