import type { estypes } from '@elastic/elasticsearch';
import type { RuleDefinition } from '../rules/types.ts';
import { lookupField } from '../ruletypes/fields.ts';

/** A range bound in the rule's timestamp encoding (ISO text, epoch seconds or epoch millis). */
export function timestampValue(rule: Pick<RuleDefinition, 'timestampType'>, ms: number): string | number {
  if (rule.timestampType === 'unix') return Math.floor(ms / 1000);
  if (rule.timestampType === 'unix_ms') return ms;
  return new Date(ms).toISOString();
}

/** Event time of a document in ms, or undefined when the field is missing or unreadable. */
export function eventTimeMs(rule: Pick<RuleDefinition, 'timestampType' | 'timestampField'>, source: Record<string, unknown>): number | undefined {
  const raw = lookupField(source, rule.timestampField);
  if (raw === undefined || raw === null) return undefined;
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

/** Index expression for a window: strftime patterns (`logs-%Y.%m.%d`) become one index per UTC day. */
export function indexFor(rule: Pick<RuleDefinition, 'index' | 'useStrftimeIndex'>, startMs: number, endMs: number): string {
  if (!rule.useStrftimeIndex) return rule.index;
  const names = new Set<string>();
  const day = 86_400_000;
  for (let t = Math.floor(startMs / day) * day; t <= endMs; t += day) names.add(strftime(rule.index, new Date(t)));
  names.add(strftime(rule.index, new Date(endMs)));
  return [...names].join(',');
}

function strftime(pattern: string, d: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return pattern.replace(/%([Ymd%])/g, (_m, c: string) => {
    switch (c) {
      case 'Y': return String(d.getUTCFullYear());
      case 'm': return pad(d.getUTCMonth() + 1);
      case 'd': return pad(d.getUTCDate());
      case '%': return '%';
      default: return c;
    }
  });
}
