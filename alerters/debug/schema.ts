import type { AlerterSchema } from '../kit/contract.ts';

/** ElastAlert2's debug alerter: the alert as a log line. It reads no options. */
export const debugSchema: AlerterSchema = { name: 'debug', options: {} };
