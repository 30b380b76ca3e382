import { createHash } from 'node:crypto';
import type { Clock } from './clock.ts';

export interface SchedulerRule {
  name: string;
  runEveryMs: number;
}

export interface SchedulerOptions {
  clock: Clock;
  /** Runs of different rules at once; further due rules wait for a free slot. */
  concurrency: number;
  /** Runs one rule; `dueMs` is the scheduled time, `nowMs` the time the run started. */
  execute: (name: string, nowMs: number, dueMs: number) => Promise<void>;
  /** Called when a tick finds the rule's previous run still going: the tick is dropped, not queued. */
  onSkipped?: (name: string) => void;
  /**
   * Upper bound of the spread of first runs, so rules loaded together do not all query at the same
   * instant. A rule's first run is offset by a stable amount below min(this, its run_every): 500 rules
   * at 10 s then start spread over the whole 10 s, not in one burst.
   */
  maxJitterMs?: number;
  /**
   * When a slot frees, runs waiting for one start on-time runs first (due less than their rule's
   * run_every ago), then late ones (catch-up), each oldest due first. Default true; false is the
   * earlier first-come order, kept for the start-up benchmark's comparison.
   */
  catchUpYields?: boolean;
}

/** Default bound of the first-run spread: rules up to a minute apart spread over their whole interval. */
export const DEFAULT_FIRST_RUN_SPREAD_MS = 60_000;

interface Entry {
  rule: SchedulerRule;
  nextDueMs: number;
  running: boolean;
  waiting: boolean;
  /** Due time of the run waiting for a slot. */
  waitingDueMs: number;
}

/** Deterministic per rule name, so restarts keep a rule's phase and tests are repeatable. */
export function jitterFor(name: string, maxMs: number): number {
  if (maxMs <= 0) return 0;
  return createHash('sha1').update(name).digest().readUInt32BE(0) % maxMs;
}

/**
 * Runs every rule on its interval. At most one run per rule is in flight; a tick that finds it
 * still running is skipped and counted. Rules run concurrently up to `concurrency`.
 */
export class Scheduler {
  private readonly entries = new Map<string, Entry>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly opts: SchedulerOptions;
  private cancelTimer: (() => void) | undefined;
  private active = 0;
  private stopped = true;
  skipped = 0;
  runs = 0;

  constructor(opts: SchedulerOptions) {
    this.opts = opts;
  }

  /** Adds a rule or changes its interval; a changed rule keeps its next due time when still valid. */
  upsert(rule: SchedulerRule): void {
    const existing = this.entries.get(rule.name);
    if (existing) {
      existing.rule = rule;
      existing.nextDueMs = Math.min(existing.nextDueMs, this.opts.clock.now() + rule.runEveryMs);
    } else {
      const jitter = jitterFor(rule.name, Math.min(this.opts.maxJitterMs ?? DEFAULT_FIRST_RUN_SPREAD_MS, rule.runEveryMs));
      this.entries.set(rule.name, { rule, nextDueMs: this.opts.clock.now() + jitter, running: false, waiting: false, waitingDueMs: 0 });
    }
    this.arm();
  }

  remove(name: string): void {
    this.entries.delete(name);
    this.arm();
  }

  names(): string[] {
    return [...this.entries.keys()];
  }

  start(): void {
    this.stopped = false;
    this.arm();
  }

  /** Stops scheduling and waits for runs in flight to finish. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** Starts whatever is due now; the timer calls it, tests may too. */
  tick(): void {
    if (this.stopped) return;
    const now = this.opts.clock.now();
    const due = [...this.entries.values()].filter((e) => e.nextDueMs <= now).sort((a, b) => a.nextDueMs - b.nextDueMs);
    for (const entry of due) {
      const dueMs = entry.nextDueMs;
      // Fixed rate: the next slot after now, never a burst of catch-up runs.
      while (entry.nextDueMs <= now) entry.nextDueMs += entry.rule.runEveryMs;
      if (entry.running || entry.waiting) {
        this.skipped++;
        this.opts.onSkipped?.(entry.rule.name);
        continue;
      }
      entry.waiting = true;
      this.launch(entry, dueMs);
    }
    this.arm();
  }

  private launch(entry: Entry, dueMs: number): void {
    if (this.active >= this.opts.concurrency) {
      // Stays waiting; started by the next run that finishes.
      entry.waitingDueMs = dueMs;
      return;
    }
    entry.waiting = false;
    entry.running = true;
    this.active++;
    this.runs++;
    const promise = this.opts
      .execute(entry.rule.name, this.opts.clock.now(), dueMs)
      .catch(() => undefined)
      .finally(() => {
        entry.running = false;
        this.active--;
        this.inFlight.delete(promise);
        if (this.stopped) return;
        const next = this.nextWaiting();
        if (next) this.launch(next, next.waitingDueMs);
        this.arm();
      });
    this.inFlight.add(promise);
  }

  /**
   * The waiting run to start in a freed slot. A run already late by a whole interval has lost its
   * slot in any case; starting it before a run that is due now would make that one late too, and
   * lateness would spread from rule to rule (the start-up burst of issue #16).
   */
  private nextWaiting(): Entry | undefined {
    const waiting = [...this.entries.values()].filter((e) => e.waiting && !e.running);
    if (this.opts.catchUpYields === false) return waiting[0];
    const now = this.opts.clock.now();
    const late = (e: Entry): number => (now - e.waitingDueMs >= e.rule.runEveryMs ? 1 : 0);
    waiting.sort((a, b) => late(a) - late(b) || a.waitingDueMs - b.waitingDueMs);
    return waiting[0];
  }

  private arm(): void {
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    if (this.stopped || this.entries.size === 0) return;
    const next = Math.min(...[...this.entries.values()].map((e) => e.nextDueMs));
    this.cancelTimer = this.opts.clock.setTimer(() => this.tick(), next - this.opts.clock.now());
  }
}
