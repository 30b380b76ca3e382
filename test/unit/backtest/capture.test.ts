import { describe, expect, it } from '@jest/globals';
import type { AlertPayload } from '../../../alerters/types.ts';
import { AlertCapture, recordingAlerters, tallyKeys, tapMatches } from '../../../src/backtest/capture.ts';
import type { KeyTally } from '../../../src/backtest/report.ts';
import type { RuleMatch } from '../../../src/rules/types.ts';
import { createRuleType } from '../../../src/ruletypes/index.ts';
import { captureAlerters } from '../../../src/run/capture-alerters.ts';
import { fakeRule } from './fixtures.ts';

const payload = (id: string, key?: string): AlertPayload => ({
  alertId: id,
  ruleName: 'r',
  ruleFile: 'r.yaml',
  queryKey: key,
  matchTimeMs: 1,
  match: {},
  severity: undefined,
  subject: `s ${id}`,
  text: 't',
  render: () => ({ subject: '', text: '' }),
});

describe('capturing alerters', () => {
  it("stand in for each of the rule's alerters by type and record each alert once, with every alerter it went to", async () => {
    const capture = new AlertCapture();
    capture.day = '2026-01-02';
    const alerters = captureAlerters(
      fakeRule('r', {
        alert: [
          { type: 'slack', options: {} },
          { type: 'email', options: {} },
        ],
      }),
      (type, alert) => capture.record(type, alert),
    );
    expect(alerters.map((a) => a.type)).toEqual(['slack', 'email']);
    for (const a of alerters) await a.send(payload('x', 'root'));
    await alerters[0]?.send(payload('x', 'root'));
    await alerters[0]?.send(payload('y'));
    expect(capture.of('r').map((c) => [c.alertId, c.alerters, c.day, c.subject])).toEqual([
      ['x', ['slack', 'email'], '2026-01-02', 's x'],
      ['y', ['slack'], '2026-01-02', 's y'],
    ]);
    expect(capture.of('other')).toEqual([]);
  });

  it('record what real alerters are handed (--alert) and still send it', async () => {
    const capture = new AlertCapture();
    const sent: string[] = [];
    const [wrapped] = recordingAlerters([{ type: 'stdout', send: async (a) => void sent.push(a.alertId) }], capture);
    await wrapped?.send(payload('z'));
    expect(sent).toEqual(['z']);
    expect(capture.of('r')).toHaveLength(1);
  });
});

describe('tapMatches', () => {
  it('passes the rule type through unchanged and reports its matches', () => {
    const rule = fakeRule('any', { type: 'any', queryKey: ['user'] });
    const seen: RuleMatch[] = [];
    const type = tapMatches(createRuleType(rule), (m) => seen.push(...m));
    expect(type.needs).toBe('documents');
    if (type.needs === 'aggregations') throw new Error('unexpected');
    const step = type.addEvents(
      type.initialState(),
      [{ id: '1', index: 'i', timestampMs: 5, key: 'root', source: { '@timestamp': '1970-01-01T00:00:00.005Z', user: 'root' } }],
      10,
    );
    expect(step.matches).toHaveLength(1);
    expect(seen.map((m) => m.key)).toEqual(['root']);
  });

  it('keeps the choice of evaluation points of the rule type (allow_buffer_time_overlap)', () => {
    const rule = fakeRule('bytes', {
      type: 'metric_aggregation',
      options: { metric_agg_key: 'b', metric_agg_type: 'sum', max_threshold: 1 },
    });
    const type = tapMatches(createRuleType(rule), () => undefined);
    if (type.needs !== 'aggregations') throw new Error('unexpected');
    const segments = Array.from({ length: 30 }, (_, i) => ({ startMs: i * 60_000, endMs: (i + 1) * 60_000 }));
    // buffer_time 15 minutes: a 30-minute catch-up is evaluated at 15 and 30 minutes.
    expect(type.pickSegments?.(segments).map((s) => s.endMs / 60_000)).toEqual([15, 30]);
  });

  it('tallies matches and alerts per query_key value', () => {
    const tally: KeyTally = new Map();
    tallyKeys(
      tally,
      [
        { key: 'a', timestampMs: 1, body: {} },
        { key: 'a', timestampMs: 2, body: {} },
        { key: undefined, timestampMs: 3, body: {} },
      ],
      [{ alertId: '1', ruleName: 'r', day: 'd', matchTimeMs: 1, queryKey: 'a', alerters: [], delivered: {}, subject: '', text: '' }],
    );
    expect([...tally.entries()]).toEqual([
      ['a', { matches: 2, alerts: 1 }],
      [undefined, { matches: 1, alerts: 0 }],
    ]);
  });
});
