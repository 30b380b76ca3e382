// The project's benchmark. Measures rule runs against a real Elasticsearch (provisioned like the
// tests: ES_URL, Docker, or the local distribution) and prints what they cost.
//   node scripts/bench.ts frequency [--events 1000000] [--rules 200]
//   node scripts/bench.ts keys [--keys 10000] [--types spike,flatline,new_term]
//   node scripts/bench.ts side-by-side [--preset small|full] (LogWarden, ElastAlert2 and the floor; scripts/bench/)
import { mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { resolveConfig } from '../src/config/load-config.ts';
import { createEsClient, settingsFromConnection, type EsHandle } from '../src/es/client.ts';
import { provisionElasticsearch } from '../src/es/provision/index.ts';
import { Engine } from '../src/engine.ts';
import { silentLogger } from '../src/log.ts';
import { ManualClock } from '../src/schedule/clock.ts';
import { initWriteback } from '../src/writeback/init.ts';

import { rng } from './bench/data.ts';
import { sideBySide, SIDE_BY_SIDE_HELP } from './bench/side-by-side.ts';

const HELP = `node scripts/bench.ts MODE [options]
  frequency [--events 1000000] [--rules 200]      frequency rules over a day, by query mode
  keys [--keys 10000] [--types spike,flatline,new_term]   counting rule types with many query_key values
  side-by-side [options]                          LogWarden vs ElastAlert2 2.31 vs the direct-aggregation floor:
${SIDE_BY_SIDE_HELP.split('\n').slice(1).join('\n')}`;

if (process.argv[2] === 'side-by-side') {
  process.exit(
    await sideBySide(process.argv.slice(3)).catch((error: unknown) => {
      process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      return 1;
    }),
  );
}
if (process.argv.includes('--help') || process.argv.includes('-h')) {
  process.stdout.write(`${HELP}\n`);
  process.exit(0);
}

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: {
    events: { type: 'string', default: '1000000' },
    rules: { type: 'string', default: '200' },
    keys: { type: 'string', default: '10000' },
    types: { type: 'string', default: 'spike,flatline,new_term' },
  },
});
const mode = positionals[0] ?? 'frequency';
const HOUR = 3_600_000;

/** The benchmark's rule files (one level, no folders) in a temp folder; scripts do not import test helpers. */
function rulesFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-bench-rules-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(dir, name), text);
  return dir;
}

/** Counts requests and response bytes seen by the client. */
function meter(es: EsHandle): { requests: number; bytes: number; reset(): void } {
  const m = {
    requests: 0,
    bytes: 0,
    reset() {
      m.requests = 0;
      m.bytes = 0;
    },
  };
  es.client.diagnostic.on('response', (_err, result) => {
    m.requests++;
    const length = Number(result?.headers?.['content-length']);
    m.bytes += Number.isFinite(length) ? length : JSON.stringify(result?.body ?? '').length;
  });
  return m;
}

async function bulkLoad(es: EsHandle, index: string, count: number, make: (i: number) => Record<string, unknown>): Promise<number> {
  const started = performance.now();
  await es.client.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
    mappings: {
      dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }],
      properties: { '@timestamp': { type: 'date' }, bytes: { type: 'long' } },
    },
  });
  const batch = 10_000;
  for (let from = 0; from < count; from += batch) {
    const operations: unknown[] = [];
    for (let i = from; i < Math.min(count, from + batch); i++) operations.push({ index: {} }, make(i));
    const res = await es.client.bulk({ index, operations });
    if (res.errors) throw new Error('bulk load failed');
    if (process.stderr.isTTY) process.stderr.write(`\rindexed ${Math.min(count, from + batch)} / ${count}`);
  }
  await es.client.indices.putSettings({ index, settings: { refresh_interval: '1s' } });
  await es.client.indices.refresh({ index });
  if (process.stderr.isTTY) process.stderr.write('\n');
  return (performance.now() - started) / 1000;
}

