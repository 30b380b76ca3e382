import { AlerterError, type Alerter, type AlertPayload } from '../../../alerters/types.ts';
import type { SendContext } from '../../../src/deliver/send.ts';
import { silentLogger } from '../../../src/log.ts';
import type { RuleDefinition, RuleMatch } from '../../../src/rules/types.ts';
import { createRuleType } from '../../../src/ruletypes/index.ts';
import type { AnyRuleType } from '../../../src/run/evaluate.ts';
import type { Stores } from '../../../src/store/stores.ts';
import { makeRule, MIN } from '../ruletypes/fixtures.ts';

export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/** An `any` rule keyed on user with realert 1 h and two alerters (peer-a, peer-b). */
export function deliveryRule(
  overrides: Partial<RuleDefinition> = {},
  options: Record<string, unknown> = {},
): { rule: RuleDefinition; type: AnyRuleType } {
  const rule = makeRule(
    {
      name: 'Root login',
      type: 'any',
      queryKey: ['user'],
      realertMs: HOUR,
      alert: [
        { type: 'peer-a', options: {} },
        { type: 'peer-b', options: {} },
      ],
      ...overrides,
    },
    { query_key: 'user', ...options },
  );
  return { rule, type: createRuleType(rule) };
}

export function matchOf(user: string, atMs: number): RuleMatch {
  return { timestampMs: atMs, key: user, body: { '@timestamp': new Date(atMs).toISOString(), user, _id: `doc-${user}-${atMs}` } };
}

export type Reply = 'ok' | 'retry' | 'refuse';

/** An alerter standing for a peer: answers from `replies` in turn (then ok), and keeps what it accepted. */
export interface FakePeer extends Alerter {
  accepted: AlertPayload[];
  calls: number;
  replies: Reply[];
}

export function fakePeer(type: string, replies: Reply[] = []): FakePeer {
  const peer: FakePeer = {
    type,
    accepted: [],
    calls: 0,
    replies: [...replies],
    send(alert: AlertPayload): Promise<void> {
      peer.calls++;
      const reply = peer.replies.shift() ?? 'ok';
      if (reply === 'retry') return Promise.reject(new AlerterError(type, 'peer answered 503', true, 20_000));
      if (reply === 'refuse') return Promise.reject(new AlerterError(type, 'channel_not_found', false));
      peer.accepted.push(alert);
      return Promise.resolve();
    },
  };
  return peer;
}

/** What Engine.sendContext gives: the stores, the rule's alerters, a silent log, no jitter. */
export function sendContext(stores: Stores, rule: RuleDefinition, alerters: readonly Alerter[]): SendContext {
  return {
    stores,
    lookup: (name) => (name === rule.name ? { rule, alerters } : undefined),
    log: silentLogger(),
    alertTimeLimitMs: 2 * DAY,
    random: () => 0.5,
  };
}
