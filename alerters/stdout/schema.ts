import type { AlerterSchema } from '../kit/contract.ts';

/** LogWarden's own: a readable block on standard output. It reads no options. */
export const stdoutSchema: AlerterSchema = { name: 'stdout', options: {} };
