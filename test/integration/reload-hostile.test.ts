import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Engine } from '../../src/engine.ts';
import { createLogger } from '../../src/log.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';
import { aliasBomb } from '../support/alias-bomb.ts';
import { rulesFolder, testConfig } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { metricValue } from '../support/ops.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));
const es = testEs();
const dirs: string[] = [];
const writebacks: string[] = [];
/** A writeback base name removed with its indices after the tests: the shared cluster has a shard limit. */
const writeback = (prefix: string): string => {
  const name = uniqueName(prefix);
  writebacks.push(name);
  return name;
};
afterAll(async () => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  const indices = writebacks.flatMap((wb) => WRITEBACK_KINDS.map((k) => writebackIndexName(wb, k)));
  if (indices.length > 0) await es.client.indices.delete({ index: indices, ignore_unavailable: true });
  await es.close();
});

/** Polls `check` every 100 ms until it holds or `ms` have passed. */
async function until(check: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = performance.now() + ms;
  while (!(await check()) && performance.now() < deadline) await delay(100);
}

const RULE = 'name: Root login\ntype: any\nindex: nothing-here-*\nrun_every: {seconds: 1}\nalert: [stdout]\n';
const BOMB = aliasBomb('name: Bomb\ntype: any\nindex: nothing-here-*\nalert: [stdout]\n');
const REFUSED = 'bomb.yaml:6: refused: the document holds more than 200,000 values once its aliases (*name) are followed';

describe('a "billion laughs" file dropped into the rules folder of a running logwarden', () => {
  it('is refused naming the file, while the other rules keep running on schedule and /healthz keeps answering', async () => {
    const dir = rulesFolder({ 'root.yaml': RULE });
    dirs.push(dir);
    const env = {
      ...process.env,
      LOGWARDEN_RULES_FOLDER: dir,
      LOGWARDEN_WRITEBACK_INDEX: writeback('reload-bomb'),
      LOGWARDEN_OPS_PORT: '0',
      LOGWARDEN_LOG_LEVEL: 'info',
    };
    const child = spawn(process.execPath, [bin, 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    let gone = false;
    const exited = new Promise<number | null>((resolve) =>
      child.on('exit', (code) => {
        gone = true;
        resolve(code);
      }),
    );
    const runs = async (url: string): Promise<number> =>
      metricValue(await (await fetch(`${url}/metrics`)).text(), 'logwarden_rule_runs_total{rule="Root login",outcome="success"}') ?? 0;
    try {
      // Deadlines are generous: CI machines are slow and shared. Before the limits, a probe never answered at all.
      await until(() => gone || /"ops_url":"(http:\/\/127\.0\.0\.1:\d+)"/.test(stderr), 60_000);
      const url = /"ops_url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(stderr)?.[1];
      if (!url) throw new Error(`the ops server did not start:\n${stderr}`);
      await until(async () => (await runs(url)) >= 1, 30_000);
      const before = await runs(url);
      expect(before).toBeGreaterThanOrEqual(1);

      writeFileSync(path.join(dir, 'bomb.yaml'), BOMB);
      // Every probe answers, and promptly, while the bomb is dealt with.
      let slowest = 0;
      await until(async () => {
        const started = performance.now();
        const health = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(10_000) });
        slowest = Math.max(slowest, performance.now() - started);
        expect(health.status).toBe(200);
        return stderr.includes(REFUSED);
      }, 30_000);
      expect(stderr).toContain(REFUSED);
      expect(slowest).toBeLessThan(5_000);
      // The rule keeps its schedule: at least two more runs a second apart.
      await until(async () => (await runs(url)) >= before + 2, 30_000);
      expect(await runs(url)).toBeGreaterThanOrEqual(before + 2);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });
});

describe('Engine.reloadRules', () => {
  function engineWith(
    files: Record<string, string>,
    reloadLimits?: { timeLimitMs: number; maxMemoryMb: number },
  ): { engine: Engine; dir: string; lines: string[] } {
    const dir = rulesFolder(files);
    dirs.push(dir);
    // Loading rules touches no index: no writeback indices are created (the shared cluster has a shard limit).
    const config = testConfig(dir, uniqueName('reload-off-thread'));
    const lines: string[] = [];
    const log = createLogger({ level: 'info', destination: { write: (s: string) => lines.push((JSON.parse(s) as { msg: string }).msg) } });
    const engine = new Engine({ config, es, log, env: {}, out: () => undefined, ...(reloadLimits ? { reloadLimits } : {}) });
    engine.loadRules();
    return { engine, dir, lines };
  }

  it('loads changes on a worker thread and keeps the running version of a rule whose file became a bomb', async () => {
    const { engine, dir, lines } = engineWith({ 'a.yaml': RULE, 'b.yaml': RULE.replace('Root login', 'Other') });
    writeFileSync(path.join(dir, 'a.yaml'), RULE.replace('{seconds: 1}', '{seconds: 7}'));
    expect((await engine.reloadRules()).problems).toEqual([]);
    expect(engine.ruleDefinition('Root login')?.runEveryMs).toBe(7_000);
    expect(Object.isFrozen(engine.ruleDefinition('Root login')?.options)).toBe(true);

    writeFileSync(path.join(dir, 'b.yaml'), BOMB.replace('name: Bomb', 'name: Other'));
    const { problems } = await engine.reloadRules();
    expect(problems).toEqual([expect.stringContaining(REFUSED.replace('bomb.yaml', 'b.yaml'))]);
    expect(engine.ruleNames().sort()).toEqual(['Other', 'Root login']);
    // Loaded on the worker, not on this thread as the fallback would.
    expect(lines.filter((l) => l.includes('worker thread'))).toEqual([]);
    await engine.stop();
  });

  it('never runs two reloads at once: a request during one makes one more after it', async () => {
    const { engine, dir } = engineWith({ 'a.yaml': RULE });
    const first = engine.reloadRules();
    // Changed after the first reload may have read it: the second request must pick it up.
    writeFileSync(path.join(dir, 'a.yaml'), RULE.replace('{seconds: 1}', '{seconds: 9}'));
    const second = engine.reloadRules();
    expect(second).toBe(first);
    await second;
    expect(engine.ruleDefinition('Root login')?.runEveryMs).toBe(9_000);
    await engine.stop();
  });

  it('abandons a reload over its time limit and keeps the rules loaded before, saying so', async () => {
    // No worker starts, reads and validates within a millisecond: every reload is over the limit.
    const { engine, dir, lines } = engineWith({ 'a.yaml': RULE }, { timeLimitMs: 1, maxMemoryMb: 512 });
    writeFileSync(path.join(dir, 'a.yaml'), RULE.replace('{seconds: 1}', '{seconds: 7}'));
    const { loaded, problems, abandoned } = await engine.reloadRules();
    expect(abandoned).toBe(true);
    expect(loaded).toBe(1);
    expect(problems).toEqual([`${dir}: rules reload abandoned, it took longer than 1ms; the 1 rules loaded before keep running`]);
    expect(lines).toContain(problems[0]);
    expect(engine.ruleDefinition('Root login')?.runEveryMs).toBe(1_000);
    await engine.stop();
  });
});
