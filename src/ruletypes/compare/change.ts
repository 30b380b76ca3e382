import { createHash } from 'node:crypto';
import type { CountEntry, RuleDefinition, RuleEvent, RuleMatch } from '../../rules/types.ts';
import { isPlainObject, lookupField, pyStr, pyTruthy } from '../../pycompat/index.ts';
import { documentBody, durationOptionMs, type RuleType, type StepResult } from '../rule-type.ts';
import { failFor } from '../metric-options.ts';
import { compareKeys, refuseCounts } from './options.ts';

/** The last values seen for one query_key value. */
export interface ChangeKeyState {
  /** The query_key value; null for documents without one (ElastAlert2's None key). */
  key: string | null;
  /** sha256 of the values in canonical JSON: what a change is decided on. */
  hash: string;
  /** The values as shown in a later match's old_value; a very long one is cut (see boundedValue). */
  values: unknown[];
  /** Event time of the document the values came from. */
  seenMs: number;
}

/** Plain JSON, persisted between runs. Keys are in the order last seen, oldest first. */
export interface ChangeState {
  /** compare_key as the values were taken; a rule edit that changes it starts afresh (no false changes). */
  fields?: string[];
  keys: ChangeKeyState[];
  /** Keys forgotten because there were more than the cap (their next value is taken as a first sighting). */
  dropped: number;
}

export interface ChangeLimits {
  /** Most query_key values remembered; default DEFAULT_MAX_CHANGE_KEYS. */
  maxKeys?: number;
}

/**
 * 100,000 keys (users, hosts): each costs its key, a 64-character hash and its values, the
 * values capped at MAX_VALUE_CHARS, so a hostile log line cannot grow the state without bound.
 */
export const DEFAULT_MAX_CHANGE_KEYS = 100_000;
export const MAX_VALUE_CHARS = 1_000;

/**
 * ElastAlert2's ChangeRule (type change): per query_key value, remembers the compare_key
 * values of the last document, and matches when a later document of the same key has other
 * values; with `timeframe`, only when that document came within timeframe of the previous one.
 * The match is the document plus old_value and new_value (lists, one value per compare_key).
 * ignore_null: a document missing any compare_key (or holding None, "", 0, [] or {}, but not
 * false, as ElastAlert2's test) is skipped and changes nothing.
 *
 * Deliberate differences from ElastAlert2:
 * - The last values are persisted with the rule's state, so a restart does not forget them
 *   (ElastAlert2 keeps them in memory: after a restart the first change of every key is lost).
 * - Bounded: at most DEFAULT_MAX_CHANGE_KEYS keys, the least recently seen forgotten first; with
 *   timeframe a key not seen for timeframe (plus buffer_time, for late documents) is forgotten,
 *   which decides nothing differently since such a gap can never match.
 * - Values are compared by content (numbers as numbers, objects whatever their key order).
 *   ElastAlert2 compares Python values, which also holds True equal to 1.
 * - ElastAlert2 keeps change_map and occurrence_time on the class, shared by every change rule,
 *   and fills old_value from a map that a later change of the same key overwrites before the
 *   alert is sent; here each match carries its own old and new values.
 */
export class ChangeRule implements RuleType<ChangeState> {
  readonly needs = 'documents' as const;
  readonly #rule: RuleDefinition;
  readonly #fields: string[];
  readonly #ignoreNull: boolean;
  readonly #timeframeMs: number | undefined;
  readonly #maxKeys: number;

  constructor(rule: RuleDefinition, limits: ChangeLimits = {}) {
    this.#rule = rule;
    const fail = failFor(rule);
    refuseCounts(rule, 'change', fail);
    if (rule.queryKey === undefined) throw fail('query_key', 'is required by type change: values are remembered per query_key value', true);
    this.#fields = compareKeys(rule, fail);
    this.#ignoreNull = pyTruthy(rule.options['ignore_null']);
    this.#timeframeMs = rule.options['timeframe'] === undefined ? undefined : durationOptionMs(rule, 'timeframe');
    const max = limits.maxKeys ?? DEFAULT_MAX_CHANGE_KEYS;
    if (!Number.isInteger(max) || max < 1) throw fail('maxKeys', `expected an integer >= 1, got ${max}`);
    this.#maxKeys = max;
  }