async function frequency(es: EsHandle, nowMs: number): Promise<void> {
  const events = Number(values.events);
  const ruleCount = Number(values.rules);
  const random = rng(42);
  const index = 'bench-auth';
  const loadSeconds = await bulkLoad(es, index, events, (i) => ({
    '@timestamp': new Date(nowMs - 24 * HOUR + Math.floor((i / events) * 24 * HOUR)).toISOString(),
    event: { category: 'authentication', outcome: random() < 0.3 ? 'failure' : 'success' },
    source: { ip: `10.${Math.floor(random() * 20)}.${Math.floor(random() * 250)}.1` },
    user: { name: `user${Math.floor(random() * 500)}` },
    host: { name: `host${i % 20}` },
  }));
  console.log(`indexed ${events} events in ${loadSeconds.toFixed(1)} s (${Math.round(events / loadSeconds)}/s)`);

  const modes = ['documents', 'use_terms_query', 'use_count_query'] as const;
  const files: Record<string, string> = {};
  for (let r = 0; r < ruleCount; r++) {
    const m = modes[r % 3];
    files[`rule-${r}.yaml`] = [
      `name: bench ${r} ${m}`,
      'type: frequency',
      `index: ${index}`,
      `num_events: ${50 + (r % 50)}`,
      'timeframe: {minutes: 5}',
      m === 'use_count_query' ? '' : 'query_key: source.ip',
      m === 'documents' ? '' : `${m}: true`,
      'filter:',
      '  - term: {event.outcome: failure}',
      `  - term: {host.name: host${r % 20}}`,
      'alert: [debug]',
      '',
    ].join('\n');
  }
  const config = resolveConfig(
    { rules_folder: rulesFolder(files), writeback_index: 'bench-wb', buffer_time: { hours: 1 }, run_every: { minutes: 5 } },
    { file: undefined, env: {}, cwd: process.cwd() },
  );
  await initWriteback(es, config.writebackIndex);
  const engine = new Engine({ config, es, log: silentLogger(), clock: new ManualClock(nowMs), env: {}, out: () => undefined });
  engine.loadRules();
  const m = meter(es);
  const window = { startMs: nowMs - 24 * HOUR, endMs: nowMs };
  const byMode = new Map<string, { seconds: number; rules: number; requests: number; bytes: number; hits: number }>();
  const started = performance.now();
  for (const mm of modes) {
    m.reset();
    const t0 = performance.now();
    const names = engine.ruleNames().filter((n) => n.endsWith(` ${mm}`));
    let hits = 0;
    // Concurrency as in production (max_threads).
    let next = 0;
    await Promise.all(
      Array.from({ length: config.maxThreads }, async () => {
        while (next < names.length) {
          const name = names[next++];
          if (!name) continue;
          const outcome = await engine.runOne(name, window);
          hits += outcome.hits;
        }
      }),
    );
    byMode.set(mm, { seconds: (performance.now() - t0) / 1000, rules: names.length, requests: m.requests, bytes: m.bytes, hits });
  }
  const total = (performance.now() - started) / 1000;
  // Steady state: what every scheduled run costs, each rule over one run_every window of the data.
  m.reset();
  const steadyStart = performance.now();
  await engine.runAllOnce({ startMs: nowMs - 10 * 60_000, endMs: nowMs - 5 * 60_000 });
  const steady = (performance.now() - steadyStart) / 1000;
  const steadyRequests = m.requests;
  console.log(
    `\n${ruleCount} frequency rules, each over 24 h of ${events} events (${Math.round(events * 0.3)} failures, 1/20 per rule's host)`,
  );
  console.log('mode              rules   seconds  rules/s  ES requests  MB received  hits counted');
  for (const [mm, r] of byMode) {
    console.log(
      `${mm.padEnd(16)} ${String(r.rules).padStart(6)} ${r.seconds.toFixed(1).padStart(9)} ${(r.rules / r.seconds).toFixed(2).padStart(8)} ${String(r.requests).padStart(12)} ${(r.bytes / 1e6).toFixed(1).padStart(12)} ${String(r.hits).padStart(13)}`,
    );
  }
  console.log(`all ${ruleCount} rules: ${total.toFixed(1)} s, ${(ruleCount / total).toFixed(2)} rules/s`);
  console.log(
    `steady state (each rule over one 5-minute window): ${steady.toFixed(1)} s, ${(ruleCount / steady).toFixed(1)} rules/s, ${steadyRequests} requests`,
  );
}

