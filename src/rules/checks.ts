import { ANY_DURATION, durationOutOfBounds } from '../config/bounds.ts';
import { parseDuration } from '../config/duration.ts';
import type { ConfigProblem } from '../config/errors.ts';
import { suggest } from '../config/suggest.ts';
import { validate } from '../config/validate.ts';
import { alerterRefusal, KNOWN_ALERTERS, REQUIRED_ALERTER_OPTIONS } from './alerter-options.ts';
import type { MergedRule } from './imports.ts';
import { isTimeZone } from '../alert/times.ts';
import { unknownDirectives } from '../query/strptime.ts';
import { refusalOf } from './refused-options.ts';
import { alerterEntrySchema, TIMESTAMP_TYPES } from './schema.ts';

/** Where a check found something: the option's path in the merged rule. */
export type Report = (path: (string | number)[], field: string, message: string) => void;

export interface CheckContext {
  merged: MergedRule;
  rule: string | undefined;
  defaults: Readonly<Record<string, unknown>>;
  report: Report;
  /** Problems the checks found through `validate`, already placed in their file. */
  extra: ConfigProblem[];
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** An alerter entry of `alert`, once its shape is known to be right. */
export interface AlertEntry {
  type: string;
  options: Record<string, unknown>;
}

/**
 * Reads `alert` the way ElastAlert2 does: a name, or a list whose items are names or single-key
 * mappings `{name: {options}}`. Bad items are reported and left out.
 */
export function alertEntries(ctx: CheckContext): AlertEntry[] {
  const alert = ctx.merged.value.alert;
  const items = typeof alert === 'string' ? [alert] : Array.isArray(alert) ? (alert as unknown[]) : [];
  const at = (i: number): (string | number)[] => (typeof alert === 'string' ? ['alert'] : ['alert', i]);
  const field = (i: number): string => (typeof alert === 'string' ? 'alert' : `alert[${i}]`);
  const entries: AlertEntry[] = [];
  items.forEach((item, i) => {
    let type: string;
    let options: Record<string, unknown> = {};
    if (typeof item === 'string' && item.trim() !== '') {
      type = item;
    } else if (isObject(item) && Object.keys(item).length === 1) {
      const [name, value] = Object.entries(item)[0] as [string, unknown];
      if (!isObject(value)) {
        ctx.report([...at(i), name], `${field(i)}.${name}`, `expected a mapping of options for the ${name} alerter, got ${JSON.stringify(value) ?? String(value)}`);
        return;
      }
      type = name;
      options = value;
    } else {
      ctx.report(at(i), field(i), `expected an alerter name or a {name: {options}} mapping, got ${JSON.stringify(item) ?? String(item)}`);
      return;
    }
    // The name first: a rule naming an alerter that cannot run hears that, not what its options lack.
    if (!KNOWN_ALERTERS.includes(type)) {
      const guess = suggest(type, KNOWN_ALERTERS);
      const why = type.includes('.')
        ? 'custom alerter modules (Python classes) are not supported'
        : `unknown alerter${guess ? `; did you mean "${guess}"?` : ` (known: ${KNOWN_ALERTERS.join(', ')})`}`;
      ctx.report(at(i), field(i), `${JSON.stringify(type)}: ${why}`);
      return;
    }
    const refused = alerterRefusal(type);
    if (refused !== undefined) {
      ctx.report(at(i), field(i), `the "${type}" alerter is not available: ${refused}`);
      return;
    }
    if (isObject(item)) {
      const origin = ctx.merged.origins.get('alert')?.file;
      ctx.extra.push(...validate(alerterEntrySchema, options, { file: origin?.display ?? '', rule: ctx.rule, source: origin?.source, basePath: [...at(i), type] }));
    }
    for (const option of REQUIRED_ALERTER_OPTIONS[type] ?? []) {
      // config.yaml may give it for every rule (ElastAlert2 copies its config into each rule).
      if (options[option] === undefined && ctx.merged.value[option] === undefined && ctx.defaults[option] === undefined) {
        ctx.report(at(i), option, `is required by the ${type} alerter (${field(i)})`);
      }
    }
    entries.push({ type, options });
  });
  return entries;
}

/** What JSON schema cannot say well: ElastAlert2's load-time checks that involve several options. */
export function checkRule(ctx: CheckContext): void {
  const v = ctx.merged.value;
  const has = (key: string): boolean => v[key] !== undefined && v[key] !== null;
  const requireOneOf = (a: string, b: string): void => {
    if (!has(a) && !has(b)) ctx.report([], a, `is required unless ${b} is set`);
  };
  switch (v.type) {
    case 'new_term':
      if (!has('fields') && !has('query_key')) ctx.report([], 'fields', 'is required unless query_key is set');
      break;
    case 'cardinality':
      requireOneOf('max_cardinality', 'min_cardinality');
      break;
    case 'metric_aggregation':
      requireOneOf('max_threshold', 'min_threshold');
      break;
    case 'percentage_match':
      requireOneOf('max_percentage', 'min_percentage');
      break;
    default:
      break;
  }
  // ElastAlert2's enhance_filter turns a list on ANY rule into a query filter; only the list types use it here.
  for (const list of ['blacklist', 'whitelist']) {
    if (has(list) && v.type !== list) ctx.report([list], list, `is only read by type ${list}; ElastAlert2 would also add it to this ${String(v.type)} rule's query, which LogWarden does not: put the condition under filter`);
  }
  if (v.metric_agg_type === 'percentiles' && !has('percentile_range')) {
    ctx.report(['metric_agg_type'], 'percentile_range', 'is required when metric_agg_type is percentiles');
  }
  if (v.use_terms_query === true && !has('query_key')) ctx.report(['use_terms_query'], 'query_key', 'is required when use_terms_query is true');
  if (v.scan_entire_timeframe === true && !has('timeframe')) {
    ctx.report(['scan_entire_timeframe'], 'timeframe', 'is required when scan_entire_timeframe is true');
  }
  checkAggregation(ctx);
  checkRefused(ctx);
  checkTimestampFormat(ctx);
  const zone = ctx.merged.value.query_timezone;
  if (typeof zone === 'string' && zone !== '' && !isTimeZone(zone)) {
    ctx.report(['query_timezone'], 'query_timezone', `${JSON.stringify(zone)} is not a time zone; use an IANA name such as "Europe/Istanbul" or "UTC"`);
  }
  checkFilterEntries(ctx);
  // Defaults given in code rather than through config.yaml's schema.
  const defaultType = ctx.defaults.timestamp_type;
  if (!has('timestamp_type') && defaultType !== undefined && !(TIMESTAMP_TYPES as readonly unknown[]).includes(defaultType)) {
    ctx.report([], 'timestamp_type', `${JSON.stringify(defaultType)} (the global default) is not supported; expected one of ${TIMESTAMP_TYPES.join(', ')}`);
  }
}

/** `aggregation` is a duration, or `{schedule: <cron>}` to send on a schedule. */
function checkAggregation(ctx: CheckContext): void {
  const value = ctx.merged.value.aggregation;
  if (value === undefined) return;
  if (isObject(value) && 'schedule' in value) {
    const extra = Object.keys(value).filter((k) => k !== 'schedule');
    if (extra.length > 0) {
      ctx.report(['aggregation', extra[0] ?? ''], `aggregation.${extra[0]}`, 'give either schedule or a duration, not both');
    } else if (typeof value.schedule !== 'string' || value.schedule.trim().split(/\s+/).length < 5) {
      ctx.report(['aggregation', 'schedule'], 'aggregation.schedule', `expected a cron expression such as "0 9 * * mon-fri", got ${JSON.stringify(value.schedule)}`);
    }
    return;
  }
  const parsed = parseDuration(value);
  const error = typeof parsed === 'number' ? durationOutOfBounds(parsed, ANY_DURATION) : parsed.error;
  if (error !== undefined) ctx.report(['aggregation'], 'aggregation', error);
}

// Kept here for its many importers; it lives in src/config so that alerters can use it without
// depending on src/rules (which joins the alerters' schemas).
export { durationMs } from '../config/duration.ts';

/** Options the schema accepts for ElastAlert2's sake but LogWarden cannot honour: refused by name. */
function checkRefused(ctx: CheckContext): void {
  for (const [key, value] of Object.entries(ctx.merged.value)) {
    const refusal = refusalOf(key, value);
    if (refusal) ctx.report([key], key, refusal.reason);
  }
}

/**
 * ElastAlert2 2.31 sends an `eql:` or `esql:` filter entry to the EQL or ES|QL endpoint, the
 * other entries becoming that request's filter (src/query/eql.ts). One such entry per rule, and
 * its query must be text; whether the rule type can use it is checked when the rule is taken on.
 */
function checkFilterEntries(ctx: CheckContext): void {
  const filter = ctx.merged.value.filter;
  if (!Array.isArray(filter)) return;
  let piped = 0;
  filter.forEach((entry: unknown, i) => {
    if (!isObject(entry)) return;
    for (const key of ['eql', 'esql'] as const) {
      if (!(key in entry)) continue;
      if (typeof entry[key] !== 'string' || entry[key] === '') ctx.report(['filter', i, key], `filter[${i}].${key}`, `expected the ${key === 'eql' ? 'EQL' : 'ES|QL'} query as text`);
      else if (Object.keys(entry).length > 1) ctx.report(['filter', i, key], `filter[${i}].${key}`, 'must be the only key of its filter entry');
      else if (++piped > 1) ctx.report(['filter', i, key], `filter[${i}].${key}`, 'a rule can have one eql or esql entry; AND the conditions inside the query');
    }
  });
}

/** timestamp_type: custom reads and writes timestamp_format; a directive it does not know is named. */
function checkTimestampFormat(ctx: CheckContext): void {
  const v = ctx.merged.value;
  const type = v.timestamp_type ?? ctx.defaults.timestamp_type;
  const format = v.timestamp_format ?? ctx.defaults.timestamp_format;
  if (type !== 'custom' || typeof format !== 'string') return;
  const unknown = unknownDirectives(format);
  if (unknown.length > 0) {
    ctx.report(['timestamp_format'], 'timestamp_format', `${unknown.join(', ')} cannot be read back from documents; use %Y %y %m %d %H %I %p %M %S %f %z %Z %j %b %B %a %A %T %F`);
  }
}
