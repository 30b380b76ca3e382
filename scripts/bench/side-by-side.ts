// `node scripts/bench.ts side-by-side`: the same data and rules run by LogWarden (`run --once`),
// by ElastAlert2 2.31 (`elastalert --start --end`) and by a direct `_msearch` of the minimal
// aggregations (the floor), in alternating rounds; prints the medians with ratios to the floor,
// where each tool's requests go, and whether the two tools sent the same alerts. docs/benchmarks.md.
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { clusterVersion, createEsClient, settingsFromConnection, type EsHandle } from '../../src/es/client.ts';
import { connectionFromEnv, type EsConnection } from '../../src/es/provision/index.ts';
import { defaultCacheDir, startLocal } from '../../src/es/provision/local-distribution.ts';
import { lookupField } from '../../src/pycompat/index.ts';
import { AlertCollector } from '../conformance/collector.ts';
import { ensureElastalert2, findPython, venvDir } from '../conformance/elastalert2.ts';
import { ensureData, HOUR, PRESETS, type Scale, type Window } from './data.ts';
import { CountingProxy } from './proxy.ts';
import {
  alertsByRule,
  compareAlerts,
  formatAgreement,
  formatEndpoints,
  formatTable,
  medianMeasure,
  type EndpointCount,
  type Measure,
  type RuleAlerts,
} from './report.ts';
import { ruleMix, type BenchRule } from './rules.ts';
import { measureProcess, ranRule, type ProcessCost } from './tools.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const log = (m: string): void => void process.stderr.write(`[bench] ${m}\n`);

export const SIDE_BY_SIDE_HELP = `node scripts/bench.ts side-by-side [options]
  --preset small|full   small: 50,000 events in the hour, 12,500 before it, 24 rules (default);
                        full: 1,000,000 / 250,000 / 200 rules (the issue's scale)
  --events N --history N --rules N   override the preset
  --rounds N            alternating rounds, medians reported (default 2)
  --tools LIST          of logwarden,elastalert2,floor (default all three)
  --logwarden DIR        run LogWarden from this checkout (default: this one), to compare two versions
  --drop-data           delete the data index at the end (kept by default and reused when it matches)
Elasticsearch: ES_URL (ES_USERNAME, ES_PASSWORD) when set, else a local one started with a 1 GiB heap
(use a cluster nothing else is using: its query/fetch time is measured as a whole).`;

type Tool = 'logwarden' | 'elastalert2' | 'floor';
const LABELS: Record<Tool, string> = {
  elastalert2: 'ElastAlert2 2.31',
  logwarden: 'LogWarden `run --once`',
  floor: 'the same questions as size-0 aggregations in `_msearch`',
};

interface RunResult {
  measure: Measure;
  endpoints: Map<string, EndpointCount>;
  alerts?: Map<string, RuleAlerts>;
}

/** Elasticsearch's cumulative query + fetch time over all nodes. */
async function queryFetchMs(es: EsHandle): Promise<number> {
  const stats = await es.client.nodes.stats({ metric: 'indices', index_metric: 'search' });
  return Object.values(stats.nodes).reduce(
    (s, n) => s + (n.indices?.search?.query_time_in_millis ?? 0) + (n.indices?.search?.fetch_time_in_millis ?? 0),
    0,
  );
}

function keyOf(rule: BenchRule, body: Record<string, unknown>): string {
  const v = rule.keyFields.map((f) => lookupField(body, f)).find((x) => x !== undefined);
  return v === undefined || v === null ? '-' : String(v);
}

/** config.yaml in ElastAlert2's keys, pointed at the counting proxy. */
function configYaml(rulesDir: string, proxyPort: number, c: EsConnection, writeback: string, extra: string[]): string {
  return [
    `rules_folder: ${JSON.stringify(rulesDir)}`,
    'es_host: 127.0.0.1',
    `es_port: ${proxyPort}`,
    ...(c.username ? [`es_username: ${JSON.stringify(c.username)}`, `es_password: ${JSON.stringify(c.password ?? '')}`] : []),
    `writeback_index: ${writeback}`,
    'run_every: {minutes: 1}',
    'buffer_time: {minutes: 15}',
    'old_query_limit: {weeks: 1}',
    'alert_time_limit: {days: 2}',
    'max_threads: 10',
    ...extra,
    '',
  ].join('\n');
}

