// The background of every source is a set of actors (a kubelet, an admin, a workstation), each
// firing on its own timing. Time is walked in one-minute slices so that a long range streams
// instead of sitting in memory, and the same seed walks the same slices to the same events.
import type { Random } from './random.ts';
import { MIN, type TimeRange } from './types.ts';

export type Timing =
  /** Independent arrivals at a mean rate (requests, logins). */
  | { kind: 'poisson'; perSec: number }
  /**
   * A timer: at every multiple of periodMs after the epoch, plus phaseMs, plus up to jitterMs
   * (lease renewals, cron jobs, heartbeats). Aligned to the epoch, not the range, as cron is.
   */
  | { kind: 'every'; periodMs: number; phaseMs: number; jitterMs: number }
  /** At the given instants only (warm-up events that make every normal value seen early). */
  | { kind: 'at'; times: readonly number[] };

export interface Actor<E> {
  timing: Timing;
  /** The events of one firing at `ts`; a session may return several, later ones after `ts`. */
  emit(rng: Random, ts: number): E[];
}

/** Firing times of one actor inside [startMs, endMs). */
function firings(timing: Timing, rng: Random, startMs: number, endMs: number): number[] {
  switch (timing.kind) {
    case 'poisson':
      return rng.times(startMs, endMs, rng.poisson((timing.perSec * (endMs - startMs)) / 1000));
    case 'every': {
      const out: number[] = [];
      const first = Math.ceil((startMs - timing.phaseMs) / timing.periodMs);
      for (let k = first; k * timing.periodMs + timing.phaseMs < endMs; k++) {
        out.push(Math.floor(k * timing.periodMs + timing.phaseMs + rng.float() * timing.jitterMs));
      }
      return out;
    }
    case 'at':
      return timing.times.filter((t) => t >= startMs && t < endMs);
  }
}

/**
 * Every actor's events over the range, slice by slice, each slice in time order. An event an
 * actor places outside the range (a session running past its end) is dropped.
 */
export function* runActors<E extends { ts: number }>(
  actors: readonly Actor<E>[],
  range: TimeRange,
  rng: Random,
  sliceMs = MIN,
): Generator<E> {
  for (let start = range.fromMs; start < range.toMs; start += sliceMs) {
    const end = Math.min(range.toMs, start + sliceMs);
    const slice: E[] = [];
    for (const actor of actors) {
      for (const t of firings(actor.timing, rng, start, end)) {
        for (const event of actor.emit(rng, t)) {
          if (event.ts >= range.fromMs && event.ts < range.toMs) slice.push(event);
        }
      }
    }
    slice.sort((a, b) => a.ts - b.ts);
    yield* slice;
  }
}

/** How long the warm-up is: every normal value (user and address, account and agent) appears in it. */
export const WARMUP_MS = 15 * MIN;

/**
 * One time for each of `count` warm-up firings, all in the first 10 minutes, so that a firing
 * with several steps (a login, a hop, a sudo) still ends inside the warm-up.
 */
export function warmupTimes(rng: Random, range: TimeRange, count: number): number[] {
  const end = Math.min(range.toMs, range.fromMs + WARMUP_MS - 5 * MIN);
  return Array.from({ length: count }, () => Math.floor(rng.between(range.fromMs, end)));
}