async function keys(es: EsHandle, nowMs: number): Promise<void> {
  const keyCount = Number(values.keys);
  const types = (values.types ?? '').split(',').filter(Boolean);
  const index = 'bench-keys';
  const perKey = 12;
  // Every key logs steadily over the last 2 hours; the reference data for spike and the
  // history for new_term and flatline is all there before the first run.
  const loadSeconds = await bulkLoad(es, index, keyCount * perKey, (i) => ({
    '@timestamp': new Date(nowMs - 2 * HOUR + Math.floor(((i % perKey) / perKey) * 2 * HOUR) + (i % 997)).toISOString(),
    host: { name: `host-${Math.floor(i / perKey)}` },
    user: { agent: `agent-${Math.floor(i / perKey) % 50}` },
    bytes: 100 + (i % 13),
  }));
  console.log(`indexed ${keyCount * perKey} events for ${keyCount} keys in ${loadSeconds.toFixed(1)} s`);
  const ruleFor: Record<string, string> = {
    spike: 'type: spike\ntimeframe: {minutes: 30}\nspike_height: 3\nspike_type: up\nthreshold_cur: 5\nquery_key: host.name',
    flatline: 'type: flatline\ntimeframe: {minutes: 30}\nthreshold: 1\nquery_key: host.name\nknown_keys_lookback: {hours: 2}',
    new_term: 'type: new_term\nfields: [host.name]\nterms_window_size: {hours: 2}\nuse_keyword_postfix: false',
  };
  const files = Object.fromEntries(
    types.map((t) => [
      `${t}.yaml`,
      `name: bench ${t}\nindex: ${index}\n${ruleFor[t] ?? `type: ${t}`}\nrun_every: {minutes: 1}\nalert: [debug]\n`,
    ]),
  );
  const config = resolveConfig(
    { rules_folder: rulesFolder(files), writeback_index: 'bench-wb-keys' },
    { file: undefined, env: {}, cwd: process.cwd() },
  );
  await initWriteback(es, config.writebackIndex);
  const clock = new ManualClock(nowMs);
  const engine = new Engine({ config, es, log: silentLogger(), clock, env: {}, out: () => undefined });
  const { problems } = engine.loadRules();
  if (problems.length) console.log(problems.join('\n'));
  const m = meter(es);
  console.log(`\nper run, ${keyCount} distinct query_key values`);
  console.log('rule type    run            ES requests  KB received  seconds  matches');
  for (const name of engine.ruleNames()) {
    for (const [label, at] of [
      ['first (seed)', nowMs],
      ['steady', nowMs + 60_000],
    ] as const) {
      clock.advance(Math.max(0, at - clock.now()));
      m.reset();
      const t0 = performance.now();
      const outcome = await engine.runOne(name);
      if (outcome.error) throw outcome.error;
      console.log(
        `${name.replace('bench ', '').padEnd(12)} ${label.padEnd(14)} ${String(m.requests).padStart(11)} ${(m.bytes / 1e3).toFixed(1).padStart(12)} ${((performance.now() - t0) / 1000).toFixed(2).padStart(8)} ${String(outcome.matches).padStart(8)}`,
      );
    }
    clock.advance(0);
  }
}

const cluster = await provisionElasticsearch({ log: { info: (msg) => process.stderr.write(`[elasticsearch] ${msg}\n`) } });
const es = createEsClient({ ...settingsFromConnection(cluster.connection), requestTimeoutMs: 120_000 });
try {
  const nowMs = Date.now();
  if (mode === 'frequency') await frequency(es, nowMs);
  else if (mode === 'keys') await keys(es, nowMs);
  else throw new Error(`unknown mode ${mode}: use frequency or keys`);
} finally {
  await es.close();
  await cluster.stop();
}