const ea2Time = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

interface Context {
  es: EsHandle;
  conn: EsConnection;
  proxy: CountingProxy;
  collector: AlertCollector;
  dir: string;
  index: string;
  scale: Scale;
  window: Window;
  elastalert2Bin: string | undefined;
  /** src/cli/main.ts of the LogWarden checkout under test. */
  logwardenMain: string;
}

async function runTool(tool: Tool, round: number, ctx: Context): Promise<RunResult> {
  const tag = `bench-wb-${tool}-${round}-${process.pid}`;
  const inbox = `r${round}/${tool}`;
  const runDir = path.join(ctx.dir, `${tool}-${round}`);
  const rulesDir = path.join(runDir, 'rules');
  mkdirSync(rulesDir, { recursive: true });
  const rules = ruleMix(ctx.scale.rules, ctx.index, ctx.scale, ctx.window, (file) => ctx.collector.urlFor(`${inbox}/${file}`));
  for (const r of rules) writeFileSync(path.join(rulesDir, r.file), r.yaml);
  const env: NodeJS.ProcessEnv = { ...process.env };
  // Each tool must reach Elasticsearch through the proxy named in its config.yaml only.
  for (const k of ['ES_URL', 'ES_USERNAME', 'ES_PASSWORD', 'ES_API_KEY', 'ES_CA_CERT']) delete env[k];
  const proxyUrl = `http://127.0.0.1:${ctx.proxy.port}`;
  const timeFile = path.join(runDir, 'time.txt');
  let cost: ProcessCost;
  let before: number;
  if (tool === 'floor') {
    const file = path.join(runDir, 'searches.json');
    writeFileSync(file, JSON.stringify({ index: ctx.index, searches: rules.map((r) => r.floor) }));
    ctx.proxy.reset(undefined);
    before = await queryFetchMs(ctx.es);
    cost = await measureProcess({
      cmd: process.execPath,
      args: [path.join(root, 'scripts', 'bench', 'floor.ts'), file],
      cwd: root,
      env: {
        ...env,
        ES_URL: proxyUrl,
        ...(ctx.conn.username ? { ES_USERNAME: ctx.conn.username, ES_PASSWORD: ctx.conn.password ?? '' } : {}),
      },
      timeoutMs: 3_600_000,
      timeFile,
    });
  } else if (tool === 'logwarden') {
    const config = path.join(runDir, 'config.yaml');
    writeFileSync(config, configYaml(rulesDir, ctx.proxy.port, ctx.conn, tag, []), { mode: 0o600 });
    const init = await measureProcess({
      cmd: process.execPath,
      args: [ctx.logwardenMain, 'init', '--config', config],
      cwd: root,
      env,
      timeoutMs: 120_000,
      timeFile,
    });
    if (init.exitCode !== 0) throw new Error(`logwarden init failed:\n${init.tail}`);
    ctx.proxy.reset(tag);
    before = await queryFetchMs(ctx.es);
    cost = await measureProcess({
      cmd: process.execPath,
      args: [
        ctx.logwardenMain,
        'run',
        '--once',
        '--config',
        config,
        '--start',
        new Date(ctx.window.startMs).toISOString(),
        '--end',
        new Date(ctx.window.endMs).toISOString(),
      ],
      cwd: root,
      env,
      timeoutMs: 3_600_000,
      timeFile,
    });
  } else {
    if (!ctx.elastalert2Bin) throw new Error('ElastAlert2 is not installed');
    const bin = path.dirname(ctx.elastalert2Bin);
    const config = path.join(runDir, 'config.yaml');
    // A pass over many rules queues them behind max_threads: the default 5 s grace would skip most.
    writeFileSync(config, configYaml(rulesDir, ctx.proxy.port, ctx.conn, tag, ['misfire_grace_time: 36000']), { mode: 0o600 });
    const init = await measureProcess({
      cmd: path.join(bin, 'elastalert-create-index'),
      args: ['--config', config],
      cwd: runDir,
      env,
      timeoutMs: 120_000,
      timeFile,
    });
    if (init.exitCode !== 0) throw new Error(`elastalert-create-index failed:\n${init.tail}`);
    ctx.proxy.reset(tag);
    before = await queryFetchMs(ctx.es);
    const done = new Set<string>();
    const names = new Set(rules.map((r) => r.name));
    cost = await measureProcess({
      cmd: path.join(bin, 'elastalert'),
      args: ['--config', config, '--start', ea2Time(ctx.window.startMs), '--end', ea2Time(ctx.window.endMs), '--verbose'],
      cwd: runDir,
      env,
      timeoutMs: 3_600_000,
      timeFile,
      // After its pass ElastAlert2 sleeps out its run_every before exiting: the pass ends when every rule has run.
      doneWhen: (line) => {
        const ran = ranRule(line);
        if (ran !== undefined && names.has(ran)) done.add(ran);
        return done.size === names.size;
      },
    });
  }
  const after = await queryFetchMs(ctx.es);
  if (cost.exitCode !== 0) throw new Error(`${tool} exited ${cost.exitCode}:\n${cost.tail.slice(-3000)}`);
  const measure: Measure = {
    wallS: cost.wallS,
    cpuS: cost.cpuS,
    peakRssMb: cost.peakRssMb,
    requests: ctx.proxy.requests,
    mbReceived: ctx.proxy.bytes / 1e6,
    esQueryFetchMs: after - before,
  };
  const endpoints = new Map(ctx.proxy.byEndpoint);
  if (tool === 'floor') return { measure, endpoints };
  const alerts = rules.flatMap((rule) => {
    const inboxed = ctx.collector.take(`${inbox}/${rule.file.replace(/\.yaml$/, '')}`);
    if (inboxed.bad > 0) throw new Error(`${tool}: ${inboxed.bad} alert bodies of ${rule.name} were not JSON objects`);
    return inboxed.alerts.map((body) => ({ rule: rule.name, key: keyOf(rule, body) }));
  });
  return { measure, endpoints, alerts: alertsByRule(alerts) };
}

