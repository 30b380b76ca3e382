import { Engine } from '../../engine.ts';
import { createLogger } from '../../log.ts';
import { connect, parseTime } from '../connect.ts';
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
  const { config, es } = await connect(opts.config, io);
  const log = createLogger();
  const engine = new Engine({ config, es, log, env: io.env, out: io.out });
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
    await es.close();
    const failed = outcomes.filter((o) => o.error);
    io.err(`${outcomes.length} rules run, ${outcomes.reduce((n, o) => n + o.alertsSent, 0)} alerts sent, ${failed.length} failed`);
    return failed.length > 0 || problems.length > 0 ? 1 : 0;
  }
  engine.start();
  log.info(`LogWarden running ${loaded} rules from ${config.rulesFolder}; Ctrl-C to stop`);
  await new Promise<void>((resolve) => {
    const stop = (): void => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  log.info('stopping: waiting for runs in flight');
  await engine.stop();
  await es.close();
  return 0;
}
