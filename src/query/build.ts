import type { estypes } from '@elastic/elasticsearch';
import type { RuleDefinition } from '../rules/types.ts';
import { lookupField } from '../pycompat/index.ts';
import { formatInZone, zoneOffsetMinutes } from '../alert/times.ts';
import { strftime } from './strftime.ts';
import { strptimeMs } from './strptime.ts';

/** ElastAlert2's default timestamp_format for timestamp_type: custom. */
export const DEFAULT_TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%SZ';

type TimestampSpec = Pick<RuleDefinition, 'timestampType'> & { timestampFormat?: string | undefined; queryTimezone?: string | undefined };

/**
 * A range bound in the rule's timestamp encoding (ISO text, epoch seconds or epoch millis, or
 * timestamp_format text in UTC for custom; Elasticsearch parses that with the field's mapping).
 */
export function timestampValue(rule: TimestampSpec, ms: number): string | number {
  if (rule.timestampType === 'unix') return Math.floor(ms / 1000);
  if (rule.timestampType === 'unix_ms') return ms;
  if (rule.timestampType === 'custom') {
    const format = rule.timestampFormat ?? DEFAULT_TIMESTAMP_FORMAT;
    // query_timezone: bounds in that zone's wall time (ElastAlert2); documents are read the same way.
    return rule.queryTimezone ? formatInZone(format, ms, rule.queryTimezone) : strftime(format, new Date(ms));
  }
  return new Date(ms).toISOString();
}

/** Event time of a document in ms, or undefined when the field is missing or unreadable. */
export function eventTimeMs(
  rule: TimestampSpec & Pick<RuleDefinition, 'timestampField'>,
  source: Record<string, unknown>,
): number | undefined {
  const raw = lookupField(source, rule.timestampField);
  if (raw === undefined || raw === null) return undefined;
  if (rule.timestampType === 'custom') {
    if (typeof raw !== 'string') return undefined;
    const format = rule.timestampFormat ?? DEFAULT_TIMESTAMP_FORMAT;
    const asUtc = strptimeMs(raw, format);
    // A wall time of query_timezone (no %z in the format): shift by that zone's offset at that time.
    if (asUtc === undefined || !rule.queryTimezone || /%z/.test(format)) return asUtc;
    return asUtc - zoneOffsetMinutes(rule.queryTimezone, asUtc) * 60_000;
  }
  if (rule.timestampType === 'unix') return typeof raw === 'number' ? raw * 1000 : Number(raw) * 1000 || undefined;
  if (rule.timestampType === 'unix_ms') return typeof raw === 'number' ? raw : Number(raw) || undefined;
  const ms = typeof raw === 'number' ? raw : Date.parse(String(raw));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * The query of one window: the rule's filters ANDed with a time range that excludes the start
 * and includes the end, as ElastAlert2 does, so consecutive windows never count an event twice.
 */
export function windowQuery(rule: RuleDefinition, startMs: number, endMs: number): estypes.QueryDslQueryContainer {
  const range: estypes.QueryDslQueryContainer = {
    range: {
      [rule.timestampField]: {
        gt: timestampValue(rule, startMs),
        lte: timestampValue(rule, endMs),
        ...(rule.timestampType === 'iso' ? { format: 'strict_date_optional_time' } : {}),
      },
    },
  };
  return { bool: { filter: [range, ...rule.filter.map(normaliseFilter)] } };
}

/** ElastAlert2 accepts `{query: {query_string: ...}}` entries in `filter`; Elasticsearch wants the inner clause. */
function normaliseFilter(entry: Record<string, unknown>): estypes.QueryDslQueryContainer {
  const keys = Object.keys(entry);
  if (keys.length === 1 && keys[0] === 'query' && entry.query && typeof entry.query === 'object') {
    return entry.query as estypes.QueryDslQueryContainer;
  }
  return entry as estypes.QueryDslQueryContainer;
}

/**
 * Index expression for a window. With use_strftime_index the pattern (`logs-%Y.%m.%d`,
 * `logs-%Y.%m.%d.%H`) becomes one index per period the window touches, in UTC, stepping by the
 * finest time token of the pattern. With search_extra_index one more period on the early side is
 * searched, as ElastAlert2 does for indices named after another time than timestamp_field.
 */
export function indexFor(
  rule: Pick<RuleDefinition, 'index' | 'useStrftimeIndex'> & { options?: Readonly<Record<string, unknown>> },
  startMs: number,
  endMs: number,
): string {
  if (!rule.useStrftimeIndex) return rule.index;
  const stepMs = strftimeStepMs(rule.index);
  if (stepMs === undefined) return strftime(rule.index, new Date(endMs));
  const names = new Set<string>();
  const extra = rule.options?.['search_extra_index'] === true ? stepMs : 0;
  const first = Math.floor((startMs - extra) / stepMs) * stepMs;
  // Month and year steps are not fixed lengths: stepping by a day is exact and the set drops repeats.
  const walk = stepMs > DAY ? DAY : stepMs;
  for (let t = first; t <= endMs; t += walk) names.add(strftime(rule.index, new Date(t)));
  names.add(strftime(rule.index, new Date(endMs)));
  return [...names].join(',');
}

const MINUTE_MS = 60_000;
const HOUR = 60 * MINUTE_MS;
const DAY = 24 * HOUR;

/** The period of the finest time token in a pattern; undefined when it has none (a fixed name). */
export function strftimeStepMs(pattern: string): number | undefined {
  const tokens = [...pattern.matchAll(/%([a-zA-Z%])/g)].map((m) => m[1]);
  if (tokens.some((t) => t === 'S' || t === 's' || t === 'T' || t === 'c' || t === 'X')) return 1000;
  if (tokens.some((t) => t === 'M' || t === 'R')) return MINUTE_MS;
  if (tokens.some((t) => t === 'H' || t === 'I' || t === 'p' || t === 'k' || t === 'l')) return HOUR;
  if (tokens.some((t) => 'dejaAuUVWwDFxG'.includes(t ?? ''))) return DAY;
  if (tokens.some((t) => 'mbBh'.includes(t ?? ''))) return 31 * DAY;
  if (tokens.some((t) => t === 'Y' || t === 'y' || t === 'C' || t === 'g')) return 366 * DAY;
  return undefined;
}

export { strftime } from './strftime.ts';
