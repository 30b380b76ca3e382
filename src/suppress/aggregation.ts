import { parseDuration } from '../config/duration.ts';
import { OptionError } from '../rules/problem.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { lookupField, pyStr } from '../pycompat/index.ts';
import { cronSchedule, type CronSchedule } from '../schedule/cron.ts';

/** ElastAlert2's `aggregation`: a fixed period after the first match, or a cron schedule. */
export type AggregationSpec = { kind: 'period'; periodMs: number } | { kind: 'schedule'; cron: string; schedule: CronSchedule };

/** The rule's aggregation, or undefined without one; throws a message naming the option when malformed. */
export function aggregationOf(rule: RuleDefinition): AggregationSpec | undefined {
  const raw = rule.options.aggregation;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'object' && !Array.isArray(raw) && 'schedule' in raw) {
    const cron = String((raw as { schedule: unknown }).schedule);
    let schedule;
    try {
      schedule = cronSchedule(cron);
    } catch (error) {
      throw new OptionError(
        'aggregation',
        `schedule ${JSON.stringify(cron)} is not a cron expression (${error instanceof Error ? error.message : String(error)})`,
      );
    }
    return { kind: 'schedule', cron, schedule };
  }
  const ms = parseDuration(raw);
  if (typeof ms !== 'number') throw new OptionError('aggregation', ms.error);
  if (ms <= 0) throw new OptionError('aggregation', 'must be longer than 0');
  return { kind: 'period', periodMs: ms };
}

/**
 * When an aggregation that starts at `startMs` is sent: after the period, or at the next time the
 * schedule fires (src/schedule/cron.ts: UTC, to the minute, either day field may match as in cron).
 */
export function aggregationEnd(spec: AggregationSpec, startMs: number): number {
  if (spec.kind === 'period') return startMs + spec.periodMs;
  const next = spec.schedule.nextAfter(startMs);
  if (next === undefined) throw new Error(`aggregation: schedule ${JSON.stringify(spec.cron)} never fires`);
  return next;
}

/** ElastAlert2's aggregation_key value: the fields' values joined with ", ", or '' without the option. */
export function aggregationKeyValue(rule: RuleDefinition, match: Readonly<Record<string, unknown>>): string {
  const raw = rule.options.aggregation_key;
  if (raw === undefined || raw === null) return '';
  const fields = Array.isArray(raw) ? raw.map(String) : [String(raw)];
  return fields.map((f) => pyStr(lookupField(match, f))).join(', ');
}
