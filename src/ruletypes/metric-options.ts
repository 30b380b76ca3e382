import { FormatError, formatPython, formatWithSpec, isPlainObject, pyStr } from '../pycompat/index.ts';
import { ruleOptionError, type OptionError } from '../rules/problem.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { METRIC_TYPES, type MetricSpec, type MetricType } from './aggregating.ts';

/** An error about one option that names the rule and its file, as every rule type's option errors do (see ruleOptionError). */
export type Fail = (field: string, detail: string, sentence?: boolean) => OptionError;

export function failFor(rule: RuleDefinition): Fail {
  return (field, detail, sentence) => ruleOptionError(rule, field, detail, sentence);
}

/** JSON.stringify would show NaN and Infinity as null. */
export function show(value: unknown): string {
  return typeof value === 'number' ? String(value) : (JSON.stringify(value) ?? String(value));
}

function isMetricType(value: unknown): value is MetricType {
  return METRIC_TYPES.some((t) => t === value);
}

/** A metric with the name ElastAlert2 gives its value in matches: `metric_<metric_agg_key>_<metric_agg_type>`. */
export interface NamedMetric extends MetricSpec {
  name: string;
}

/** metric_agg_key, metric_agg_type, metric_agg_script and percentile_range, checked as ElastAlert2's constructors do. */
export function metricOption(rule: RuleDefinition, fail: Fail): NamedMetric {
  const key = rule.options['metric_agg_key'];
  if (typeof key !== 'string' || key === '') throw fail('metric_agg_key', `expected a field name, got ${show(key)}`);
  const type = rule.options['metric_agg_type'];
  if (!isMetricType(type)) throw fail('metric_agg_type', `expected one of ${METRIC_TYPES.join(', ')}, got ${show(type)}`);
  const metric: NamedMetric = { name: `metric_${key}_${type}`, type, field: key };
  const script = rule.options['metric_agg_script'];
  if (script !== undefined) {
    // ElastAlert2 also takes a bare script text for percentiles; a mapping says the same unambiguously.
    if (!isPlainObject(script))
      throw fail('metric_agg_script', `expected a mapping such as {script: "doc['a'].value * 2"}, got ${show(script)}`);
    metric.script = script;
  }
  if (type === 'percentiles') {
    const percent = rule.options['percentile_range'];
    if (typeof percent !== 'number' || !Number.isFinite(percent) || percent < 0 || percent > 100) {
      throw fail('percentile_range', `required for metric_agg_type percentiles, a number from 0 to 100, got ${show(percent)}`);
    }
    metric.percent = percent;
  }
  return metric;
}

/** Python's str() of a float: ElastAlert2's percentages and most metrics are floats, so 10 shows as "10.0". */
export function pyFloat(value: unknown): string {
  return typeof value === 'number' && Number.isInteger(value) && Math.abs(value) < 1e16 ? `${value}.0` : pyStr(value);
}

/** Metrics Elasticsearch returns as whole numbers (Python ints in ElastAlert2); the others are doubles. */
export function metricIsInteger(type: MetricType): boolean {
  return type === 'cardinality' || type === 'value_count';
}

