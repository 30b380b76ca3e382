import { parentPort, workerData } from 'node:worker_threads';
import type { LogWardenConfig } from '../../config/load-config.ts';
import { loadRules } from '../load-rules.ts';
import type { WorkerMessage } from './messages.ts';

/**
 * Loads the rules folder on a worker thread (see off-thread.ts): whatever a file costs to parse
 * and validate, the scheduler's thread stays free, and a load that takes too long is ended.
 */
const { config, env } = workerData as { config: LogWardenConfig; env: NodeJS.ProcessEnv };
const post = (message: WorkerMessage): void => parentPort?.postMessage(message);
post({ kind: 'started' });
const loaded = loadRules(config, env, { onRead: (file) => post({ kind: 'reading', file }) });
post({ kind: 'done', loaded });
