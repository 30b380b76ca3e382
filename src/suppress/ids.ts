import { createHash } from 'node:crypto';

export const HOUR_MS = 3_600_000;

/** A stable id from its parts, so a rerun after a crash finds what the first run recorded. */
export const stableId = (...parts: unknown[]): string =>
  createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32);
