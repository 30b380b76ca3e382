// Sample security logs for the demo, the rule pack's end-to-end test and benchmarks: a benign
// background of Kubernetes audit, Linux auth, CloudTrail, proxy and Falco logs, with attack scenarios
// injected at known times, loaded into Elasticsearch.
//
//   node scripts/generate-logs.ts [--from -2h] [--to now] [--seed 42] [--scenarios all|name[@time],...]
//                                 [--benign-only] [--rate 1] [--es-url URL] [--json] [--dry-run]
//
// Elasticsearch: --es-url, else ES_URL (with ES_USERNAME/ES_PASSWORD or ES_API_KEY, ES_CA_CERT),
// else one is started as the tests do (Docker, or the local distribution) and kept running until
// Ctrl-C so the data can be used (--exit stops it once loaded).
import { parseArgs } from 'node:util';
import { parseTime } from '../src/config/time.ts';
import { createEsClient, settingsFromConnection } from '../src/es/client.ts';
import { provisionElasticsearch, type ProvisionedCluster } from '../src/es/provision/index.ts';
import { countEvents, generate, type Generation, type Manifest, type ScenarioRequest } from '../src/generator/generate.ts';
import { indexPattern } from '../src/generator/indices.ts';
import { installTemplates, loadEvents } from '../src/generator/load.ts';
import { SCENARIOS } from '../src/generator/scenarios.ts';
import { SOURCES } from '../src/generator/types.ts';

const USAGE = `usage: node scripts/generate-logs.ts [options]

  --from TIME          start of the range: ISO time, date, or relative like -2h (default -2h)
  --to TIME            end of the range (default now)
  --seed SEED          same seed, range, rate and scenarios: the same events (default 42)
  --scenarios LIST     all, or names separated by commas, each optionally name@TIME (default all)
  --benign-only        the background only, no scenario
  --rate N             scale the high-volume background (default 1: ~21,000 events an hour)
  --es-url URL         Elasticsearch to load into (else ES_URL, else one is started)
  --prefix P           prepend P to every index and template name
  --json               print the manifest (what was injected when, what should fire) as JSON
  --dry-run            generate and count only, load nothing
  --exit               stop an Elasticsearch this command started once loaded
  --list               list the scenarios and what each should fire, then exit
  -h, --help

Scenarios: ${SCENARIOS.map((s) => s.name).join(', ')}`;

function fail(message: string): never {
  process.stderr.write(`generate-logs: ${message}\n`);
  process.exit(2);
}

// parseArgs refuses a value that starts with a dash ("--from -2h"), which relative times do:
// glue such values to their option as "--from=-2h" first.
const VALUED = new Set(['--from', '--to', '--seed', '--scenarios', '--rate', '--es-url', '--prefix']);
const argv: string[] = [];
for (let i = 2; i < process.argv.length; i++) {
  const arg = process.argv[i] ?? '';
  const next = process.argv[i + 1];
  if (VALUED.has(arg) && next !== undefined && /^-\d/.test(next)) {
    argv.push(`${arg}=${next}`);
    i++;
  } else {
    argv.push(arg);
  }
}

