import { describe, expect, it } from '@jest/globals';
import { processDueDeliveries } from '../../../src/deliver/worker.ts';
import { silentLogger } from '../../../src/log.ts';
import { deliverMatch } from '../../../src/run/deliver.ts';
import { memoryStores } from '../../../src/store/memory/stores.ts';
import { CLAIM_LEASE_MS } from '../../../src/store/outbox.ts';
import { deliveryRule, fakePeer, HOUR, matchOf, sendContext } from '../deliver/support.ts';
import { T0 } from '../ruletypes/fixtures.ts';
import { Crash, crashingStores, Incarnation } from './crashing-stores.ts';

describe('the crash gaps of issue #15 (and one the harness found)', () => {
  it('a kill between recording the alert and writing realert: the re-run still writes realert', async () => {
    const persisted = memoryStores();
    const { rule, type } = deliveryRule();
    const life = new Incarnation();
    // Calls: rule silence, key silence, record (crash once it is applied).
    const dying = crashingStores(persisted, life, { at: 3, after: true });
    const peers = [fakePeer('peer-a'), fakePeer('peer-b')];
    await expect(
      deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0, sendContext(dying, rule, peers), silentLogger()),
    ).rejects.toThrow(Crash);
    expect(life.crashedAt?.step).toBe('alerts.record');
    expect(await persisted.silences.get('Root login.alice')).toBeUndefined();

    // The restarted process runs the same window again.
    const ctx = sendContext(persisted, rule, peers);
    expect(await deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0 + 5_000, ctx, silentLogger())).toBe('duplicate');
    expect(await persisted.silences.get('Root login.alice')).toEqual({ key: 'Root login.alice', untilMs: T0 + 5_000 + HOUR, exponent: 0 });
    // The recorded deliveries are the worker's once the claim expires: sent once each.
    await processDueDeliveries(T0 + CLAIM_LEASE_MS, ctx);
    expect(peers.map((p) => p.accepted.length)).toEqual([1, 1]);
    expect(await deliverMatch(rule, type, matchOf('alice', T0 + 10_000), T0 + 10 * 60_000, ctx, silentLogger())).toBe('suppressed_realert');
  });

  it('a kill between marking the last delivery sent and settling the alert: the next pass settles it', async () => {
    const persisted = memoryStores();
    const { rule, type } = deliveryRule({ alert: [{ type: 'peer-a', options: {} }] });
    const life = new Incarnation();
    // Calls: rule silence, key silence, record, realert, alert read, complete (crash once it is applied).
    const dying = crashingStores(persisted, life, { at: 6, after: true });
    const peer = fakePeer('peer-a');
    await expect(
      deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0, sendContext(dying, rule, [peer]), silentLogger()),
    ).rejects.toThrow(Crash);
    expect(life.crashedAt?.step).toBe('outbox.complete');
    const [alert] = await persisted.alerts.ofRule(rule.name);
    expect(alert?.alertSent).toBe(false);

    const ctx = sendContext(persisted, rule, [peer]);
    expect(await processDueDeliveries(T0 + CLAIM_LEASE_MS, ctx)).toEqual({ due: 0, sent: 0, retrying: 0, failed: 0 });
    expect((await persisted.alerts.get(alert?.id ?? ''))?.alertSent).toBe(true);
    expect(peer.accepted).toHaveLength(1);
  });

  it('a kill before an aggregated match is held: the re-run holds it (realert is written only after)', async () => {
    const persisted = memoryStores();
    const { rule, type } = deliveryRule({}, { aggregation: { minutes: 5 } });
    const life = new Incarnation();
    // Calls: rule silence, key silence, open groups, open a group, record (crash before it is applied).
    const dying = crashingStores(persisted, life, { at: 5, after: false });
    const peers = [fakePeer('peer-a'), fakePeer('peer-b')];
    await expect(
      deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0, sendContext(dying, rule, peers), silentLogger()),
    ).rejects.toThrow(Crash);
    expect(life.crashedAt?.step).toBe('alerts.record');

    const ctx = sendContext(persisted, rule, peers);
    expect(await deliverMatch(rule, type, matchOf('alice', T0 - 1000), T0 + 5_000, ctx, silentLogger())).toBe('aggregated');
    expect((await persisted.alerts.ofRule(rule.name)).map((a) => [a.queryKey, a.aggregateId !== undefined])).toEqual([['alice', true]]);
    expect((await persisted.silences.get('Root login.alice'))?.untilMs).toBe(T0 + 5_000 + HOUR);
  });
});
