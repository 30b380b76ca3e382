import { EsError } from '../es/errors.ts';
import type { EsHandle } from '../es/client.ts';
import type { Logger } from '../log.ts';
import type { EngineObserver } from '../observe.ts';
import type { Clock } from '../schedule/clock.ts';
import { checkWriteback, describeHealth, type WritebackHealth } from './health.ts';
import { initWriteback } from './init.ts';

export interface WritebackGuardOptions {
  es: EsHandle;
  base: string;
  log: Logger;
  clock: Clock;
  observer?: EngineObserver | undefined;
  /** One check (two small requests) per this many ms, whatever the number of rules. */
  checkEveryMs?: number;
}

/**
 * Notices writeback indices deleted or broken while LogWarden runs (issue #16). Rule runs and
 * delivery passes call ensure() first; a missing index is re-created with LogWarden's mappings
 * before anything is recorded again, and rule progress continues from the positions the store
 * keeps in memory, so no window is queried again as if new and no alert is sent twice. ElastAlert2
 * has no such check: it keeps writing, and Elasticsearch auto-creates the indices with guessed
 * mappings.
 */
export class WritebackGuard {
  private readonly opts: WritebackGuardOptions;
  private lastCheckMs = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<void> | undefined;
  private reported = '';
  /** The last answer; undefined before the first check or while Elasticsearch does not answer. */
  health: WritebackHealth | undefined;
  recreated = 0;

  constructor(opts: WritebackGuardOptions) {
    this.opts = opts;
  }

  /** Checks unless checked recently; never throws (a run finds an unreachable cluster on its own). */
  async ensure(): Promise<void> {
    if (this.opts.clock.now() - this.lastCheckMs < (this.opts.checkEveryMs ?? 5_000)) return;
    this.inFlight ??= this.check()
      .catch((error: unknown) => {
        this.health = undefined;
        this.opts.log.debug(
          `writeback check failed: ${error instanceof EsError || error instanceof Error ? error.message : String(error)}`,
        );
      })
      .finally(() => {
        this.inFlight = undefined;
      });
    await this.inFlight;
  }

  private async check(): Promise<void> {
    const { es, base, log, observer } = this.opts;
    let health = await checkWriteback(es, base);
    if (health.missing.length > 0) {
      log.error(
        `writeback indices missing while running: ${health.missing.join(', ')}; re-creating them with LogWarden's mappings. ` +
          'Rules continue from the positions kept in memory: no window is re-queried as new and no alert is sent again. ' +
          'What the deleted indices held is gone (alert history, realert silences, run status, deliveries waiting for a retry).',
      );
      for (const index of health.missing) observer?.writebackRecreated?.(index);
      this.recreated += health.missing.length;
      await initWriteback(es, base);
      health = await checkWriteback(es, base);
    }
    this.health = health;
    this.lastCheckMs = this.opts.clock.now();
    observer?.writebackChecked?.(health.missing.length + health.wrong.length);
    const text = describeHealth(health).join(' | ');
    if (text !== this.reported) {
      if (text) log.error(`${text}. Alerts may fail to be recorded until this is fixed.`);
      else if (this.reported) log.info('writeback indices are fine again');
      this.reported = text;
    }
  }
}