  initialState(): ChangeState {
    return { fields: [...this.#fields], keys: [], dropped: 0 };
  }

  addEvents(state: ChangeState, events: readonly RuleEvent[], _nowMs?: number): StepResult<ChangeState> {
    const sameFields = JSON.stringify(state.fields ?? this.#fields) === JSON.stringify(this.#fields);
    const known = sameFields ? toMap(state) : new Map<string, ChangeKeyState>();
    const matches: RuleMatch[] = [];
    for (const e of events) {
      const values = this.#fields.map((f) => lookupField(e.source, f));
      if (this.#ignoreNull && values.some((v) => typeof v !== 'boolean' && !pyTruthy(v))) continue;
      const key = e.key ?? null;
      const id = JSON.stringify(key);
      const hash = hashValues(values);
      const previous = known.get(id);
      const shown = values.map(boundedValue);
      if (previous !== undefined && previous.hash !== hash) {
        const inTime = this.#timeframeMs === undefined || e.timestampMs - previous.seenMs <= this.#timeframeMs;
        if (inTime) {
          const body = { ...documentBody(this.#rule, e), old_value: structuredClone(previous.values), new_value: shown };
          matches.push({ timestampMs: e.timestampMs, key: e.key, body });
        }
      }
      // Re-inserted so the Map's order stays last-seen order (the oldest is first to go at the cap).
      known.delete(id);
      known.set(id, { key, hash, values: shown, seenMs: e.timestampMs });
    }
    return { state: this.#toState(known, state.dropped), matches };
  }

  garbageCollect(state: ChangeState, nowMs: number): ChangeState {
    if (this.#timeframeMs === undefined) return state;
    const cutoff = nowMs - this.#timeframeMs - this.#rule.bufferTimeMs;
    const keys = state.keys.filter((k) => k.seenMs >= cutoff);
    return keys.length === state.keys.length ? state : { ...state, keys };
  }

  addCounts(_state?: ChangeState, _entries?: readonly CountEntry[], _nowMs?: number): StepResult<ChangeState> {
    throw new Error(`rule "${this.#rule.name}" (${this.#rule.file}): type change judges documents, not counts`);
  }

  /** As ElastAlert2's ChangeRule: no line of its own; old_value and new_value are among the fields shown. */
  describeMatch(_match?: RuleMatch): string {
    return '';
  }

  #toState(known: Map<string, ChangeKeyState>, droppedBefore: number): ChangeState {
    let keys = [...known.values()];
    // Out-of-order documents (late arrivals in the buffer_time overlap) can leave the order unsorted.
    keys.sort((a, b) => a.seenMs - b.seenMs);
    let dropped = Number.isFinite(droppedBefore) ? droppedBefore : 0;
    if (keys.length > this.#maxKeys) {
      dropped += keys.length - this.#maxKeys;
      keys = keys.slice(keys.length - this.#maxKeys);
    }
    return { fields: [...this.#fields], keys, dropped };
  }
}

function toMap(state: ChangeState): Map<string, ChangeKeyState> {
  const map = new Map<string, ChangeKeyState>();
  for (const k of Array.isArray(state.keys) ? state.keys : []) map.set(JSON.stringify(k.key), k);
  return map;
}

/** JSON with object keys sorted, so {a, b} and {b, a} are the same value; undefined is null. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isPlainObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

function hashValues(values: readonly unknown[]): string {
  return createHash('sha256').update(canonical(values)).digest('hex');
}

/** A value as kept for old_value: as is, or its text cut to MAX_VALUE_CHARS when longer. */
function boundedValue(value: unknown): unknown {
  if (value === undefined) return null;
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (text.length <= MAX_VALUE_CHARS) return structuredClone(value);
  return `${(typeof value === 'string' ? value : pyStr(value)).slice(0, MAX_VALUE_CHARS)}… (cut from ${text.length} characters)`;
}
