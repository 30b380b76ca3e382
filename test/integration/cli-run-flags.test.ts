import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as delay } from 'node:timers/promises';
import { dropIndices } from '../support/cleanup.ts';
import { rulesFolder, testConfig, testEngine } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));
const es = testEs();
const writebacks: string[] = [];
afterAll(async () => {
  await dropIndices(es, writebacks);
  await es.close();
});
const wbName = (prefix: string): string => {
  const name = uniqueName(prefix);
  writebacks.push(name);
  return name;
};

const ruleYaml = (name: string): string => `name: ${name}\ntype: any\nindex: nothing-here-*\nrun_every: {seconds: 1}\nalert: [stdout]\n`;

describe('logwarden run flags as ElastAlert2 has them', () => {
  it('--start without --once catches up, then keeps running; --rule runs just that rule', async () => {
    const wb = wbName('flags-run');
    const rules = rulesFolder({ 'a.yaml': ruleYaml('Rule A'), 'b.yaml': ruleYaml('Rule B') });
    const env = { ...process.env, LOGWARDEN_RULES_FOLDER: rules, LOGWARDEN_WRITEBACK_INDEX: wb, LOGWARDEN_OPS_PORT: '0' };
    const child = spawn(process.execPath, [bin, 'run', '--rule', 'Rule A', '--start', '-1h'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    try {
      for (let i = 0; i < 100 && !stderr.includes('now running continuously'); i++) await delay(200);
      expect(stderr).toContain('1 rules run, 0 alerts sent, 0 failed; now running continuously');
      // The catch-up run and at least one scheduled run, all of Rule A.
      let runs: string[] = [];
      for (let i = 0; i < 100; i++) {
        const res = await es.client
          .search<{ rule_name: string }>({ index: `${wb}_status`, size: 50, ignore_unavailable: true })
          .catch(() => undefined);
        runs = (res?.hits.hits ?? []).map((h) => h._source?.rule_name ?? '');
        if (runs.length >= 2) break;
        await delay(200);
      }
      expect(runs.length).toBeGreaterThanOrEqual(2);
      expect(new Set(runs)).toEqual(new Set(['Rule A']));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('skip_invalid: false refuses to start while a rule file is invalid', () => {
    const wb = wbName('flags-skip');
    const rules = rulesFolder({
      'a.yaml': ruleYaml('Rule A'),
      'bad.yaml': 'name: Bad\ntype: any\nindex: x\nalert: [stdout]\nmatch_enhancements: [my.Enh]\n',
    });
    // Not *.yaml, so the rules folder does not take it for a rule.
    const config = path.join(rules, 'config.conf');
    writeFileSync(config, `rules_folder: ${rules}\nwriteback_index: ${wb}\nskip_invalid: false\n`);
    const run = spawnSync(process.execPath, [bin, 'run', '--config', config], { env: process.env, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('skip_invalid is false and 1 problems were found in the rules (above): not starting.');
  });

  it('--es_debug logs each Elasticsearch request, without credentials', () => {
    const wb = wbName('flags-debug');
    const rules = rulesFolder({ 'a.yaml': ruleYaml('Rule A') });
    const env = { ...process.env, LOGWARDEN_RULES_FOLDER: rules, LOGWARDEN_WRITEBACK_INDEX: wb };
    const run = spawnSync(process.execPath, [bin, 'run', '--once', '--es_debug'], { env, encoding: 'utf8' });
    expect(run.status).toBe(0);
    expect(run.stderr).toMatch(/"es_method":"POST","es_path":"\/nothing-here-\*\/_search[^"]*","es_status":200/);
    if (process.env.ES_PASSWORD) expect(run.stderr).not.toContain(process.env.ES_PASSWORD);
  });
});

describe('disable_rules_on_error', () => {
  it('a rule whose run fails for a reason other than a passing cluster problem stops being scheduled', async () => {
    // An index must exist: Elasticsearch parses a query only on the shards it searches.
    const index = uniqueName('flags-logs');
    await es.client.index({ index, refresh: true, document: { '@timestamp': new Date().toISOString() } });
    const rules = rulesFolder({
      'bad.yaml': `name: Bad query\ntype: any\nindex: ${index}\nfilter:\n  - query_string:\n      query: "user.name:(("\nalert: [stdout]\n`,
      'good.yaml': ruleYaml('Good'),
    });
    const on = await testEngine(es, testConfig(rules, wbName('flags-dis'), { disable_rules_on_error: true }), Date.now());
    expect((await on.engine.runOne('Bad query')).error).toBeDefined();
    expect(on.engine.ruleNames()).toEqual(['Good']);
    const off = await testEngine(es, testConfig(rules, wbName('flags-dis'), {}), Date.now());
    expect((await off.engine.runOne('Bad query')).error).toBeDefined();
    expect(off.engine.ruleNames().sort()).toEqual(['Bad query', 'Good']);
    await es.client.indices.delete({ index });
  });
});
