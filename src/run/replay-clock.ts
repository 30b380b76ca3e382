import type { Clock } from '../schedule/clock.ts';

/**
 * Time in a replay (backtest, test-rule, rule tests): set to the end of the window being
 * replayed, so the run sees that moment as "now". Replays may go back in time (each rule of a
 * backtest starts again at the first day), which a ManualClock refuses. Nothing is scheduled
 * in a replay: the Engine only starts timers when it runs live.
 */
export class ReplayClock implements Clock {
  private at: number;

  constructor(startMs: number) {
    this.at = startMs;
  }

  set(ms: number): void {
    this.at = ms;
  }

  now(): number {
    return this.at;
  }

  setTimer(): () => void {
    throw new Error('a replay schedules nothing: timers belong to a live Engine');
  }
}
