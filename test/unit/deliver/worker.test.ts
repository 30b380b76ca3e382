import { describe, expect, it } from '@jest/globals';
import { BACKOFF_BASE_MS, BACKOFF_MAX_MS, nextAttemptMs } from '../../../src/deliver/backoff.ts';
import { processDueDeliveries, settleLeftovers } from '../../../src/deliver/worker.ts';
import { deliverMatch } from '../../../src/run/deliver.ts';
import { silentLogger } from '../../../src/log.ts';
import { CLAIM_LEASE_MS } from '../../../src/store/outbox.ts';
import { memoryStores } from '../../../src/store/memory/stores.ts';
import { T0 } from '../ruletypes/fixtures.ts';
import { DAY, deliveryRule, fakePeer, HOUR, matchOf, sendContext } from './support.ts';

describe('nextAttemptMs (backoff)', () => {
  it('doubles from 5 s up to 10 min, with ±20 % jitter, never before Retry-After', () => {
    expect(nextAttemptMs(1, T0, undefined, () => 0.5)).toBe(T0 + BACKOFF_BASE_MS);
    expect(nextAttemptMs(3, T0, undefined, () => 0.5)).toBe(T0 + 4 * BACKOFF_BASE_MS);
    expect(nextAttemptMs(30, T0, undefined, () => 0.5)).toBe(T0 + BACKOFF_MAX_MS);
    expect(nextAttemptMs(1, T0, undefined, () => 0)).toBe(T0 + 0.8 * BACKOFF_BASE_MS);
    expect(nextAttemptMs(1, T0, undefined, () => 1)).toBe(T0 + 1.2 * BACKOFF_BASE_MS);
    expect(nextAttemptMs(1, T0, 60_000, () => 0.5)).toBe(T0 + 60_000);
  });
});

describe('deliverMatch and the delivery worker', () => {
  it('records the alert with one delivery per alerter, sends each, sets realert and settles the alert', async () => {
    const stores = memoryStores();
    const { rule, type } = deliveryRule();
    const [a, b] = [fakePeer('peer-a'), fakePeer('peer-b')];
    const ctx = sendContext(stores, rule, [a, b]);
    expect(await deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0, ctx, silentLogger())).toBe('sent');
    expect([a.accepted.length, b.accepted.length]).toEqual([1, 1]);
    const [alert] = await stores.alerts.ofRule(rule.name);
    expect(alert?.alertSent).toBe(true);
    expect((await stores.outbox.forAlert(alert?.id ?? '')).map((d) => d.status)).toEqual(['sent', 'sent']);
    expect(await stores.silences.get('Root login.alice')).toEqual({ key: 'Root login.alice', untilMs: T0 + HOUR, exponent: 0 });
    // The next match of the key is held back by realert, and counted as such.
    expect(await deliverMatch(rule, type, matchOf('alice', T0 + 1000), T0 + 2000, ctx, silentLogger())).toBe('suppressed_realert');
  });

  it('retries only the alerter that failed, after backoff and Retry-After, then settles', async () => {
    const stores = memoryStores();
    const { rule, type } = deliveryRule();
    const [a, b] = [fakePeer('peer-a'), fakePeer('peer-b', ['retry'])];
    const ctx = sendContext(stores, rule, [a, b]);
    expect(await deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0, ctx, silentLogger())).toBe('failed');
    const [alert] = await stores.alerts.ofRule(rule.name);
    expect(alert?.alertSent).toBe(false);
    const [, pending] = await stores.outbox.forAlert(alert?.id ?? '');
    // 5 s backoff, but the peer asked for 20 s.
    expect(pending).toMatchObject({ status: 'pending', attempts: 1, nextAttemptMs: T0 + 20_000, lastError: 'peer-b: peer answered 503' });
    expect(await processDueDeliveries(T0 + 19_999, ctx)).toEqual({ due: 0, sent: 0, retrying: 0, failed: 0 });
    expect(await processDueDeliveries(T0 + 20_000, ctx)).toEqual({ due: 1, sent: 1, retrying: 0, failed: 0 });
    expect([a.calls, b.calls, a.accepted.length, b.accepted.length]).toEqual([1, 2, 1, 1]);
    expect((await stores.alerts.get(alert?.id ?? ''))?.alertSent).toBe(true);
  });

  it('records a permanent failure with its reason, never retries it, and settles the alert as not sent', async () => {
    const stores = memoryStores();
    const { rule, type } = deliveryRule();
    const [a, b] = [fakePeer('peer-a', ['refuse']), fakePeer('peer-b')];
    const ctx = sendContext(stores, rule, [a, b]);
    await deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0, ctx, silentLogger());
    await processDueDeliveries(T0 + HOUR, ctx);
    expect(a.calls).toBe(1);
    const [alert] = await stores.alerts.ofRule(rule.name);
    expect(alert).toMatchObject({ alertSent: false, alertException: 'peer-a: peer-a: channel_not_found' });
  });

  it('gives up on a delivery older than alert_time_limit, saying why', async () => {
    const stores = memoryStores();
    const { rule, type } = deliveryRule({ alert: [{ type: 'peer-a', options: {} }] });
    const a = fakePeer('peer-a', ['retry', 'retry', 'retry']);
    const ctx = sendContext(stores, rule, [a]);
    await deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0, ctx, silentLogger());
    expect(await processDueDeliveries(T0 + 3 * DAY, ctx)).toEqual({ due: 1, sent: 0, retrying: 0, failed: 1 });
    expect(a.calls).toBe(1);
    const [d] = await stores.outbox.forAlert((await stores.alerts.ofRule(rule.name))[0]?.id ?? '');
    expect(d?.lastError).toBe('not delivered within alert_time_limit; last error: peer-a: peer answered 503');
  });

  it('lets only one of two workers claim a due delivery', async () => {
    const stores = memoryStores();
    const { rule, type } = deliveryRule({ alert: [{ type: 'peer-a', options: {} }] });
    const a = fakePeer('peer-a', ['retry']);
    await deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0, sendContext(stores, rule, [a]), silentLogger());
    const [due] = await stores.outbox.due(T0 + HOUR);
    if (!due) throw new Error('no due delivery');
    const first = await stores.outbox.claim(due, T0 + HOUR);
    expect(first?.nextAttemptMs).toBe(T0 + HOUR + CLAIM_LEASE_MS);
    expect(await stores.outbox.claim(due, T0 + HOUR)).toBeUndefined();
    // The claim hides it from other workers until the lease runs out.
    expect(await stores.outbox.due(T0 + HOUR + CLAIM_LEASE_MS - 1)).toEqual([]);
    expect(await stores.outbox.due(T0 + HOUR + CLAIM_LEASE_MS)).toHaveLength(1);
  });

  it('takes over deliveries a crashed sender left claimed once their lease has passed', async () => {
    const stores = memoryStores();
    const { rule } = deliveryRule();
    const record = {
      id: 'alert-1',
      ruleName: rule.name,
      queryKey: 'alice',
      matchBody: { user: 'alice' },
      alertInfo: { alerters: ['peer-a', 'peer-b'] },
      alertText: 't',
      alertSubject: 's',
      matchTimeMs: T0,
      alertTimeMs: T0,
      alertSent: false,
    };
    await stores.alerts.record(record, ['peer-a', 'peer-b'], T0);
    const [a, b] = [fakePeer('peer-a'), fakePeer('peer-b')];
    const ctx = sendContext(stores, rule, [a, b]);
    expect((await processDueDeliveries(T0 + CLAIM_LEASE_MS - 1, ctx)).due).toBe(0);
    expect(await processDueDeliveries(T0 + CLAIM_LEASE_MS, ctx)).toEqual({ due: 2, sent: 2, retrying: 0, failed: 0 });
    expect((await stores.alerts.get('alert-1'))?.alertSent).toBe(true);
  });
});

