import { describe, expect, it } from '@jest/globals';
import type { SendContext } from '../../../src/deliver/send.ts';
import { silentLogger } from '../../../src/log.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import { aggregate } from '../../../src/suppress/aggregate.ts';
import { floodGuard } from '../../../src/suppress/flood-guard.ts';
import { suppress, SUPPRESS_STAGES } from '../../../src/suppress/pipeline.ts';
import { ruleSilenceKey } from '../../../src/suppress/realert.ts';
import { silenced } from '../../../src/suppress/silenced.ts';
import type { PendingAlert, SuppressStage } from '../../../src/suppress/stage.ts';
import type { AlertRecord } from '../../../src/store/alert-log.ts';
import type { ControlDoc } from '../../../src/store/control.ts';
import type { Silence } from '../../../src/store/silences.ts';
import type { Stores } from '../../../src/store/stores.ts';
import { fakeRule } from '../backtest/fixtures.ts';

const NOW = Date.parse('2026-03-01T12:30:00Z');
const MIN = 60_000;

/** The few storage calls the suppression stages make, kept in maps (with seq_no checks, as Elasticsearch). */
class Storage {
  silences = new Map<string, Silence>();
  controls = new Map<string, ControlDoc<unknown>>();
  alerts = new Map<string, AlertRecord>();
  private seq = 0;

  async getSilence(key: string): Promise<Silence | undefined> {
    return this.silences.get(key);
  }

  async setSilence(s: Silence): Promise<void> {
    this.silences.set(s.key, s);
  }

  async getControl<T>(id: string): Promise<ControlDoc<T> | undefined> {
    return this.controls.get(id) as ControlDoc<T> | undefined;
  }

  async putControl<T>(
    doc: { id: string; kind: string; ruleName: string; endMs: number; data: T },
    _nowMs: number,
    expected?: { seqNo: number; primaryTerm: number } | 'absent',
  ): Promise<boolean> {
    const current = this.controls.get(doc.id);
    if (expected === 'absent' ? current !== undefined : expected !== undefined && current?.seqNo !== expected.seqNo) return false;
    this.controls.set(doc.id, { ...doc, seqNo: ++this.seq, primaryTerm: 1 });
    return true;
  }

  async recordAlert(a: AlertRecord): Promise<[] | undefined> {
    if (this.alerts.has(a.id)) return undefined;
    this.alerts.set(a.id, a);
    return [];
  }
}

function context(storage: Storage): SendContext {
  // Only the storage calls above are reached by the stages; nothing is sent.
  const stores = {
    silences: { get: (key: string) => storage.getSilence(key), set: (x: Silence) => storage.setSilence(x) },
    control: { get: <T>(id: string) => storage.getControl<T>(id), put: storage.putControl.bind(storage) },
    alerts: { record: (a: AlertRecord) => storage.recordAlert(a) },
  };
  return { stores: stores as unknown as Stores, lookup: () => undefined, log: silentLogger(), alertTimeLimitMs: 86_400_000 };
}

let n = 0;
function pending(rule: RuleDefinition, key = `${rule.name}.alice`, nowMs = NOW): PendingAlert & { built: number } {
  const alert = {
    rule,
    key,
    nowMs,
    matchTimeMs: nowMs - MIN,
    built: 0,
    record(): AlertRecord {
      alert.built++;
      return {
        id: `a${n++}`,
        ruleName: rule.name,
        queryKey: 'alice',
        matchBody: { user: 'alice' },
        alertInfo: {},
        alertText: 't',
        alertSubject: 's',
        matchTimeMs: nowMs - MIN,
        alertTimeMs: nowMs,
        alertSent: false,
      };
    },
  };
  return alert;
}

describe('the silence stage', () => {
  const rule = fakeRule('r');

  it('lets a match through without silences, or once a silence ended, and keeps the key silence for realert', async () => {
    const storage = new Storage();
    expect(await silenced(pending(rule), context(storage))).toBeUndefined();
    const ended = { key: 'r.alice', untilMs: NOW, exponent: 2 };
    storage.silences.set('r.alice', ended);
    const alert = pending(rule);
    expect(await silenced(alert, context(storage))).toBeUndefined();
    expect(alert.silence).toEqual(ended);
  });

  it('holds a match of a silenced rule, of a key under realert, and of a key silenced by hand (with a reason)', async () => {
    const storage = new Storage();
    storage.silences.set(ruleSilenceKey('r'), { key: ruleSilenceKey('r'), untilMs: NOW + MIN, exponent: 0, reason: 'maintenance' });
    expect(await silenced(pending(rule), context(storage))).toBe('suppressed_silence');
    storage.silences.clear();
    storage.silences.set('r.alice', { key: 'r.alice', untilMs: NOW + 1, exponent: 0 });
    expect(await silenced(pending(rule), context(storage))).toBe('suppressed_realert');
    storage.silences.set('r.alice', { key: 'r.alice', untilMs: NOW + 1, exponent: 0, reason: 'known scanner' });
    expect(await silenced(pending(rule), context(storage))).toBe('suppressed_silence');
  });
});

