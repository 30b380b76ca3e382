import type { estypes } from '@elastic/elasticsearch';
import type { RuleDefinition } from '../rules/types.ts';
import { lookupField } from '../ruletypes/fields.ts';
import { strptimeMs } from './strptime.ts';

/** ElastAlert2's default timestamp_format for timestamp_type: custom. */
export const DEFAULT_TIMESTAMP_FORMAT = '%Y-%m-%dT%H:%M:%SZ';

type TimestampSpec = Pick<RuleDefinition, 'timestampType'> & { timestampFormat?: string | undefined };

/**
 * A range bound in the rule's timestamp encoding (ISO text, epoch seconds or epoch millis, or
 * timestamp_format text in UTC for custom; Elasticsearch parses that with the field's mapping).
 */
export function timestampValue(rule: TimestampSpec, ms: number): string | number {
  if (rule.timestampType === 'unix') return Math.floor(ms / 1000);
  if (rule.timestampType === 'unix_ms') return ms;
  if (rule.timestampType === 'custom') return strftime(rule.timestampFormat ?? DEFAULT_TIMESTAMP_FORMAT, new Date(ms));
  return new Date(ms).toISOString();
}

/** Event time of a document in ms, or undefined when the field is missing or unreadable. */
export function eventTimeMs(rule: TimestampSpec & Pick<RuleDefinition, 'timestampField'>, source: Record<string, unknown>): number | undefined {
  const raw = lookupField(source, rule.timestampField);
  if (raw === undefined || raw === null) return undefined;
  if (rule.timestampType === 'custom') return typeof raw === 'string' ? strptimeMs(raw, rule.timestampFormat ?? DEFAULT_TIMESTAMP_FORMAT) : undefined;
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
export function indexFor(rule: Pick<RuleDefinition, 'index' | 'useStrftimeIndex'> & { options?: Readonly<Record<string, unknown>> }, startMs: number, endMs: number): string {
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

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** ISO 8601 week number and week-year of a UTC date (Python's %V and %G). */
function isoWeek(d: Date): { week: number; year: number } {
  const t = new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
  const dow = t.getUTCDay() || 7;
  t.setUTCDate(t.getUTCDate() + 4 - dow);
  const yearStart = Date.UTC(t.getUTCFullYear(), 0, 1);
  return { week: Math.ceil(((t.getTime() - yearStart) / DAY + 1) / 7), year: t.getUTCFullYear() };
}

/** Python's strftime in UTC with the C locale, for index names. An unknown token is refused. */
export function strftime(pattern: string, d: Date): string {
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  const dayOfYear = Math.floor((Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / DAY) + 1;
  // Python's %U (weeks start Sunday) and %W (Monday): days before the first such day are week 0.
  const weekOf = (firstDay: number): number => Math.floor((dayOfYear + 6 - ((d.getUTCDay() - firstDay + 7) % 7)) / 7);
  const hour12 = d.getUTCHours() % 12 || 12;
  return pattern.replace(/%([a-zA-Z%])/g, (whole, c: string) => {
    switch (c) {
      case 'Y': return String(d.getUTCFullYear());
      case 'y': return pad(d.getUTCFullYear() % 100);
      case 'C': return pad(Math.floor(d.getUTCFullYear() / 100));
      case 'G': return String(isoWeek(d).year);
      case 'm': return pad(d.getUTCMonth() + 1);
      case 'b': case 'h': return (MONTHS[d.getUTCMonth()] ?? '').slice(0, 3);
      case 'B': return MONTHS[d.getUTCMonth()] ?? '';
      case 'd': return pad(d.getUTCDate());
      case 'e': return String(d.getUTCDate()).padStart(2, ' ');
      case 'j': return pad(dayOfYear, 3);
      case 'a': return (DAYS[d.getUTCDay()] ?? '').slice(0, 3);
      case 'A': return DAYS[d.getUTCDay()] ?? '';
      case 'w': return String(d.getUTCDay());
      case 'u': return String(d.getUTCDay() || 7);
      case 'U': return pad(weekOf(0));
      case 'W': return pad(weekOf(1));
      case 'V': return pad(isoWeek(d).week);
      case 'H': return pad(d.getUTCHours());
      case 'I': return pad(hour12);
      case 'p': return d.getUTCHours() < 12 ? 'AM' : 'PM';
      case 'M': return pad(d.getUTCMinutes());
      case 'S': return pad(d.getUTCSeconds());
      case 'D': return `${pad(d.getUTCMonth() + 1)}/${pad(d.getUTCDate())}/${pad(d.getUTCFullYear() % 100)}`;
      case 'F': return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
      case 'R': return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
      case 'T': return `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
      case 'z': return '+0000';
      case 'Z': return 'UTC';
      case '%': return '%';
      default: return whole;
    }
  });
}
