import { afterAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { createAlerters } from '../../../alerters/index.ts';
import { createEsClient, settingsFromConnection } from '../../../src/es/client.ts';
import { Engine } from '../../../src/engine.ts';
import { silentLogger } from '../../../src/log.ts';
import type { RuleMatch } from '../../../src/rules/types.ts';
import { createRuleType } from '../../../src/ruletypes/index.ts';
import { deliverMatch } from '../../../src/run/deliver.ts';
import { ManualClock } from '../../../src/schedule/clock.ts';
import { memoryStores, type MemoryStores } from '../../../src/store/memory/stores.ts';
import type { Stores } from '../../../src/store/stores.ts';
import { rulesFolder, testConfig } from '../../support/engine.ts';
import { Crash, crashingStores, Incarnation, type CrashPlan } from './crashing-stores.ts';

const MIN = 60_000;
const T = Date.parse('2026-03-02T10:00:00Z');
const WINDOW_END = T - MIN;
// Two alerters, so an alert is settled only once both deliveries are final.
const COMMON =
  'type: any\nindex: logs\nquery_key: user\nrealert: {hours: 1}\nalert: [stdout, stdout]\nalert_text: "marker {0}"\nalert_text_args: [marker]\n';
const folder = rulesFolder({
  'alerts.yaml': `name: Alerts\n${COMMON}`,
  'aggregated.yaml': `name: Aggregated\n${COMMON}aggregation: {minutes: 5}\n`,
});
const config = testConfig(folder, 'wb-unused');
// Never contacted: the engine is given its stores, and the rule's matches are given here.
const es = createEsClient(settingsFromConnection({ url: 'http://127.0.0.1:9' }));
afterAll(async () => {
  await es.close();
  rmSync(folder, { recursive: true, force: true });
});

const match = (user: string, atMs: number): RuleMatch => ({
  timestampMs: atMs,
  key: user,
  body: { '@timestamp': new Date(atMs).toISOString(), user, marker: `M-${user}`, _id: `doc-${user}` },
});
/** The window's matches: alice and bob alert (or are aggregated), carol is held back by a person's silence. */
const MATCHES = [match('alice', T - 3 * MIN), match('bob', T - 2 * MIN), match('carol', T - 2 * MIN)];
const manual = (rule: string) => ({ key: `${rule}.carol`, untilMs: T + 24 * 60 * MIN, exponent: 0, reason: 'pentest' });

/** What the peer accepted, one text per delivery; a killed process sends nothing. */
class Peer {
  readonly texts: string[] = [];
  out(life: Incarnation): (text: string) => void {
    return (text) => {
      if (life.dead) throw new Crash('send after death');
      this.texts.push(text);
    };
  }
  count(marker: string): number {
    return this.texts.filter((t) => t.includes(marker)).length;
  }
}

/**
 * One LogWarden process as `run --once` is: the delivery pass, the rule's run, the delivery pass,
 * then (for the restarted one) passes as time goes on. The run does what runRule does with
 * storage around the matches (the query is not storage): state read, every match through
 * deliverMatch, state saved only after all, status written.
 */
async function lifetime(ruleName: string, stores: Stores, life: Incarnation, peer: Peer, nowMs: number, later: number[]): Promise<void> {
  const clock = new ManualClock(nowMs);
  const out = peer.out(life);
  const engine = new Engine({ config, es, log: silentLogger(), clock, env: {}, out, stores, onlyRule: ruleName });
  const { problems } = engine.loadRules();
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const rule = engine.ruleDefinition(ruleName);
  if (!rule) throw new Error('rule not loaded');
  const type = createRuleType(rule);
  const alerters = createAlerters(rule, { log: silentLogger(), out });
  const ctx = { stores, lookup: () => ({ rule, alerters }), log: silentLogger(), alertTimeLimitMs: 2 * 24 * 60 * MIN };
  try {
    await engine.processDeliveries();
    const state = await stores.ruleState.load(ruleName);
    if (!state || state.lastEndMs < WINDOW_END) {
      for (const m of MATCHES) await deliverMatch(rule, type, m, nowMs, ctx, silentLogger());
      await stores.ruleState.save(ruleName, { lastEndMs: WINDOW_END, ruleType: rule.type, typeState: {} }, nowMs);
    }
    await stores.status.writeStatus({
      ruleName,
      runId: 'r',
      startMs: WINDOW_END - MIN,
      endMs: WINDOW_END,
      hits: 3,
      matches: 3,
      timeTakenMs: 1,
      atMs: nowMs,
    });
    await engine.processDeliveries();
    for (const ms of later) {
      clock.advance(ms);
      await engine.processDeliveries();
    }
  } catch (error) {
    if (!(error instanceof Crash)) throw error;
  }
}

interface Outcome {
  rule: string;
  persisted: MemoryStores;
  peer: Peer;
  first: Incarnation;
}

/** Crashes the first process at `plan`, then restarts after the claim lease and lets it finish (past the aggregation period). */
async function scenario(rule: string, plan: CrashPlan | undefined): Promise<Outcome> {
  const persisted = memoryStores();
  await persisted.silences.set(manual(rule), T - MIN, true);
  const peer = new Peer();
  const first = new Incarnation();
  await lifetime(rule, crashingStores(persisted, first, plan), first, peer, T, []);
  const second = new Incarnation();
  await lifetime(rule, crashingStores(persisted, second, undefined), second, peer, T + 2 * MIN, [10 * MIN, 2 * MIN]);
  expect(second.dead).toBe(false);
  return { rule, persisted, peer, first };
}

/** The one documented duplicate: the peer accepted, and we died before recording "sent". */
function documentedDuplicate(life: Incarnation): boolean {
  const c = life.crashedAt;
  return c !== undefined && !c.after && c.step === 'outbox.complete' && (c.args[1] as { status?: string } | undefined)?.status === 'sent';
}

/** What must hold after any crash, for either rule. */
async function check({ rule, persisted, peer, first }: Outcome): Promise<void> {
  const extra = documentedDuplicate(first) ? 1 : 0;
  const alerts = await persisted.alerts.ofRule(rule);
  if (rule === 'Alerts') {
    // No alert lost, none recorded twice, every one settled; each alerter delivered each alert.
    expect(alerts.map((a) => [a.queryKey, a.alertSent, a.alertException])).toEqual([
      ['alice', true, undefined],
      ['bob', true, undefined],
    ]);
    expect(peer.count('M-alice') + peer.count('M-bob')).toBe(4 + extra);
    expect(peer.count('M-alice')).toBeGreaterThanOrEqual(2);
    expect(peer.count('M-bob')).toBeGreaterThanOrEqual(2);
  } else {
    // Both matches held in one group, handled once the period ended; one summary, sent by both alerters.
    const members = alerts.filter((a) => a.aggregateId !== undefined);
    const summaries = alerts.filter((a) => a.aggregateId === undefined);
    expect(members.map((a) => [a.queryKey, a.alertSent])).toEqual([
      ['alice', true],
      ['bob', true],
    ]);
    expect(summaries.map((a) => [a.id === members[0]?.aggregateId, a.alertSent, a.alertException])).toEqual([[true, true, undefined]]);
    expect(peer.texts.filter((t) => t.includes('M-alice') && t.includes('M-bob'))).toHaveLength(2 + extra);
    expect(peer.texts).toHaveLength(2 + extra);
  }
  expect(peer.count('M-carol')).toBe(0);
  expect(await persisted.outbox.pendingCount()).toBe(0);
  // Realert holds back the next hour of both keys; the person's silence is untouched.
  for (const user of ['alice', 'bob'])
    expect((await persisted.silences.get(`${rule}.${user}`))?.untilMs).toBeGreaterThanOrEqual(T + 60 * MIN);
  expect(await persisted.silences.get(manual(rule).key)).toEqual(manual(rule));
  expect((await persisted.ruleState.load(rule))?.lastEndMs).toBe(WINDOW_END);
}

/** Storage awaits of one uncrashed first process for each rule (see docs/architecture.md). */
const STEPS: Record<string, number> = { Alerts: 35, Aggregated: 24 };

describe('a crash at every storage await of run, record, deliver and settle', () => {
  it.each(Object.keys(STEPS))(
    'rule "%s": no alert lost, at most the documented duplicate, realert and silences kept, everything settled',
    async (rule) => {
      const baseline = await scenario(rule, undefined);
      await check(baseline);
      const steps = baseline.first.calls.length;
      expect(steps).toBe(STEPS[rule]);
      const failures: string[] = [];
      for (let at = 1; at <= steps; at++) {
        for (const after of [false, true]) {
          const outcome = await scenario(rule, { at, after });
          expect(outcome.first.crashedAt).toBeDefined();
          try {
            await check(outcome);
          } catch (error) {
            const c = outcome.first.crashedAt;
            failures.push(
              `step ${at} (${c?.step}, ${after ? 'after' : 'before'} it was applied): ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`,
            );
          }
        }
      }
      expect(failures).toEqual([]);
      process.stdout.write(`crash-at-every-await, rule "${rule}": ${steps} storage awaits, ${2 * steps} crash points checked\n`);
    },
  );
});
