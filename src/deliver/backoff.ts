/** Retry timing for a delivery that failed in a way that may pass. */
export const BACKOFF_BASE_MS = 5_000;
export const BACKOFF_MAX_MS = 10 * 60_000;

/**
 * When to try again after `attempts` failed attempts: exponential from 5 s, capped at 10 min,
 * with ±20 % jitter so many alerts failing together do not retry together; never earlier than
 * the peer's Retry-After. `random` is injected (tests pass a constant).
 */
export function nextAttemptMs(
  attempts: number,
  nowMs: number,
  retryAfterMs: number | undefined,
  random: () => number = Math.random,
): number {
  const exponential = Math.min(BACKOFF_MAX_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempts - 1));
  const jittered = exponential * (0.8 + 0.4 * random());
  return nowMs + Math.max(Math.round(jittered), retryAfterMs ?? 0);
}