/** An optional finite number option. */
export function numberOption(rule: RuleDefinition, name: string, fail: Fail): number | undefined {
  const value = rule.options[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw fail(name, `expected a number, got ${show(value)}`);
  return value;
}

/** A pair of exclusive limits, at least one of them set (max_threshold/min_threshold and the like). */
export interface Bounds {
  max: number | undefined;
  min: number | undefined;
}

/** Reads the two limit options of a rule type; `read` checks each value (a number, a count...). */
export function boundsOption(
  rule: RuleDefinition,
  names: { max: string; min: string; type: string },
  read: (rule: RuleDefinition, name: string, fail: Fail) => number | undefined,
  fail: Fail,
): Bounds {
  const bounds = { max: read(rule, names.max, fail), min: read(rule, names.min, fail) };
  if (bounds.max === undefined && bounds.min === undefined)
    throw fail(names.max, `${names.type} needs ${names.max} or ${names.min} (or both)`);
  return bounds;
}

/** Above max or below min; the limits themselves do not match, as in ElastAlert2. */
export function outOfBounds(bounds: Bounds, value: number): boolean {
  return (bounds.max !== undefined && value > bounds.max) || (bounds.min !== undefined && value < bounds.min);
}

/** min_doc_count: ElastAlert2's terms aggregation drops keys with fewer documents in the window; default 1. */
export function minDocCountOption(rule: RuleDefinition, fail: Fail): number {
  const value = rule.options['min_doc_count'];
  if (value === undefined) return 1;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw fail('min_doc_count', `expected an integer >= 1, got ${show(value)}`);
  return value;
}

/**
 * metric_format_string / percentage_format_string as ElastAlert2's format_string applies them:
 * a text starting with "{" is str.format ("{:.2%}"), anything else %-formatting ("%.2f"). The
 * format is tried once here, so a broken one is reported when the rule loads, not at alert time.
 */
export function formatOption(rule: RuleDefinition, name: string, fail: Fail): ((value: number) => string) | undefined {
  const format = rule.options[name];
  if (format === undefined || format === null) return undefined;
  if (typeof format !== 'string') throw fail(name, `expected a format string such as "{:.2f}" or "%.2f", got ${show(format)}`);
  const apply = (value: number): string => (format.startsWith('{') ? formatPython(format, [value]) : percentFormat(format, value));
  try {
    apply(1.5);
  } catch (error) {
    throw fail(name, error instanceof Error ? error.message : String(error));
  }
  return apply;
}

/**
 * Python's `format % value` for one value: each "%[flags][width][.precision]type" is turned into
 * the equivalent format spec; "%%" is a percent sign. More than one conversion fails as in Python.
 */
export function percentFormat(format: string, value: number): string {
  let used = false;
  return format.replace(
    /%([-+ 0#]*)(\d*)(?:\.(\d+))?([diouxXeEfFgGcrsa%])?/g,
    (whole, flags: string, width: string, precision: string | undefined, type: string | undefined) => {
      if (type === undefined) throw new FormatError(`incomplete format in ${JSON.stringify(format)}`);
      if (type === '%' && whole === '%%') return '%';
      if (used) throw new FormatError('not enough arguments for format string');
      used = true;
      if (type === 's' || type === 'r' || type === 'a') {
        const text = pyStr(value);
        const w = Number(width || 0);
        return flags.includes('-') ? text.padEnd(w) : text.padStart(w);
      }
      const align = flags.includes('-') ? '<' : '';
      const sign = flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '';
      const zero = flags.includes('0') && !flags.includes('-') ? '0' : '';
      const alternate = flags.includes('#') ? '#' : '';
      const integer = 'diu'.includes(type);
      const specType = integer ? 'd' : type === 'F' ? 'F' : type;
      const spec = `${align}${sign}${alternate}${zero}${width}${precision !== undefined && !integer ? `.${precision}` : ''}${specType}`;
      return formatWithSpec(integer ? Math.trunc(value) : value, spec);
    },
  );
}

/**
 * The query_key fields of a match made from an aggregation, as ElastAlert2 writes them: a single
 * key as a nested value (expand_string_into_dict: "host.name" gives {host: {name: ...}}); a
 * compound key as each field's raw value under its own name plus the values joined with ","
 * under the joined name "a,b". Returns the entries and the key as realert sees it.
 */
export function queryKeyEntries(
  rule: RuleDefinition,
  values: readonly (string | number | boolean)[],
): { body: Record<string, unknown>; key: string | undefined; fields: Record<string, string | number | boolean> } {
  const queryKey = rule.queryKey;
  const body: Record<string, unknown> = {};
  const fields: Record<string, string | number | boolean> = {};
  if (queryKey === undefined) return { body, key: undefined, fields };
  queryKey.forEach((field, i) => {
    const value = values[i];
    if (value !== undefined) fields[field] = value;
  });
  const key = values.map((v) => pyStr(v)).join(',');
  if (queryKey.length === 1) {
    const [field] = queryKey;
    const value = values[0];
    if (field !== undefined && value !== undefined) expandInto(body, field, value);
  } else {
    for (const [field, value] of Object.entries(fields)) body[field] = value;
    body[queryKey.join(',')] = key;
  }
  return { body, key, fields };
}

/** Sets `value` at a dotted path, creating objects on the way (a path through a non-object replaces it). */
function expandInto(body: Record<string, unknown>, path: string, value: unknown): void {
  const parts = path.split('.');
  let cursor = body;
  parts.forEach((part, i) => {
    if (i === parts.length - 1) {
      Object.defineProperty(cursor, part, { value, enumerable: true, writable: true, configurable: true });
      return;
    }
    const next = Object.hasOwn(cursor, part) ? cursor[part] : undefined;
    const child = isPlainObject(next) ? next : {};
    if (child !== next) Object.defineProperty(cursor, part, { value: child, enumerable: true, writable: true, configurable: true });
    cursor = child;
  });
}
