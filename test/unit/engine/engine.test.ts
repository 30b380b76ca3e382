import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Alerter } from '../../../alerters/types.ts';
import { resolveConfig } from '../../../src/config/load-config.ts';
import { Engine, type EngineOptions } from '../../../src/engine.ts';
import { createEsClient } from '../../../src/es/client.ts';
import { silentLogger } from '../../../src/log.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import { ReplayClock } from '../../../src/run/replay-clock.ts';
import { fakeRule as backtestRule } from '../backtest/fixtures.ts';

const fakeRule = (name: string, extra: Partial<RuleDefinition> = {}): RuleDefinition => backtestRule(name, { type: 'any', ...extra });

// Nothing here reaches Elasticsearch: the client only has to exist.
const es = createEsClient({ url: 'http://127.0.0.1:9', verifyCerts: true, requestTimeoutMs: 1000 });
afterAll(() => es.close());

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function rulesDir(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-engine-'));
  dirs.push(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

function engine(extra: Partial<EngineOptions>, rules = rulesDir({})): Engine {
  const config = resolveConfig({ rules_folder: rules, writeback_index: 'unused' }, { file: undefined, env: {}, cwd: process.cwd() });
  return new Engine({ config, es, log: silentLogger(), clock: new ReplayClock(0), env: {}, ...extra });
}

/** A factory that records which rules it built alerters for, and which of those were closed. */
function recordingFactory(): { built: string[]; closed: string[]; factory: (rule: RuleDefinition) => Alerter[] } {
  const built: string[] = [];
  const closed: string[] = [];
  return {
    built,
    closed,
    factory: (rule) => {
      built.push(rule.name);
      return rule.alert.map((ref) => ({ type: ref.type, send: async () => undefined, close: async () => void closed.push(rule.name) }));
    },
  };
}

describe('Engine modes and alerters', () => {
  it('refuses a capture engine with nowhere to put the alerts', () => {
    expect(() => engine({ mode: 'capture' })).toThrow(/capture mode needs `capture`/);
    expect(() => engine({ mode: 'capture', capture: () => undefined })).not.toThrow();
    expect(() => engine({ mode: 'capture', alerters: () => [] })).not.toThrow();
  });

  it('takes given rules on with the alerter factory, closing the alerters of a rule it replaces', async () => {
    const { built, closed, factory } = recordingFactory();
    const e = engine({ mode: 'capture', alerters: factory });
    e.addRule(fakeRule('a'));
    e.addRule(fakeRule('b'));
    expect(e.ruleNames()).toEqual(['a', 'b']);
    expect(e.ruleDefinition('a')?.file).toBe('rules/a.yaml');
    e.addRule(fakeRule('a', { file: 'rules/a2.yaml' }));
    await new Promise((resolve) => setImmediate(resolve));
    expect(built).toEqual(['a', 'b', 'a']);
    expect(closed).toEqual(['a']);
    expect(e.ruleDefinition('a')?.file).toBe('rules/a2.yaml');
    await e.close();
    expect(closed).toEqual(['a', 'a', 'b']);
  });

  it('builds the alerters of rules from the folder through the same factory', () => {
    const { built, factory } = recordingFactory();
    const dir = rulesDir({
      'one.yaml': 'name: One\ntype: any\nindex: logs-*\nalert: [stdout, debug]\n',
      'two.yaml': 'name: Two\ntype: any\nindex: logs-*\nalert: [stdout]\n',
    });
    const e = engine({ alerters: factory }, dir);
    const result = e.loadRules();
    expect(result.problems).toEqual([]);
    expect(built.sort()).toEqual(['One', 'Two']);
  });

  it('names the rules it has when asked to run one it does not', async () => {
    const e = engine({ mode: 'capture', capture: () => undefined });
    e.addRule(fakeRule('a'));
    await expect(e.runOne('b')).rejects.toThrow('no enabled rule named "b" (loaded: a)');
  });
});

describe('ReplayClock', () => {
  it('is set to any time, backwards too, and schedules nothing', () => {
    const clock = new ReplayClock(5);
    expect(clock.now()).toBe(5);
    clock.set(1_000);
    clock.set(10);
    expect(clock.now()).toBe(10);
    expect(() => clock.setTimer()).toThrow(/schedules nothing/);
  });
});
