import { realpathSync } from 'node:fs';
import { Engine } from '../../engine.ts';
import { createLogger, type Logger } from '../../log.ts';
import { Metrics } from '../../ops/metrics.ts';
import { startOpsServer, type OpsServer } from '../../ops/server.ts';
import { isLoopback, opsSettings } from '../../ops/settings.ts';
import { connect, openEs } from '../connect.ts';
import { waitForElasticsearch } from '../wait-for-es.ts';
import type { CliIO } from '../io.ts';
import { AlertLedger, onceWindow, runOnce } from './run-once.ts';

export interface RunOptions {
  config?: string;
  once?: boolean;
  rule?: string;
  start?: string;
  end?: string;
  /** --once: print the run (every alert, per alerter) as JSON on stdout. */
  json?: boolean;
  /** --once: exit ALERTS_FIRED_EXIT when an alert fired. */
  failOnAlerts?: boolean;
}

/**
 * `logwarden run`: schedules every rule until SIGTERM/SIGINT, then lets runs in flight finish.
 * With --once: each rule (or --rule) runs once, over --start/--end when given, and exits
 * non-zero if any run failed.
 */
export async function runCommand(opts: RunOptions, io: CliIO): Promise<number> {
  if ((opts.json || opts.failOnAlerts) && !(opts.once || opts.start || opts.end)) {
    io.err(`run: ${opts.json ? '--json' : '--fail-on-alerts'} reports one pass over the rules: add --once (or --start/--end)`);
    return 2;
  }
  const continuous = !(opts.once || opts.start || opts.end);
  // A one-off run fails fast when Elasticsearch is away; a long-running one waits for it (below).
  const { config, es } = continuous ? openEs(opts.config, io) : await connect(opts.config, io);
  const log = createLogger();
  // Metrics only for a long-running process: a one-off run has nobody to scrape it.
  const metrics = continuous ? new Metrics() : undefined;
  const ledger = new AlertLedger();
  // A backfill (--start/--end) measures realert in event time: from the wall clock, every repeat
  // of a key after its first alert in the window would be dropped. (ElastAlert2 uses the wall clock.)
  const window = continuous ? undefined : onceWindow(opts, Date.now());
  // With --json, stdout holds the JSON only; the stdout alerter prints on stderr instead.
  const out = opts.json ? io.err : io.out;
  const engine = new Engine({ config, es, log, env: io.env, out, observer: metrics ?? ledger, replay: window !== undefined });
  const { loaded, problems } = engine.loadRules();
  if (loaded === 0) {
    io.err(`No enabled rules loaded from ${config.rulesFolder}${problems.length ? ` (${problems.length} problems above)` : ''}.`);
    await es.close();
    return problems.length ? 2 : 1;
  }
  if (!continuous) {
    try {
      return await runOnce(engine, ledger, window, opts, problems, io);
    } finally {
      await es.close();
    }
  }
  let ops: OpsServer | undefined;
  const settings = opsSettings(config);
  if (metrics) {
    metrics.initRules(engine.ruleNames());
    metrics.watchElasticsearch(es);
    metrics.setPendingSource(() => engine.outbox.pendingCount());
  }
  let waitingReason: string | undefined = 'starting: Elasticsearch not reached yet';
  const stopped = new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  if (metrics && settings.enabled) {
    try {
      ops = await startOpsServer({ settings, engine, metrics, log, starting: () => waitingReason });
    } catch (error) {
      // Before any rule runs: a port clash is a configuration mistake to fix, not to run without probes.
      const code = (error as NodeJS.ErrnoException).code ?? (error instanceof Error ? error.message : String(error));
      io.err(`Cannot start the ops server on ${settings.bind}:${settings.port} (${code}): set ops_port (or LOGWARDEN_OPS_PORT) to a free port, or ops_enabled: false.`);
      await es.close();
      return 1;
    }
    const what = settings.statusPage ? '/metrics, /healthz, /readyz, status page at /' : '/metrics, /healthz, /readyz';
    log.info({ ops_url: ops.url }, `ops server listening on ${ops.url} (${what})`);
    if (settings.statusPage && !isLoopback(settings.bind)) {
      log.info(`the status page on ${settings.bind} shows alert texts to anyone who can reach port ${ops.port}; restrict it (NetworkPolicy, firewall) or set status_page: false`);
    }
  }
  if (!(await waitForElasticsearch({ es, writebackBase: config.writebackIndex, log, stopped, onReason: (r) => { waitingReason = r; } }))) {
    log.info('stopped before Elasticsearch answered');
    await ops?.close();
    await es.close();
    return 0;
  }
  engine.start();
  const stopRetarget = reloadWhenRetargeted(config.rulesFolder, engine, log);
  log.info(`LogWarden running ${loaded} rules from ${config.rulesFolder}; Ctrl-C to stop`);
  await stopped;
  log.info('stopping: waiting for runs in flight');
  // The ops server stays up while runs drain, so liveness probes and a last scrape still answer.
  stopRetarget();
  await engine.stop();
  await ops?.close();
  await es.close();
  return 0;
}

/**
 * git-sync publishes each checkout by pointing a symlink at a new folder and deleting the old one.
 * The engine's file watcher keeps watching the folder it resolved at start, so it sees the first
 * switch only; this notices every later one (the resolved path changes) and reloads the rules.
 */
export function reloadWhenRetargeted(folder: string, engine: Pick<Engine, 'reloadRules'>, log: Pick<Logger, 'info'>, everyMs = 10_000): () => void {
  const resolve = (): string | undefined => {
    try {
      return realpathSync(folder);
    } catch {
      return undefined; // mid-switch: try again next time
    }
  };
  let current = resolve();
  const timer = setInterval(() => {
    const now = resolve();
    if (now === undefined || now === current) return;
    current = now;
    void engine.reloadRules().then(({ loaded, abandoned }) => abandoned || log.info(`rules folder now points to ${now}; rules reloaded: ${loaded} enabled`));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
