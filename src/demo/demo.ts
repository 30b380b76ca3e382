import path from 'node:path';
import { resolveConfig } from '../config/load-config.ts';
import { createEsClient, settingsFromConnection, type EsHandle } from '../es/client.ts';
import { provisionElasticsearch, type ProvisionedCluster } from '../es/provision/index.ts';
import { Engine } from '../engine.ts';
import { backgroundEvents, generate, type Manifest } from '../generator/generate.ts';
import { installTemplates, loadEvents, ttyProgress } from '../generator/load.ts';
import { SOURCES } from '../generator/types.ts';
import type { Logger } from '../log.ts';
import { systemClock, type Clock } from '../schedule/clock.ts';
import { initWriteback } from '../writeback/init.ts';
import { esStores } from '../store/es/stores.ts';
import { formatSummary, summarise, type DemoAlert, type DemoSummary } from './summary.ts';

const MIN = 60_000;

export interface DemoOptions {
  env: NodeJS.ProcessEnv;
  log: Logger;
  /** Progress and the summary. */
  say: (line: string) => void;
  /** Where alerts are printed (the stdout alerter). */
  out: (text: string) => void;
  rulesFolder: string;
  /** Generated history before "now"; default 2 hours. */
  historyMs?: number;
  /** How long to keep running live after catching up; default 60 s (0 skips the live part). */
  liveMs?: number;
  seed?: number;
  benignOnly?: boolean;
  writebackIndex?: string;
  /** Use this cluster instead of provisioning one. */
  es?: EsHandle;
  clock?: Clock;
  /** Called once the live phase may be stopped early (Ctrl-C). */
  onStop?: (stop: () => void) => void;
}

export interface DemoResult {
  manifest: Manifest;
  summary: DemoSummary;
  rulesRun: number;
  seconds: number;
}

/** The first minutes of the generated history: every normal value appears there (the new_term baseline). */
const WARMUP_MS = 15 * MIN;

/**
 * The main job on a fresh machine: an Elasticsearch (provisioned like the tests), the last hours
 * of realistic shipped logs with attack scenarios, the bundled rule pack catching up over them and
 * then running live for a while, alerts printed, and a summary of what was caught.
 */
export async function runDemo(opts: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const clock = opts.clock ?? systemClock;
  let cluster: ProvisionedCluster | undefined;
  let es = opts.es;
  if (!es) {
    cluster = await provisionElasticsearch({ env: opts.env, log: { info: (m) => opts.say(`[elasticsearch] ${m}`) } });
    es = createEsClient({ ...settingsFromConnection(cluster.connection), requestTimeoutMs: 60_000 });
  }
  try {
    const now = clock.now();
    const range = { fromMs: now - (opts.historyMs ?? 120 * MIN), toMs: now };
    const seed = opts.seed ?? 42;
    const generation = generate({ range, seed, benignOnly: opts.benignOnly ?? false });
    opts.say(
      `Generating ${formatHours(range.toMs - range.fromMs)} of Kubernetes audit, auth, CloudTrail, proxy and Falco logs (seed ${seed})${opts.benignOnly ? ', benign only' : `, with ${generation.scenarios.length} attack scenarios`}`,
    );
    await installTemplates(es);
    const loaded = await loadEvents(es, generation.events(), { onProgress: process.stderr.isTTY ? ttyProgress() : () => undefined });
    opts.say(`Loaded ${loaded.counts.total} events into ${loaded.indices.length} indices in ${loaded.seconds.toFixed(1)} s`);
    const manifest = generation.manifest(loaded.counts);

    const config = resolveConfig(
      { rules_folder: opts.rulesFolder, writeback_index: opts.writebackIndex ?? 'logwarden-demo', run_every: { seconds: 10 } },
      { file: undefined, env: opts.env, cwd: process.cwd() },
    );
    await initWriteback(es, config.writebackIndex);
    const engine = new Engine({ config, es, log: opts.log, clock, env: opts.env, out: opts.out });
    const { loaded: rulesRun, problems } = engine.loadRules();
    for (const p of problems) opts.say(`rule problem: ${p}`);
    // Catch up over the history, after the warm-up that new_term rules take as their baseline.
    opts.say(`Running ${rulesRun} rules over the generated history...`);
    const outcomes = await engine.runAllOnce({ startMs: range.fromMs + WARMUP_MS, endMs: range.toMs });
    for (const o of outcomes) if (o.error) opts.say(`rule "${o.ruleName}" failed: ${o.error.message}`);

    if ((opts.liveMs ?? 60_000) > 0) await runLive(opts, engine, es, seed, clock);

    const alerts = await alertsByRuleId(engine, es, config.writebackIndex);
    const summary = summarise(manifest, alerts);
    const seconds = (performance.now() - started) / 1000;
    opts.say(formatSummary(summary, rulesRun, seconds));
    return { manifest, summary, rulesRun, seconds };
  } finally {
    if (cluster) {
      await es.close();
      await cluster.stop();
    }
  }
}

/** Keeps shipping benign logs every few seconds while the scheduler runs the rules, then stops. */
async function runLive(opts: DemoOptions, engine: Engine, es: EsHandle, seed: number, clock: Clock): Promise<void> {
  const liveMs = opts.liveMs ?? 60_000;
  opts.say(`Running live for ${Math.round(liveMs / 1000)} s: new events every 5 s, rules every 10 s (Ctrl-C ends it early)`);
  engine.start({ watch: false });
  let stopped = false;
  let wake: (() => void) | undefined;
  opts.onStop?.(() => {
    stopped = true;
    wake?.();
  });
  const end = clock.now() + liveMs;
  let from = clock.now();
  while (!stopped && clock.now() < end) {
    await new Promise<void>((resolve) => {
      wake = resolve;
      clock.setTimer(resolve, 5_000);
    });
    const to = clock.now();
    const events = SOURCES.flatMap((source) => [...backgroundEvents(source, { fromMs: from, toMs: to }, `${seed}-live`)]);
    if (events.length > 0) await loadEvents(es, events, { onProgress: () => undefined });
    from = to;
  }
  await engine.stop();
}

async function alertsByRuleId(engine: Engine, es: EsHandle, writebackIndex: string): Promise<DemoAlert[]> {
  const store = esStores(es, writebackIndex).alerts;
  const alerts: DemoAlert[] = [];
  for (const name of engine.ruleNames()) {
    const rule = engine.ruleDefinition(name);
    if (!rule) continue;
    const ruleId = path.basename(rule.file).replace(/\.ya?ml$/, '');
    // Matches held for an aggregation count as caught: the summary alert follows when the period ends.
    for (const a of await store.ofRule(name))
      if (a.alertInfo.kind !== 'aggregate' && a.alertInfo.kind !== 'flood_digest') alerts.push({ ruleId, key: a.queryKey });
  }
  return alerts;
}

function formatHours(ms: number): string {
  const h = ms / 3_600_000;
  return Number.isInteger(h) ? `${h} hour${h === 1 ? '' : 's'}` : `${Math.round(ms / 60_000)} minutes`;
}
