import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import path from 'node:path';
import type { AlertPayload } from '../../alerters/types.ts';
import { Engine, type EngineMode } from '../../src/engine.ts';
import { silentLogger } from '../../src/log.ts';
import { loadRuleFile } from '../../src/rules/load-rules.ts';
import type { RuleDefinition } from '../../src/rules/types.ts';
import { ReplayClock } from '../../src/run/replay-clock.ts';
import { FLUSH_HORIZON_MS } from '../../src/suppress/flush.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { indexDocs, rulesFolder, testConfig } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

const MIN = 60_000;
const T = Math.floor(Date.now() / MIN) * MIN - 60 * MIN;
const WINDOW = { startMs: T - MIN, endMs: T + 5 * MIN };

// One index and one writeback for the file (each test's rules have their own names, so their
// silences and alerts do not meet): index creation is what takes time on a busy cluster.
const index = uniqueName('logs-modes');
const writeback = uniqueName('wb-modes');
beforeAll(async () => {
  // Four matches of one user: at T, T+30s, T+2m and T+2m30s.
  await indexDocs(
    es,
    index,
    [0, 30_000, 2 * MIN, 2 * MIN + 30_000].map((dt) => ({ '@timestamp': new Date(T + dt).toISOString(), user: 'alice' })),
  );
  await initWriteback(es, writeback);
});

/** An Engine over one given rule, its clock at the window's end, alerts captured. */
async function engineFor(
  mode: EngineMode,
  yaml: string,
  extraConfig: Record<string, unknown> = {},
): Promise<{ engine: Engine; rule: RuleDefinition; alerts: AlertPayload[] }> {
  const dir = rulesFolder({ 'rule.yaml': yaml });
  const config = testConfig(dir, writeback, extraConfig);
  const { rule, problems } = loadRuleFile(path.join(dir, 'rule.yaml'), config, {});
  if (!rule) throw new Error(JSON.stringify(problems));
  const alerts: AlertPayload[] = [];
  const capture = (_type: string, alert: AlertPayload): void => void alerts.push(alert);
  const engine = new Engine({
    config,
    es,
    log: silentLogger(),
    clock: new ReplayClock(WINDOW.endMs),
    env: {},
    mode,
    capture,
    alerters:
      mode === 'capture'
        ? undefined
        : (r) => r.alert.map((ref) => ({ type: ref.type, send: async (a: AlertPayload) => capture(ref.type, a) })),
  });
  engine.addRule(rule);
  return { engine, rule, alerts };
}

describe('Engine modes over the same history', () => {
  it("replay and capture take each match's time as now for realert; live takes the clock's", async () => {
    const yaml = (mode: EngineMode): string =>
      `name: Modes ${mode}\ntype: any\nindex: ${index}\nquery_key: user\nrealert: {minutes: 1}\nalert: [slack]\nslack_webhook_url: http://127.0.0.1:9/unused\n`;
    const results: Record<EngineMode, unknown> = { live: undefined, replay: undefined, capture: undefined };
    for (const mode of ['live', 'replay', 'capture'] as const) {
      const { engine, alerts } = await engineFor(mode, yaml(mode));
      const outcome = await engine.runOne(`Modes ${mode}`, WINDOW);
      results[mode] = { outcomes: outcome.outcomes, alerts: alerts.map((a) => a.matchTimeMs - T) };
    }
    expect(results).toEqual({
      live: { outcomes: { sent: 1, suppressed_realert: 3 }, alerts: [0] },
      replay: { outcomes: { sent: 2, suppressed_realert: 2 }, alerts: [0, 2 * MIN] },
      capture: { outcomes: { sent: 2, suppressed_realert: 2 }, alerts: [0, 2 * MIN] },
    });
  });

  it('drain sends an aggregation when its period has ended, once, and what a range still holds past the horizon', async () => {
    const { engine, alerts } = await engineFor(
      'capture',
      `name: Agg\ntype: any\nindex: ${index}\nrealert: {minutes: 0}\naggregation: {hours: 1}\nalert: [stdout]\n`,
    );
    expect((await engine.runOne('Agg', WINDOW)).outcomes).toEqual({ aggregated: 4 });
    await engine.drain(WINDOW.endMs);
    expect(alerts).toHaveLength(0);
    await engine.drain(WINDOW.endMs + FLUSH_HORIZON_MS);
    await engine.drain(WINDOW.endMs + FLUSH_HORIZON_MS);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.match['num_matches']).toBe(4);
  });

  it('a failing run is reported by a capture, never disables the rule; replay applies disable_rules_on_error', async () => {
    const yaml = (mode: EngineMode): string =>
      `name: Bad query ${mode}\ntype: any\nindex: ${index}\nfilter:\n  - query_string:\n      query: "user:(("\nalert: [stdout]\n`;
    for (const [mode, kept] of [
      ['capture', ['Bad query capture']],
      ['replay', []],
    ] as const) {
      const { engine } = await engineFor(mode, yaml(mode), { disable_rules_on_error: true });
      expect((await engine.runOne(`Bad query ${mode}`, WINDOW)).error).toBeDefined();
      expect(engine.ruleNames()).toEqual(kept);
    }
  });
});