describe('the aggregation stage', () => {
  it('passes rules without aggregation; otherwise sets realert from the silence read, and holds the match in its group', async () => {
    const storage = new Storage();
    expect(await aggregate(pending(fakeRule('plain')), context(storage))).toBeUndefined();
    const rule = fakeRule('agg', { realertMs: 5 * MIN, options: { aggregation: { minutes: 10 } } });
    const first = pending(rule, 'agg.alice');
    expect(await aggregate(first, context(storage))).toBe('aggregated');
    expect(await aggregate(pending(rule, 'agg.alice', NOW + MIN), context(storage))).toBe('aggregated');
    const members = [...storage.alerts.values()];
    expect(new Set(members.map((m) => m.aggregateId)).size).toBe(1);
    // The group ends a period after the first match joined (at "now", without aggregate_by_match_time).
    expect(members.map((m) => m.alertTimeMs)).toEqual([NOW + 10 * MIN, NOW + 10 * MIN]);
    expect(storage.silences.get('agg.alice')?.untilMs).toBe(NOW + MIN + 5 * MIN);
  });

  it('opens the group at the match time with aggregate_by_match_time', async () => {
    const storage = new Storage();
    const rule = fakeRule('agg', { realertMs: 0, options: { aggregation: { minutes: 10 }, aggregate_by_match_time: true } });
    await aggregate(pending(rule), context(storage));
    expect([...storage.alerts.values()][0]?.alertTimeMs).toBe(NOW - MIN + 10 * MIN);
    expect(storage.silences.size).toBe(0);
  });
});

describe('the flood guard stage', () => {
  it('lets max_alerts_per_hour alerts through per clock hour, then records the rest as held back', async () => {
    const storage = new Storage();
    const rule = fakeRule('flood', { options: { max_alerts_per_hour: 2 } });
    const outcomes = [];
    for (let i = 0; i < 4; i++) outcomes.push(await floodGuard(pending(rule, 'flood', NOW + i * MIN), context(storage)));
    expect(outcomes).toEqual([undefined, undefined, 'suppressed_flood', 'suppressed_flood']);
    expect([...storage.alerts.values()].map((a) => a.alertException)).toEqual([
      'held back by the flood guard (max_alerts_per_hour: 2)',
      'held back by the flood guard (max_alerts_per_hour: 2)',
    ]);
    // The next hour counts again.
    expect(await floodGuard(pending(rule, 'flood', NOW + 30 * MIN), context(storage))).toBeUndefined();
    expect(await floodGuard(pending(fakeRule('uncapped'), 'uncapped'), context(storage))).toBeUndefined();
  });
});

describe('the pipeline', () => {
  it('runs silences, aggregation and the flood guard in that order', () => {
    expect(SUPPRESS_STAGES).toEqual([silenced, aggregate, floodGuard]);
  });

  it('stops at the first stage that holds the match, without building the alert of a silenced match', async () => {
    const calls: string[] = [];
    const stage =
      (name: string, outcome?: 'suppressed_realert'): SuppressStage =>
      async () => {
        calls.push(name);
        return outcome;
      };
    const storage = new Storage();
    const alert = pending(fakeRule('r'));
    expect(await suppress(alert, context(storage), [stage('a'), stage('b', 'suppressed_realert'), stage('c')])).toBe('suppressed_realert');
    expect(calls).toEqual(['a', 'b']);
    expect(await suppress(alert, context(storage), [stage('a')])).toBeUndefined();
    storage.silences.set('r.alice', { key: 'r.alice', untilMs: NOW + MIN, exponent: 0 });
    expect(await suppress(alert, context(storage))).toBe('suppressed_realert');
    expect(alert.built).toBe(0);
  });
});