describe('settleLeftovers (crash between the last delivery and the alert)', () => {
  const record = (id: string, alerters: string[]) => ({
    id,
    ruleName: 'Root login',
    queryKey: 'alice',
    matchBody: {},
    alertInfo: { alerters },
    alertText: 't',
    alertSubject: 's',
    matchTimeMs: T0,
    alertTimeMs: T0,
    alertSent: false,
  });

  it('settles an alert whose deliveries are all final, and leaves one with a pending delivery', async () => {
    const stores = memoryStores();
    const done = await stores.alerts.record(record('done', ['peer-a', 'peer-b']), ['peer-a', 'peer-b'], T0);
    const waiting = await stores.alerts.record(record('waiting', ['peer-a', 'peer-b']), ['peer-a', 'peer-b'], T0);
    // As a sender leaves them when killed after marking its deliveries and before settling.
    for (const d of done ?? [])
      await stores.outbox.complete(d, d.alerterIndex === 0 ? { status: 'sent' } : { status: 'failed', error: 'gone' }, T0);
    const [w0] = waiting ?? [];
    if (w0) await stores.outbox.complete(w0, { status: 'sent' }, T0);
    const ctx = { stores, log: silentLogger() };
    // Too young: its sender may still be at it.
    expect(await settleLeftovers(T0 + CLAIM_LEASE_MS - 1, ctx)).toBe(0);
    expect(await settleLeftovers(T0 + CLAIM_LEASE_MS, ctx)).toBe(1);
    expect(await stores.alerts.get('done')).toMatchObject({ alertSent: false, alertException: 'peer-b: gone' });
    expect((await stores.alerts.get('waiting'))?.alertException).toBeUndefined();
    expect((await stores.alerts.unsettled(0, T0 + HOUR, 10)).map((a) => a.id)).toEqual(['waiting']);
  });

  it('settles an alert without alerters as sent, and one whose deliveries are gone as failed', async () => {
    const stores = memoryStores();
    await stores.alerts.record(record('none', []), [], T0);
    await stores.alerts.record(record('lost', ['peer-a']), ['peer-a'], T0);
    stores.outbox.docs.clear();
    expect(await settleLeftovers(T0 + HOUR, { stores, log: silentLogger() })).toBe(2);
    expect((await stores.alerts.get('none'))?.alertSent).toBe(true);
    expect(await stores.alerts.get('lost')).toMatchObject({
      alertSent: false,
      alertException: '1 of 1 deliveries are missing from the outbox',
    });
  });
});
