import { realpathSync } from 'node:fs';
import { Engine } from '../../engine.ts';
import { createLogger, type Logger } from '../../log.ts';
import { Metrics } from '../../ops/metrics.ts';
import { startOpsServer, type OpsServer } from '../../ops/server.ts';
import { isLoopback, opsSettings } from '../../ops/settings.ts';
import { connect, openEs, parseTime } from '../connect.ts';
import { waitForElasticsearch } from '../wait-for-es.ts';
import type { CliIO } from '../io.ts';

export interface RunOptions {
  config?: string;
  once?: boolean;
  rule?: string;
  start?: string;
  end?: string;
}

/**
 * `logwarden run`: schedules every rule until SIGTERM/SIGINT, then lets runs in flight finish.
 * With --once: each rule (or --rule) runs once, over --start/--end when given, and exits
 * non-zero if any run failed.
 */
export async function runCommand(opts: RunOptions, io: CliIO): Promise<number> {
  const continuous = !(opts.once || opts.start || opts.end);
  // A one-off run fails fast when Elasticsearch is away; a long-running one waits for it (below).
  const { config, es } = continuous ? openEs(opts.config, io) : await connect(opts.config, io);
  const log = createLogger();
  // Metrics only for a long-running process: a one-off run has nobody to scrape it.
  const metrics = continuous ? new Metrics() : undefined;
  const engine = new Engine({ config, es, log, env: io.env, out: io.out, ...(metrics ? { observer: metrics } : {}) });
  const { loaded, problems } = engine.loadRules();
  if (loaded === 0) {
    io.err(`No enabled rules loaded from ${config.rulesFolder}${problems.length ? ` (${problems.length} problems above)` : ''}.`);
    await es.close();
    return problems.length ? 2 : 1;
  }
  if (opts.once || opts.start || opts.end) {
    const now = Date.now();
    const window = opts.start || opts.end ? { startMs: parseTime(opts.start ?? '-1h', now), endMs: parseTime(opts.end ?? 'now', now) } : undefined;
    const outcomes = opts.rule ? [await engine.runOne(opts.rule, window)] : await engine.runAllOnce(window);
    // Aggregation digests whose period ended by now (aggregate_by_match_time over past matches)
    // go out before exiting, as the next pass of a long-running process would send them; without
    // this a one-off run left them unsent until some later run (issue #19 item 3).
    const after = await engine.processDeliveries();
    await es.close();
    const failed = outcomes.filter((o) => o.error);
    io.err(`${outcomes.length} rules run, ${outcomes.reduce((n, o) => n + o.alertsSent, 0) + after.sent} alerts sent, ${failed.length} failed`);
    return failed.length > 0 || problems.length > 0 ? 1 : 0;
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
    void engine.reloadRules().then(({ loaded }) => log.info(`rules folder now points to ${now}; rules reloaded: ${loaded} enabled`));
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
