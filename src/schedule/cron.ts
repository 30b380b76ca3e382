import { Cron } from 'croner';

/**
 * A cron expression read the way ElastAlert2 reads `aggregation.schedule` and `limit_execution`
 * (croniter): in UTC, to the minute, and when both day-of-month and day-of-week are restricted a
 * day matching either one fires (cron's rule, so "0 0 13 * 5" is every 13th and every Friday).
 *
 * Why croner and not node-cron, which the project used before: node-cron 4's next-run API
 * (`getNextRun`, `getNextRuns`) always starts from the wall clock, so it cannot answer "after this
 * time" on the injected Clock, and it requires both day fields to match ("Friday the 13th"),
 * unlike cron and croniter. croner's `nextRun(from)` takes the starting time and jumps field by
 * field, so a schedule years away costs as little as one a minute away.
 */
export interface CronSchedule {
  readonly expression: string;
  /** The first firing strictly after the minute that contains `afterMs`, or undefined when it never fires again. */
  nextAfter(afterMs: number): number | undefined;
}

/** Any schedule that fires at all fires within a few years of this (29 February is the rarest day). */
const NEVER_FIRES_PROBE_MS = Date.UTC(2000, 0, 1);

/** Parses the expression; throws with croner's reason when it is not cron or never fires. */
export function cronSchedule(expression: string): CronSchedule {
  const fields = expression.trim().split(/\s+/);
  // A sixth, leading field is seconds (as node-cron read it); firings are to the minute, so it
  // only has to be valid, and the rest decides when the schedule fires.
  if (fields.length === 6) new Cron(fields.join(' '), { timezone: 'UTC', mode: '6-part' });
  const minutes = fields.length === 6 ? fields.slice(1) : fields;
  const cron = new Cron(minutes.join(' '), { timezone: 'UTC', mode: '5-part', domAndDow: false });
  // "0 0 31 2 *" parses but never comes: refused here, at load, rather than when an alert waits on it.
  if (cron.nextRun(new Date(NEVER_FIRES_PROBE_MS)) === null) throw new Error('it never fires');
  return {
    expression,
    nextAfter(afterMs) {
      // The last millisecond of afterMs's minute: croner returns the first firing after it.
      const endOfMinute = Math.floor(afterMs / 60_000) * 60_000 + 59_999;
      return cron.nextRun(new Date(endOfMinute))?.getTime();
    },
  };
}
