import type { EsError } from '../../es/errors.ts';
import type { WritebackHealth } from '../../writeback/health.ts';
import type { RunRecord, RunStats, StatusRecord, StatusStore } from '../status.ts';
import { copy } from './seq.ts';

const HOUR = 3_600_000;

/** Status and error records in memory; statistics computed as the Elasticsearch aggregation does. */
export class MemoryStatusStore implements StatusStore {
  readonly records: StatusRecord[] = [];
  readonly errors: { ruleName: string | undefined; message: string; atMs: number; data: Record<string, unknown> }[] = [];

  writeStatus(s: StatusRecord): Promise<void> {
    this.records.push(copy(s));
    return Promise.resolve();
  }

  writeError(ruleName: string | undefined, error: EsError | Error, nowMs: number, data: Record<string, unknown> = {}): Promise<void> {
    this.errors.push({ ruleName, message: error.message, atMs: nowMs, data: copy(data) });
    return Promise.resolve();
  }

  stats(ruleNames: readonly string[], nowMs: number): Promise<Map<string, RunStats>> {
    const out = new Map<string, RunStats>();
    const iso = (ms: number): string => new Date(ms).toISOString();
    for (const name of ruleNames) {
      const mine = this.records.filter((r) => r.ruleName === name && r.atMs >= nowMs - 7 * 24 * HOUR).sort((a, b) => b.atMs - a.atMs);
      const [last] = mine;
      if (!last) continue;
      const lastError = mine.find((r) => r.error !== undefined);
      const day = mine.filter((r) => r.atMs >= nowMs - 24 * HOUR);
      const sum = (f: (r: StatusRecord) => number): number => day.reduce((n, r) => n + f(r), 0);
      const perHour = new Array<number>(24).fill(0);
      for (const r of day) {
        const i = Math.floor((r.atMs - (nowMs - 24 * HOUR)) / HOUR);
        if (i >= 0 && i < 24) perHour[i] = (perHour[i] ?? 0) + r.matches;
      }
      out.set(name, {
        lastRun: {
          at: iso(last.atMs),
          timeTakenSeconds: last.timeTakenMs / 1000,
          hits: last.hits,
          matches: last.matches,
          error: last.error,
        },
        lastError: lastError?.error !== undefined ? { at: iso(lastError.atMs), message: lastError.error } : undefined,
        day: {
          runs: day.length,
          hits: sum((r) => r.hits),
          matches: sum((r) => r.matches),
          alertsSent: sum((r) => r.outcomes?.sent ?? 0),
          alertsFailed: sum((r) => r.outcomes?.failed ?? 0),
          errors: day.filter((r) => r.error !== undefined).length,
        },
        matchesPerHour: perHour,
      });
    }
    return Promise.resolve(out);
  }

  runs(ruleName: string, size: number): Promise<RunRecord[]> {
    const iso = (ms: number): string => new Date(ms).toISOString();
    const mine = this.records
      .filter((r) => r.ruleName === ruleName)
      .sort((a, b) => b.atMs - a.atMs)
      .slice(0, size);
    return Promise.resolve(
      mine.map((r) => ({
        at: iso(r.atMs),
        runId: r.runId,
        start: iso(r.startMs),
        end: iso(r.endMs),
        hits: r.hits,
        matches: r.matches,
        alertsSent: r.outcomes?.sent ?? 0,
        suppressed: (r.outcomes?.suppressed_realert ?? 0) + (r.outcomes?.suppressed_silence ?? 0) + (r.outcomes?.suppressed_flood ?? 0),
        timeTakenSeconds: r.timeTakenMs / 1000,
        error: r.error,
      })),
    );
  }

  /** Memory is always there. */
  health(): Promise<WritebackHealth> {
    return Promise.resolve({ missing: [], wrong: [] });
  }
}
