import { realpathSync } from 'node:fs';
import { Engine } from '../../engine.ts';
import { createLogger, type Logger } from '../../log.ts';
import { Metrics } from '../../ops/metrics.ts';
import { startOpsServer, type OpsServer } from '../../ops/server.ts';
import { isLoopback, opsSettings } from '../../ops/settings.ts';
import { connect, parseTime } from '../connect.ts';
import type { CliIO } from '../io.ts';

export interface RunOptions {
  config?: string;
  once?: boolean;
  rule?: string;
  start?: string;
  end?: string;
  /** ElastAlert2's --verbose (info), --debug (debug) and --es_debug (every Elasticsearch request at debug). */
  verbose?: boolean;
  debug?: boolean;
  esDebug?: boolean;
}

/** The log level the flags ask for, else config.yaml's `logging`, else info. */
function logLevel(opts: RunOptions, configured: string | undefined): string | undefined {
  if (opts.debug || opts.esDebug) return 'debug';
  if (opts.verbose) return 'info';
  return configured;
}

/**
 * `logwarden run`: schedules every rule until SIGTERM/SIGINT, then lets runs in flight finish.
 * With --once: each rule (or --rule) runs once, over --start/--end when given, and exits
 * non-zero if any run failed.
 */
export async function runCommand(opts: RunOptions, io: CliIO): Promise<number> {
  const { config, es } = await connect(opts.config, io);
  const log = createLogger({ level: logLevel(opts, config.logging?.level), files: config.logging?.files ?? [], stdout: config.logging?.stdout ?? false });
  for (const note of config.logging?.notes ?? []) log.warn(note);
  if (opts.esDebug) traceRequests(es, log);
  if (config.es?.verifyCerts === false && config.es.sslShowWarn !== false) {
    log.warn('verify_certs is false: the certificate of Elasticsearch is not checked (set ssl_show_warn: false to silence this)');
  }
  // As ElastAlert2: --once runs once; --end without --once runs up to the end and stops; --start alone catches up, then keeps running.
  const once = Boolean(opts.once || opts.end);
  // Metrics only for a long-running process: a one-off run has nobody to scrape it.
  const metrics = once ? undefined : new Metrics();
  const engine = new Engine({ config, es, log, env: io.env, out: io.out, onlyRule: opts.rule, ...(metrics ? { observer: metrics } : {}) });
  const { loaded, problems } = engine.loadRules();
  if (loaded === 0) {
    const what = opts.rule !== undefined ? `No enabled rule named "${opts.rule}"` : 'No enabled rules';
    io.err(`${what} loaded from ${config.rulesFolders.join(', ')}${problems.length ? ` (${problems.length} problems above)` : ''}.`);
    await es.close();
    return problems.length ? 2 : 1;
  }
  if (!config.skipInvalid && problems.length > 0) {
    io.err(`skip_invalid is false and ${problems.length} problems were found in the rules (above): not starting.`);
    await es.close();
    return 2;
  }
  if (once || opts.start) {
    const now = Date.now();
    const window = opts.start || opts.end ? { startMs: parseTime(opts.start ?? '-1h', now), endMs: parseTime(opts.end ?? 'now', now) } : undefined;
    const outcomes = await engine.runAllOnce(window);
    const failed = outcomes.filter((o) => o.error);
    io.err(`${outcomes.length} rules run, ${outcomes.reduce((n, o) => n + o.alertsSent, 0)} alerts sent, ${failed.length} failed${once ? '' : '; now running continuously'}`);
    if (once) {
      await es.close();
      return failed.length > 0 || problems.length > 0 ? 1 : 0;
    }
  }
  let ops: OpsServer | undefined;
  const settings = opsSettings(config);
  if (metrics) {
    metrics.initRules(engine.ruleNames());
    metrics.watchElasticsearch(es);
    metrics.setPendingSource(() => engine.outbox.pendingCount());
  }
  if (metrics && settings.enabled) {
    try {
      ops = await startOpsServer({ settings, engine, metrics, log });
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
  engine.start();
  const stopRetarget = reloadWhenRetargeted(config.rulesFolder, engine, log);
  log.info(`LogWarden running ${loaded} rules from ${config.rulesFolders.join(', ')}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
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
export function reloadWhenRetargeted(folder: string, engine: Pick<Engine, 'loadRules'>, log: Pick<Logger, 'info'>, everyMs = 10_000): () => void {
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
    const { loaded } = engine.loadRules();
    log.info(`rules folder now points to ${now}; rules reloaded: ${loaded} enabled`);
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}

/** ElastAlert2's --es_debug: one debug line per Elasticsearch request (method, path, status, no bodies, no credentials). */
function traceRequests(es: { client: { diagnostic: { on(event: 'response', fn: (err: unknown, result: unknown) => void): unknown } } }, log: Logger): void {
  es.client.diagnostic.on('response', (err, result) => {
    const r = result as { statusCode?: number | null; meta?: { request?: { params?: { method?: string; path?: string } } } } | null;
    const params = r?.meta?.request?.params;
    log.debug({ es_method: params?.method, es_path: params?.path, es_status: r?.statusCode ?? undefined, es_error: err instanceof Error ? err.name : undefined }, 'elasticsearch request');
  });
}
