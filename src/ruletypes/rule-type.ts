import { parseDuration } from '../config/duration.ts';
import type { CountEntry, RuleDefinition, RuleEvent, RuleMatch } from '../rules/types.ts';
import { ruleOptionError } from '../rules/problem.ts';
import type { ListPushDown } from './compare/list-rule.ts';
import { formatEsTimestamp, queryKeyValue, setField } from '../pycompat/index.ts';

export interface StepResult<S> {
  state: S;
  matches: RuleMatch[];
}

/**
 * One rule type's decision logic. Pure: no I/O, no clock (time comes in as `nowMs`), and the
 * state given in is never mutated, so a failed run can simply keep the previous state.
 * State is plain JSON (objects, arrays, numbers, strings, null) because it is persisted.
 */
export interface RuleType<S> {
  /** What a run must fetch: whole documents, one count per run, or counts per query_key value. */
  readonly needs: 'documents' | 'count' | 'terms';
  initialState(): S;
  /** Documents of one query segment, in the order Elasticsearch returned them (timestamp ascending). */
  addEvents(state: S, events: readonly RuleEvent[], nowMs: number): StepResult<S>;
  /** Count entries of one query segment ('count': one entry; 'terms': one per bucket). */
  addCounts(state: S, entries: readonly CountEntry[], nowMs: number): StepResult<S>;
  /**
   * Drops what can no longer contribute. ElastAlert2 calls this after every segment with that
   * segment's end time, not the wall clock; callers should pass the same.
   */
  garbageCollect(state: S, nowMs: number): S;
  /** The rule type's line(s) in the alert body (ElastAlert2 get_match_str); '' when it adds none. */
  describeMatch(match: RuleMatch): string;
  /** blacklist/whitelist: a list test the query may apply, so documents that cannot match stay in Elasticsearch. */
  readonly pushDown?: ListPushDown | undefined;
}

/** A rule option holding a duration: milliseconds as a number, or ElastAlert2's `{minutes: 5}` / "5m". */
export function durationOptionMs(rule: RuleDefinition, name: string): number {
  const value = rule.options[name];
  if (value === undefined) throw ruleOptionError(rule, name, 'is required', true);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 0) throw ruleOptionError(rule, name, `expected a duration >= 0, got ${value}`);
    return value;
  }
  const ms = parseDuration(value);
  if (typeof ms !== 'number') throw ruleOptionError(rule, name, ms.error);
  return ms;
}

export function positiveIntegerOption(rule: RuleDefinition, name: string): number {
  const value = rule.options[name];
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw ruleOptionError(rule, name, `expected an integer >= 1, got ${JSON.stringify(value)}`);
  }
  return value;
}

/** ElastAlert2 joins a compound query_key into one field name ("a,b") and stores the joined value under it. */
export function queryKeyField(rule: RuleDefinition): string | undefined {
  return rule.queryKey?.join(',');
}

/**
 * A document as ElastAlert2 hands it to rule types and puts it in a match (process_hits +
 * add_match): a deep copy of _source with _id and _index added, the timestamp field rewritten
 * as UTC ISO text, and for a compound query_key the joined value under "a,b".
 * Deliberate difference: a timestamp with a non-UTC offset is shown in UTC (ElastAlert2 keeps the offset).
 */
export function documentBody(rule: RuleDefinition, event: RuleEvent): Record<string, unknown> {
  const body = structuredClone(event.source);
  if (!setField(body, rule.timestampField, formatEsTimestamp(event.timestampMs))) {
    body[rule.timestampField] = formatEsTimestamp(event.timestampMs);
  }
  body['_id'] = event.id;
  body['_index'] = event.index;
  const qkField = queryKeyField(rule);
  if (rule.queryKey && rule.queryKey.length > 1 && qkField !== undefined) {
    body[qkField] = event.key ?? queryKeyValue(event.source, rule.queryKey);
  }
  return body;
}

/**
 * The match as one flat dictionary, as ElastAlert2 sees it in alert text and writes it as
 * match_body: the body plus `related_events` when the rule type attached related documents.
 */
export function matchFields(match: RuleMatch): Record<string, unknown> {
  return match.related === undefined ? match.body : { ...match.body, related_events: match.related };
}
