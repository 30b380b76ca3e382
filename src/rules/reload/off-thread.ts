import { Worker } from 'node:worker_threads';
import { formatDuration } from '../../config/duration.ts';
import type { LogWardenConfig } from '../../config/load-config.ts';
import type { LoadedRules } from '../load-rules.ts';
import type { WorkerMessage } from './messages.ts';
import { backgroundClock } from '../../schedule/clock.ts';

export interface OffThreadLimits {
  /** A load still running after this long is ended; the rules running keep running. */
  timeLimitMs: number;
  /** Heap of the worker: a load that needs more is ended instead of taking the process down. */
  maxMemoryMb: number;
}

/**
 * Loading a folder of sane rules takes well under a second; half a minute means something in it
 * is hostile or the disk is hanging. 512 MB is a hundred times what the largest allowed file needs.
 */
export const RELOAD_LIMITS: OffThreadLimits = { timeLimitMs: 30_000, maxMemoryMb: 512 };

export type OffThreadResult =
  | { outcome: 'loaded'; loaded: LoadedRules }
  /** The load was ended: `reason` says why, naming the file being read when it is known. */
  | { outcome: 'abandoned'; reason: string }
  /** No worker could be started (e.g. an unusual packaging): the caller may load on its own thread. */
  | { outcome: 'unavailable'; reason: string };

// Sources run as .ts (Node strips types), the build as .js: the worker is a sibling of this module.
const WORKER_URL = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url);

/** Loads the rules folder on a worker thread, within `limits`. */
export function loadRulesOffThread(config: LogWardenConfig, env: NodeJS.ProcessEnv, limits: OffThreadLimits = RELOAD_LIMITS): Promise<OffThreadResult> {
  return new Promise((resolve) => {
    let started = false;
    let reading: string | undefined;
    let settled = false;
    const worker = new Worker(WORKER_URL, {
      workerData: { config, env: { ...env } },
      resourceLimits: { maxOldGenerationSizeMb: limits.maxMemoryMb },
    });
    // A process that is stopping does not wait for a reload nobody will use.
    worker.unref();
    const during = (): string => (reading !== undefined ? ` while reading ${reading}` : '');
    const finish = (result: OffThreadResult): void => {
      if (settled) return;
      settled = true;
      cancelTimer();
      resolve(result);
      void worker.terminate();
    };
    const cancelTimer = backgroundClock.setTimer(() => finish({ outcome: 'abandoned', reason: `it took longer than ${formatDuration(limits.timeLimitMs)}${during()}` }), limits.timeLimitMs);
    worker.on('message', (message: WorkerMessage) => {
      if (message.kind === 'started') started = true;
      else if (message.kind === 'reading') reading = message.file;
      else finish({ outcome: 'loaded', loaded: message.loaded });
    });
    worker.on('error', (error: Error & { code?: string }) => {
      if (!started) finish({ outcome: 'unavailable', reason: error.message });
      else if (error.code === 'ERR_WORKER_OUT_OF_MEMORY') finish({ outcome: 'abandoned', reason: `it needed more than ${limits.maxMemoryMb} MB of memory${during()}` });
      else finish({ outcome: 'abandoned', reason: `it failed${during()}: ${error.message}` });
    });
    worker.on('exit', (code) => finish({ outcome: 'abandoned', reason: `the loading thread stopped (exit code ${code})${during()}` }));
  });
}
