/**
 * What the kit alerters' peer tests share: peers and alerters closed after each test, and an
 * alert whose one document value goes through the medium's escape as the engine's render does.
 */
import { afterEach } from '@jest/globals';
import type { Alerter, AlerterFactory, AlertPayload } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { alertOf, httpRule, refOf } from '../unit/alerters/http-fixtures.ts';
import { startPeer, type Peer, type Reply } from './http-peer.ts';
import { ManualClock } from '../../src/schedule/clock.ts';

export interface KitHarness {
  /** A peer answering `fallback` unless told otherwise; closed after the test. */
  peer(fallback: Reply, tls?: boolean): Promise<Peer>;
  /** The alerter for a rule with these options (clock at `now`); closed after the test. */
  alerter(options: Record<string, unknown>, now?: number): Alerter;
}

/** Call at the top of a test file: registers the cleanup. */
export function kitHarness(type: string, factory: AlerterFactory): KitHarness {
  const peers: Peer[] = [];
  const alerters: Alerter[] = [];
  afterEach(async () => {
    await Promise.all(alerters.splice(0).map((a) => a.close?.()));
    await Promise.all(peers.splice(0).map((p) => p.close()));
  });
  return {
    async peer(fallback, tls = false) {
      const p = await startPeer({ tls, fallback });
      peers.push(p);
      return p;
    },
    alerter(options, now = 0) {
      const rule = httpRule(type, options);
      const a = factory(refOf(rule), rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(now) });
      alerters.push(a);
      return a;
    },
  };
}

/** An alert "Login by <value>" / "user: <value>" whose value is escaped by render(escape). */
export function alertWith(value: string, match: Record<string, unknown> = { user: value }): AlertPayload {
  const fill = (escape: (s: string) => string) => ({ subject: `Login by ${escape(value)}`, text: `user: ${escape(value)}\n` });
  return alertOf(match, { ...fill((s) => s), render: fill });
}
