import { OptionError } from '../rules/problem.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { aggregationEnd, aggregationOf, type AggregationSpec } from '../suppress/aggregation.ts';

/**
 * ElastAlert2's limit_execution: a cron expression (UTC) saying when the rule may run. A rule
 * runs at a scheduled tick only if the expression fired since the previous tick (so with
 * "0 9 * * mon-fri" it runs once, at the first tick from 09:00 on weekdays); its query then covers
 * the time since its previous run, as after any pause. Explicit runs (--once, --start) ignore it.
 * Throws a message naming the option when the expression is not cron.
 */
export function limitExecutionOf(rule: RuleDefinition): AggregationSpec | undefined {
  const cron = rule.options['limit_execution'];
  if (cron === undefined || cron === null) return undefined;
  try {
    // The cron parser of aggregation schedules, so both options read cron the same way.
    return aggregationOf({ ...rule, options: { aggregation: { schedule: String(cron) } } });
  } catch (error) {
    if (!(error instanceof OptionError)) throw error;
    // aggregation's "schedule "x" is not a cron expression", said of this option.
    throw new OptionError('limit_execution', error.detail.replace(/^schedule /, ''));
  }
}

/** Whether the expression fired in (previousTickMs, nowMs]. */
export function executionAllowed(spec: AggregationSpec | undefined, previousTickMs: number, nowMs: number): boolean {
  if (!spec) return true;
  return aggregationEnd(spec, previousTickMs) <= nowMs;
}
