import type { EsError } from '../es/errors.ts';
import type { MatchOutcome } from '../observe.ts';
import type { WritebackHealth } from '../writeback/health.ts';

export interface StatusRecord {
  ruleName: string;
  runId: string;
  startMs: number;
  endMs: number;
  hits: number;
  matches: number;
  /** What became of the matches: ElastAlert2 has no such record; backtests and the status page read it. */
  outcomes?: Partial<Record<MatchOutcome, number>>;
  timeTakenMs: number;
  error?: string | undefined;
  /** A problem that did not fail the run (the rule's index matches nothing); not an ElastAlert2 field. */
  warning?: string | undefined;
  atMs: number;
}

/** A run as the status page lists it (read back from a status record; times as ISO text). */
export interface RunRecord {
  at: string;
  runId: string;
  start: string | undefined;
  end: string | undefined;
  hits: number;
  matches: number;
  alertsSent: number;
  suppressed: number;
  timeTakenSeconds: number;
  error: string | undefined;
}

/** One rule's run statistics over the last day (and its last run within a week). */
export interface RunStats {
  lastRun: { at: string; timeTakenSeconds: number; hits: number; matches: number; error: string | undefined } | undefined;
  lastError: { at: string; message: string } | undefined;
  day: { runs: number; hits: number; matches: number; alertsSent: number; alertsFailed: number; errors: number };
  /** Matches per hour, oldest first, 24 values; the last one ends at `nowMs`. */
  matchesPerHour: number[];
}

/**
 * Run status and error records (ElastAlert2's writeback status and error), and what the status
 * page, /readyz and /metrics read about them and about the writeback itself.
 */
export interface StatusStore {
  writeStatus(s: StatusRecord): Promise<void>;
  writeError(ruleName: string | undefined, error: EsError | Error, nowMs: number, data?: Record<string, unknown>): Promise<void>;
  /** Statistics of these rules, in one request; a rule without runs is absent. */
  stats(ruleNames: readonly string[], nowMs: number): Promise<Map<string, RunStats>>;
  /** The latest runs of a rule, newest first. */
  runs(ruleName: string, size: number): Promise<RunRecord[]>;
  /** Whether the storage is there and writable (missing or wrongly mapped indices). */
  health(transport?: { requestTimeout?: number; maxRetries?: number }): Promise<WritebackHealth>;
}
