import { parse } from 'node-cron';
import { parseDuration } from '../config/duration.ts';
import { OptionError } from '../rules/problem.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { lookupField, pyStr } from '../pycompat/index.ts';

/** ElastAlert2's `aggregation`: a fixed period after the first match, or a cron schedule. */
export type AggregationSpec = { kind: 'period'; periodMs: number } | { kind: 'schedule'; cron: string; fields: CronFields };

interface CronFields {
  minute: ReadonlySet<number>;
  hour: ReadonlySet<number>;
  dayOfMonth: ReadonlySet<number>;
  month: ReadonlySet<number>;
  dayOfWeek: ReadonlySet<number>;
  domRestricted: boolean;
  dowRestricted: boolean;
}

/** The rule's aggregation, or undefined without one; throws a message naming the option when malformed. */
export function aggregationOf(rule: RuleDefinition): AggregationSpec | undefined {
  const raw = rule.options.aggregation;
  if (raw === undefined || raw === null) return undefined;
  if (typeof raw === 'object' && !Array.isArray(raw) && 'schedule' in raw) {
    const cron = String((raw as { schedule: unknown }).schedule);
    let parsed;
    try {
      parsed = parse(cron);
    } catch (error) {
      throw new OptionError('aggregation', `schedule ${JSON.stringify(cron)} is not a cron expression (${error instanceof Error ? error.message : String(error)})`);
    }
    const nums = (xs: readonly (number | string)[]): Set<number> => new Set(xs.map(Number).filter((n) => Number.isFinite(n)));
    const fields: CronFields = {
      minute: nums(parsed.minute), hour: nums(parsed.hour), dayOfMonth: nums(parsed.dayOfMonth), month: nums(parsed.month),
      // Sunday is both 0 and 7 in cron.
      dayOfWeek: new Set([...nums(parsed.dayOfWeek)].map((d) => d % 7)),
      domRestricted: parsed.dayOfMonth.length < 31,
      dowRestricted: new Set(parsed.dayOfWeek.map((d) => Number(d) % 7)).size < 7,
    };
    return { kind: 'schedule', cron, fields };
  }
  const ms = parseDuration(raw);
  if (typeof ms !== 'number') throw new OptionError('aggregation', ms.error);
  if (ms <= 0) throw new OptionError('aggregation', 'must be longer than 0');
  return { kind: 'period', periodMs: ms };
}

/**
 * When an aggregation that starts at `startMs` is sent: after the period, or at the next time the
 * schedule fires (UTC, minute resolution, as cron; both day fields restricted means either may
 * match, as in cron and ElastAlert2's croniter).
 */
export function aggregationEnd(spec: AggregationSpec, startMs: number): number {
  if (spec.kind === 'period') return startMs + spec.periodMs;
  const f = spec.fields;
  let t = Math.floor(startMs / 60_000) * 60_000 + 60_000;
  // At most a little over four years of minutes: enough for "29 Feb" schedules, never unbounded.
  for (let i = 0; i < 4 * 366 * 24 * 60 + 10; i++, t += 60_000) {
    const d = new Date(t);
    if (!f.month.has(d.getUTCMonth() + 1) || !f.hour.has(d.getUTCHours()) || !f.minute.has(d.getUTCMinutes())) continue;
    const dom = f.dayOfMonth.has(d.getUTCDate());
    const dow = f.dayOfWeek.has(d.getUTCDay());
    const dayOk = f.domRestricted && f.dowRestricted ? dom || dow : dom && dow;
    if (dayOk) return t;
  }
  throw new Error(`aggregation: schedule ${JSON.stringify(spec.cron)} never fires`);
}

/** ElastAlert2's aggregation_key value: the fields' values joined with ", ", or '' without the option. */
export function aggregationKeyValue(rule: RuleDefinition, match: Readonly<Record<string, unknown>>): string {
  const raw = rule.options.aggregation_key;
  if (raw === undefined || raw === null) return '';
  const fields = Array.isArray(raw) ? raw.map(String) : [String(raw)];
  return fields.map((f) => pyStr(lookupField(match, f))).join(', ');
}