/** What `GET /` answers on a cluster that allows it, from the node info (see CountingProxy). */
async function rootInfo(es: EsHandle): Promise<Record<string, unknown>> {
  const info = await es.client.nodes.info({ node_id: '_local', metric: '_none' });
  const node = Object.values(info.nodes)[0];
  return {
    name: node?.name,
    cluster_name: info.cluster_name,
    version: {
      number: node?.version,
      build_flavor: 'default',
      lucene_version: '',
      minimum_wire_compatibility_version: '',
      minimum_index_compatibility_version: '',
    },
    tagline: 'You Know, for Search',
  };
}

async function connect(): Promise<{ conn: EsConnection; stop: () => Promise<void> }> {
  const fromEnv = connectionFromEnv(process.env);
  if (fromEnv) return { conn: fromEnv, stop: async () => {} };
  const cluster = await startLocal({
    version: process.env.LOGWARDEN_ES_VERSION ?? '8.19.21',
    cacheDir: defaultCacheDir(process.env),
    env: process.env,
    log: { info: log },
    interactive: false,
    heap: '1g',
  });
  return { conn: cluster.connection, stop: () => cluster.stop() };
}

export async function sideBySide(argv: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      preset: { type: 'string', default: 'small' },
      events: { type: 'string' },
      history: { type: 'string' },
      rules: { type: 'string' },
      rounds: { type: 'string', default: '2' },
      tools: { type: 'string', default: 'logwarden,elastalert2,floor' },
      'drop-data': { type: 'boolean', default: false },
      logwarden: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    process.stdout.write(`${SIDE_BY_SIDE_HELP}\n`);
    return 0;
  }
  const preset = PRESETS[values.preset as keyof typeof PRESETS];
  if (!preset) throw new Error(`--preset must be small or full, not ${JSON.stringify(values.preset)}`);
  const scale: Scale = {
    events: Number(values.events ?? preset.events),
    history: Number(values.history ?? preset.history),
    rules: Number(values.rules ?? preset.rules),
  };
  const tools = values.tools.split(',').filter(Boolean) as Tool[];
  for (const t of tools) if (!(t in LABELS)) throw new Error(`--tools: unknown tool ${JSON.stringify(t)} (logwarden, elastalert2, floor)`);
  const rounds = Math.max(1, Number(values.rounds) || 1);

  let elastalert2Bin: string | undefined;
  if (tools.includes('elastalert2')) {
    const python = findPython(process.env);
    if (!('python' in python))
      throw new Error(`ElastAlert2 needs Python >= 3.12 (looked at ${python.lookedAt.join(', ')}); or run --tools logwarden,floor`);
    elastalert2Bin = ensureElastalert2(python.python, venvDir(process.env), log);
  }
  // The last whole hour: in the past (ElastAlert2 refuses a start in the future) and the same all hour, so the data is reused.
  const endMs = Math.floor(Date.now() / HOUR) * HOUR;
  const window: Window = { startMs: endMs - HOUR, endMs };
  const { conn, stop } = await connect();
  const es = createEsClient({ ...settingsFromConnection(conn), requestTimeoutMs: 300_000 });
  const proxy = await CountingProxy.start(conn.url, await rootInfo(es));
  const collector = await AlertCollector.start();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logwarden-bench-'));
  const index = `bench-sbs-${scale.events}-${scale.history}`;
  try {
    log(
      `Elasticsearch ${await clusterVersion(es)}; window ${new Date(window.startMs).toISOString()} – ${new Date(window.endMs).toISOString()}`,
    );
    await ensureData(es, index, window, scale, log);
    const results = new Map<Tool, RunResult[]>(tools.map((t) => [t, []]));
    for (let round = 1; round <= rounds; round++) {
      // Alternating order, so neither tool always runs on the caches the other warmed.
      const order = round % 2 === 1 ? tools : [...tools].reverse();
      for (const tool of order) {
        log(`round ${round}: ${tool}`);
        const r = await runTool(tool, round, {
          es,
          conn,
          proxy,
          collector,
          dir,
          index,
          scale,
          window,
          elastalert2Bin,
          logwardenMain: path.join(path.resolve(values.logwarden ?? root), 'src', 'cli', 'main.ts'),
        });
        log(`round ${round}: ${tool}: ${r.measure.wallS.toFixed(1)} s wall, ${r.measure.requests} requests`);
        results.get(tool)?.push(r);
      }
    }
    const shown = (['elastalert2', 'logwarden', 'floor'] as const).filter((t) => tools.includes(t));
    const out: string[] = [
      `${scale.rules} rules (12 types) over ${scale.events.toLocaleString('en-US')} events in one hour, ${scale.history.toLocaleString('en-US')} before it; medians of ${rounds} round(s), ratios to the floor`,
      '',
    ];
    out.push(formatTable(shown.map((t) => ({ label: LABELS[t], measure: medianMeasure((results.get(t) ?? []).map((r) => r.measure)) }))));
    for (const t of shown)
      out.push(
        '',
        `${LABELS[t]}: requests and bytes received by endpoint (round 1)`,
        formatEndpoints(results.get(t)?.[0]?.endpoints ?? new Map()),
      );
    let disagreements = 0;
    if (tools.includes('elastalert2') && tools.includes('logwarden')) {
      const ruleNames = ruleMix(scale.rules, index, scale, window, () => '').map((r) => r.name);
      for (let round = 0; round < rounds; round++) {
        const d = compareAlerts(
          ruleNames,
          results.get('elastalert2')?.[round]?.alerts ?? new Map(),
          results.get('logwarden')?.[round]?.alerts ?? new Map(),
        );
        disagreements += d.length;
        out.push('', `round ${round + 1}: ${formatAgreement(ruleNames.length, d)}`);
      }
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return disagreements === 0 ? 0 : 3;
  } finally {
    await es.client.indices
      .delete({ index: `bench-wb-*-${process.pid}*`, ignore_unavailable: true, allow_no_indices: true })
      .catch((e: unknown) => log(`cleanup: ${String(e)}`));
    if (values['drop-data']) await es.client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
    await collector.stop();
    await proxy.stop();
    await es.close();
    rmSync(dir, { recursive: true, force: true });
    await stop();
  }
}
