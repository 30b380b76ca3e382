/**
 * The one source of time: what time it is, timers and sleeps. Production uses the system clock;
 * tests drive a manual one. Nothing outside this file reads the wall clock or sets a timer
 * (`npm run lint` refuses Date.now(), new Date() and setTimeout/setInterval elsewhere).
 */
export interface Clock {
  now(): number;
  setTimer(fn: () => void, delayMs: number): () => void;
}

function systemTimer(fn: () => void, delayMs: number, keepAlive: boolean): () => void {
  const handle = setTimeout(fn, Math.max(0, delayMs));
  if (!keepAlive) handle.unref();
  return () => clearTimeout(handle);
}

export const systemClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, delayMs) => systemTimer(fn, delayMs, true),
};

/**
 * The system clock for housekeeping (a pending log summary, a forced close of lingering
 * connections, a reload time limit): its timers never keep a finished process running.
 */
export const backgroundClock: Clock = {
  now: () => Date.now(),
  setTimer: (fn, delayMs) => systemTimer(fn, delayMs, false),
};

/** Resolves after `ms` on the clock (at once for 0 or less). */
export function sleep(clock: Clock, ms: number): Promise<void> {
  return new Promise((resolve) => {
    clock.setTimer(resolve, ms);
  });
}

/** Calls `fn` every `intervalMs` on the clock until the returned function is called. */
export function every(clock: Clock, intervalMs: number, fn: () => void): () => void {
  let cancel = (): void => undefined;
  const arm = (): void => {
    cancel = clock.setTimer(() => {
      arm();
      fn();
    }, intervalMs);
  };
  arm();
  return () => cancel();
}

/** A clock that moves only when told to; timers fire in time order as it passes them. */
export class ManualClock implements Clock {
  private current: number;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 0;

  constructor(startMs: number) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  setTimer(fn: () => void, delayMs: number): () => void {
    const id = this.nextId++;
    this.timers.push({ at: this.current + Math.max(0, delayMs), fn, id });
    return () => {
      this.timers = this.timers.filter((t) => t.id !== id);
    };
  }

  /** Moves time forward, firing due timers one by one at their own time. */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at || a.id - b.id);
      const next = this.timers[0];
      if (!next || next.at > target) break;
      this.timers.shift();
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }
}
