import { esCall, type EsHandle } from '../es/client.ts';
import type { Logger } from '../log.ts';
import { sleep, systemClock, type Clock } from '../schedule/clock.ts';
import { initWriteback } from '../writeback/init.ts';

export interface WaitOptions {
  es: EsHandle;
  writebackBase: string;
  log: Pick<Logger, 'warn' | 'info' | 'error'>;
  /** Resolves when the process is asked to stop (SIGTERM): waiting ends without starting. */
  stopped: Promise<void>;
  /** Why the process is not ready yet, for /readyz; undefined once Elasticsearch answered. */
  onReason: (reason: string | undefined) => void;
  firstDelayMs?: number;
  maxDelayMs?: number;
  /** Longest one attempt waits for an answer, so a hanging cluster is retried, not waited on. */
  attemptTimeoutMs?: number;
  /** Where the waits between attempts are measured; the system clock unless a test drives one. */
  clock?: Clock;
}

/**
 * `run` at start: tries Elasticsearch (and prepares the writeback indices) until it answers, with
 * exponential backoff, instead of exiting: a pod whose cluster is briefly away must not crash-loop
 * (issue #16). Returns false when stopped before Elasticsearch answered.
 */
export async function waitForElasticsearch(opts: WaitOptions): Promise<boolean> {
  const maxDelayMs = opts.maxDelayMs ?? 30_000;
  const timeoutMs = opts.attemptTimeoutMs ?? 5_000;
  let delayMs = opts.firstDelayMs ?? 1_000;
  let stop = false;
  void opts.stopped.then(() => {
    stop = true;
  });
  for (let attempt = 1; ; attempt++) {
    try {
      await esCall(opts.es, `reaching Elasticsearch at ${opts.es.url}`, (c) =>
        c.indices.exists({ index: opts.writebackBase }, { requestTimeout: timeoutMs, maxRetries: 0 }),
      );
      const warnings: string[] = [];
      for (const r of await initWriteback(opts.es, opts.writebackBase, { warnings })) {
        if (r.action === 'wrong')
          opts.log.error(`writeback index ${r.index} is not as LogWarden needs: ${r.problems.join('; ')} (see logwarden init)`);
      }
      for (const w of warnings) opts.log.warn(w);
      opts.onReason(undefined);
      if (attempt > 1) opts.log.info(`Elasticsearch answers after ${attempt} attempts; starting the rules`);
      return true;
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      const reason = `waiting for Elasticsearch at start (attempt ${attempt}, next in ${Math.round(delayMs / 1000)} s): ${message}`;
      opts.onReason(reason);
      opts.log.warn(reason);
    }
    if (stop) return false;
    const outcome = await Promise.race([
      sleep(opts.clock ?? systemClock, delayMs).then(() => 'again' as const),
      opts.stopped.then(() => 'stop' as const),
    ]);
    if (outcome === 'stop') return false;
    delayMs = Math.min(delayMs * 2, maxDelayMs);
  }
}
