/**
 * Re-alert suppression with ElastAlert2's semantics (next_alert_time, is_silenced, silence keys).
 * Pure: the caller stores silences (ElastAlert2's `silence` documents) and passes the clock.
 */

import type { Silence } from '../store/silences.ts';

/** The part of a Silence realert computes (the one Silence type is in src/store/silences.ts). */
export type SilenceWindow = Pick<Silence, 'untilMs' | 'exponent'>;

/** ElastAlert2's realert_key option lets rules share silences; it defaults to the rule name. */
export function realertKey(ruleName: string, options: Readonly<Record<string, unknown>>): string {
  const key = options['realert_key'];
  return typeof key === 'string' && key !== '' ? key : ruleName;
}

/**
 * ElastAlert2's silence_cache_key: `<realert key>.<query_key value>`, or the bare realert key
 * without a value. A match whose query_key field is missing therefore shares the rule-wide silence.
 */
export function silenceKey(ruleName: string, key: string | undefined): string {
  return key === undefined ? ruleName : `${ruleName}.${key}`;
}

/** The key `elastalert --silence` writes for a whole rule, checked in addition to the per-key one. */
export function ruleSilenceKey(ruleName: string): string {
  return `${ruleName}._silence`;
}

/**
 * THE silence key of a rule's query_key value, for everyone: the engine (realert and the check),
 * `logwarden silence --key` and the status page. It honours realert_key, so a rule sharing its
 * silences under another key is silenced where the engine looks. `options` is undefined for a
 * rule not in the rules folder (`silence --force`): its own name is then the realert key.
 */
export function matchSilenceKey(
  ruleName: string,
  options: Readonly<Record<string, unknown>> | undefined,
  value: string | undefined,
): string {
  return silenceKey(realertKey(ruleName, options ?? {}), value);
}

/** A silence a person asks for: the whole rule without a key value, else that value's (CLI and status page). */
export function requestedSilenceKey(
  ruleName: string,
  options: Readonly<Record<string, unknown>> | undefined,
  value: string | undefined,
): string {
  return value === undefined ? ruleSilenceKey(ruleName) : matchSilenceKey(ruleName, options, value);
}

export function isSilenced(silence: SilenceWindow | undefined, nowMs: number): boolean {
  return silence !== undefined && nowMs < silence.untilMs;
}

/**
 * The silence to record after alerting at `nowMs` (ElastAlert2 next_alert_time).
 *
 * Without exponential_realert or a previous silence: now + realert, exponent 0. With it, the
 * wait is realert * 2^exponent: the exponent grows by one when this alert comes less than
 * the current wait after the previous silence ended, otherwise it shrinks by one for every
 * full wait that has passed since; a wait reaching exponential_realert is capped to it and the
 * exponent stored one lower (as ElastAlert2 does), so it can grow again next time.
 *
 * Kept from ElastAlert2: the exponent arithmetic uses whole seconds (its seconds() helper
 * truncates), which only matters for sub-second realert values.
 * With realertMs = 0 ElastAlert2 records no silence at all; the result then silences nothing
 * ({untilMs: nowMs, exponent: 0}) and callers may skip storing it.
 */
export function nextSilence(
  previous: SilenceWindow | undefined,
  realertMs: number,
  exponentialRealertMs: number | undefined,
  nowMs: number,
): SilenceWindow {
  if (previous === undefined || exponentialRealertMs === undefined || exponentialRealertMs <= 0) {
    return { untilMs: nowMs + realertMs, exponent: 0 };
  }
  const realertSeconds = Math.floor(realertMs / 1000);
  const waitSeconds = (exp: number): number => realertSeconds * 2 ** exp;
  let diff = Math.floor((nowMs - previous.untilMs) / 1000);
  let exponent = previous.exponent;
  if (diff < waitSeconds(exponent)) {
    exponent += 1;
  } else {
    while (diff > waitSeconds(exponent) && exponent > 0) {
      diff -= waitSeconds(exponent);
      exponent -= 1;
    }
  }
  const waitMs = waitSeconds(exponent) * 1000;
  if (waitMs >= exponentialRealertMs) return { untilMs: nowMs + exponentialRealertMs, exponent: exponent - 1 };
  return { untilMs: nowMs + waitMs, exponent };
}
