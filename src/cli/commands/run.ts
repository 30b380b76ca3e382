import { realpathSync } from 'node:fs';
import { Engine } from '../../engine.ts';
import { createLogger, type Logger } from '../../log.ts';
import { Metrics } from '../../ops/metrics.ts';
import { startOpsServer, type OpsServer } from '../../ops/server.ts';
import { isLoopback, opsSettings } from '../../ops/settings.ts';
import { connect, openEs } from '../connect.ts';
import { waitForElasticsearch } from '../wait-for-es.ts';
import { suggest } from '../../config/suggest.ts';
import type { CliIO } from '../io.ts';
import { AlertLedger, onceWindow, runOnce } from './run-once.ts';
import { backgroundClock, every, systemClock, type Clock } from '../../schedule/clock.ts';

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
  // As ElastAlert2: --once runs once; --end without --once runs up to the end and stops; --start alone catches up, then keeps running.
  const once = Boolean(opts.once || opts.end);
  if ((opts.json || opts.failOnAlerts) && !once) {
    io.err(`run: ${opts.json ? '--json' : '--fail-on-alerts'} reports one pass over the rules: add --once (or --end)`);
    return 2;
  }
  // A one-off run fails fast when Elasticsearch is away; a long-running one waits for it (below).
  const { config, es } = once ? await connect(opts.config, io) : openEs(opts.config, io);
  const log = createLogger({
    level: logLevel(opts, config.logging?.level),
    files: config.logging?.files ?? [],
    stdout: config.logging?.stdout ?? false,
  });
  for (const note of config.logging?.notes ?? []) log.warn(note);
  if (opts.esDebug) traceRequests(es, log);
  if (config.es?.verifyCerts === false && config.es.sslShowWarn !== false) {
    log.warn('verify_certs is false: the certificate of Elasticsearch is not checked (set ssl_show_warn: false to silence this)');
  }
  // Metrics only for a long-running process: a one-off run has nobody to scrape it.
  const metrics = once ? undefined : new Metrics();
  const ledger = new AlertLedger();
  // A backfill (--start/--end with --once) measures realert in event time: from the wall clock, every
  // repeat of a key after its first alert in the window would be dropped. (ElastAlert2 uses the wall clock.)
  const window = onceWindow(opts, systemClock.now());
  // With --json, stdout holds the JSON only; the stdout alerter prints on stderr instead.
  const out = opts.json ? io.err : io.out;
  const engine = new Engine({
    config,
    es,
    log,
    env: io.env,
    out,
    onlyRule: opts.rule,
    observer: metrics ?? ledger,
    mode: once && window !== undefined ? 'replay' : 'live',
  });
  const { loaded, problems } = engine.loadRules();
  if (loaded === 0 && opts.rule !== undefined && engine.otherRuleNames().length > 0) {
    const guess = suggest(opts.rule, engine.otherRuleNames());
    io.err(
      `run: --rule: no enabled rule named ${JSON.stringify(opts.rule)}${guess !== undefined ? `; did you mean ${JSON.stringify(guess)}?` : ''}`,
    );
    await es.close();
    return 2;
  }
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
  if (once) {
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
    metrics.setPendingSource(() => engine.stores.outbox.pendingCount());
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
      io.err(
        `Cannot start the ops server on ${settings.bind}:${settings.port} (${code}): set ops_port (or LOGWARDEN_OPS_PORT) to a free port, or ops_enabled: false.`,
      );
      await es.close();
      return 1;
    }
    const what = settings.statusPage ? '/metrics, /healthz, /readyz, status page at /' : '/metrics, /healthz, /readyz';
    log.info({ ops_url: ops.url }, `ops server listening on ${ops.url} (${what})`);
    if (settings.statusPage && !isLoopback(settings.bind)) {
      log.info(
        `the status page on ${settings.bind} shows alert texts to anyone who can reach port ${ops.port}; restrict it (NetworkPolicy, firewall) or set status_page: false`,
      );
    }
  }
  if (
    !(await waitForElasticsearch({
      es,
      writebackBase: config.writebackIndex,
      log,
      stopped,
      onReason: (r) => {
        waitingReason = r;
      },
    }))
  ) {
    log.info('stopped before Elasticsearch answered');
    await ops?.close();
    await es.close();
    return 0;
  }
  if (window) {
    // --start without --once or --end: catch up over the window, then keep running (ElastAlert2's behaviour).
    const outcomes = await engine.runAllOnce(window);
    const failed = outcomes.filter((o) => o.error).length;
    log.info(
      `caught up from ${new Date(window.startMs).toISOString()}: ${outcomes.length} rules run, ${outcomes.reduce((n, o) => n + o.alertsSent, 0)} alerts sent, ${failed} failed; now running continuously`,
    );
  }
  engine.start();
  const stopRetarget = reloadWhenRetargeted(config.rulesFolder, engine, log);
  log.info(`LogWarden running ${loaded} rules from ${config.rulesFolders.join(', ')}; Ctrl-C to stop`);
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
export function reloadWhenRetargeted(
  folder: string,
  engine: Pick<Engine, 'reloadRules'>,
  log: Pick<Logger, 'info'>,
  everyMs = 10_000,
  clock: Clock = backgroundClock,
): () => void {
  const resolve = (): string | undefined => {
    try {
      return realpathSync(folder);
    } catch {
      return undefined; // mid-switch: try again next time
    }
  };
  let current = resolve();
  return every(clock, everyMs, () => {
    const now = resolve();
    if (now === undefined || now === current) return;
    current = now;
    void engine
      .reloadRules()
      .then(({ loaded, abandoned }) => abandoned || log.info(`rules folder now points to ${now}; rules reloaded: ${loaded} enabled`));
  });
}

/** ElastAlert2's --es_debug: one debug line per Elasticsearch request (method, path, status, no bodies, no credentials). */
function traceRequests(
  es: { client: { diagnostic: { on(event: 'response', fn: (err: unknown, result: unknown) => void): unknown } } },
  log: Logger,
): void {
  es.client.diagnostic.on('response', (err, result) => {
    const r = result as { statusCode?: number | null; meta?: { request?: { params?: { method?: string; path?: string } } } } | null;
    const params = r?.meta?.request?.params;
    log.debug(
      {
        es_method: params?.method,
        es_path: params?.path,
        es_status: r?.statusCode ?? undefined,
        es_error: err instanceof Error ? err.name : undefined,
      },
      'elasticsearch request',
    );
  });
}