let parsed;
try {
  parsed = parseArgs({
    args: argv,
    options: {
      from: { type: 'string', default: '-2h' },
      to: { type: 'string', default: 'now' },
      seed: { type: 'string', default: '42' },
      scenarios: { type: 'string', default: 'all' },
      'benign-only': { type: 'boolean', default: false },
      rate: { type: 'string', default: '1' },
      'es-url': { type: 'string' },
      prefix: { type: 'string', default: '' },
      json: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
      exit: { type: 'boolean', default: false },
      list: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
} catch (error) {
  fail(`${error instanceof Error ? error.message : String(error)}\n${USAGE}`);
}
const opts = parsed.values;
if (opts.help) {
  process.stdout.write(`${USAGE}\n`);
  process.exit(0);
}
if (opts.list) {
  for (const s of SCENARIOS) {
    process.stdout.write(
      `${s.name.padEnd(30)} ${s.source.padEnd(11)} expect ${s.expect.map((e) => `${e.rule} (${e.field}=${e.key})`).join(', ')}\n${' '.repeat(31)}${s.description}\n`,
    );
  }
  process.exit(0);
}

const now = Date.now();
const time = (text: string, what: string): number => {
  try {
    return parseTime(text, now);
  } catch (error) {
    return fail(`${what}: ${error instanceof Error ? error.message : String(error)}`);
  }
};
const range = { fromMs: time(opts.from, '--from'), toMs: time(opts.to, '--to') };
const rate = Number(opts.rate);
if (!Number.isFinite(rate)) fail(`--rate must be a number, got ${JSON.stringify(opts.rate)}`);
const scenarios: 'all' | ScenarioRequest[] =
  opts.scenarios.trim() === 'all'
    ? 'all'
    : opts.scenarios
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean)
        .map((item) => {
          const at = item.indexOf('@');
          return at < 0 ? { name: item } : { name: item.slice(0, at), atMs: time(item.slice(at + 1), `--scenarios ${item}`) };
        });

let generation: Generation;
try {
  generation = generate({ range, seed: opts.seed, rate, scenarios, benignOnly: opts['benign-only'], prefix: opts.prefix });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

// The table goes to stdout, or to stderr when stdout carries the JSON manifest.
const out = (line = ''): void => void (opts.json ? process.stderr : process.stdout).write(`${line}\n`);
const num = (n: number): string => n.toLocaleString('en-US');
const utc = (iso: string): string => iso.replace('T', ' ').replace(/\.\d{3}Z$/, 'Z');

function summary(manifest: Manifest, loadedInto?: string, seconds?: number): void {
  const counts = manifest.counts;
  out(
    `Sample logs: seed ${manifest.seed}, ${utc(manifest.from)} .. ${utc(manifest.to)}, rate ${manifest.rate}${manifest.benignOnly ? ', benign only' : ''}`,
  );
  out();
  out(`${'source'.padEnd(12)}${'index'.padEnd(34)}${'events'.padStart(10)}`);
  for (const s of SOURCES) out(`${s.padEnd(12)}${indexPattern(s, opts.prefix).padEnd(34)}${num(counts?.bySource[s] ?? 0).padStart(10)}`);
  out(`${'total'.padEnd(46)}${num(counts?.total ?? 0).padStart(10)}`);
  if (loadedInto !== undefined && seconds !== undefined && counts) {
    out(`loaded into ${loadedInto} in ${seconds.toFixed(1)} s (${num(Math.round(counts.total / Math.max(seconds, 0.001)))} events/s)`);
  }
  if (manifest.scenarios.length > 0) {
    out();
    out(`${'scenario'.padEnd(30)}${'at (UTC)'.padEnd(22)}${'events'.padStart(7)}  expect`);
    for (const s of manifest.scenarios) {
      const expect = s.expect.map((e) => `${e.rule} ${e.field}=${e.key}`).join('; ');
      out(`${s.scenario.padEnd(30)}${utc(s.at).padEnd(22)}${String(s.events).padStart(7)}  ${expect}`);
    }
  }
}

if (opts['dry-run']) {
  const manifest = generation.manifest(countEvents(generation.events(), opts.prefix));
  summary(manifest);
  if (opts.json) process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
  process.exit(0);
}

let cluster: ProvisionedCluster;
try {
  const env = opts['es-url'] ? { ...process.env, ES_URL: opts['es-url'] } : process.env;
  cluster = await provisionElasticsearch({ env });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
const es = createEsClient(settingsFromConnection(cluster.connection));
let exitCode = 0;
try {
  await installTemplates(es, opts.prefix);
  const result = await loadEvents(es, generation.events(), { prefix: opts.prefix });
  const manifest = generation.manifest(result.counts);
  summary(manifest, es.url, result.seconds);
  if (opts.json) process.stdout.write(`${JSON.stringify(manifest, null, 2)}\n`);
} catch (error) {
  process.stderr.write(`generate-logs: ${error instanceof Error ? error.message : String(error)}\n`);
  exitCode = 1;
} finally {
  await es.close();
}

if (cluster.method === 'env' || opts.exit || exitCode !== 0) {
  await cluster.stop();
  process.exit(exitCode);
}
// We started this Elasticsearch: keep it for the demo until asked to stop.
const c = cluster.connection;
process.stderr.write(
  `\nElasticsearch keeps running until Ctrl-C:\nES_URL=${c.url}\n${c.username ? `ES_USERNAME=${c.username}\nES_PASSWORD=${c.password ?? ''}\n` : ''}`,
);
const stop = async (): Promise<void> => {
  await cluster.stop();
  process.exit(0);
};
process.on('SIGINT', () => void stop());
process.on('SIGTERM', () => void stop());
setInterval(() => {}, 1 << 30);
