import type { LoadedRules } from '../load-rules.ts';

/** What the reload worker tells the engine's thread. */
export type WorkerMessage = { kind: 'started' } | { kind: 'reading'; file: string } | { kind: 'done'; loaded: LoadedRules };
