import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import type { AggregatingRuleType, EvaluationPoint, KeyCountRequest, KeyCountResult, KeyCounts, TimeRangeSpec } from './aggregating.ts';
import { formatEsTimestamp, pyStr, pyTruthy } from '../pycompat/index.ts';
import { failFor } from './metric-options.ts';
import { durationOptionMs, positiveIntegerOption, queryKeyField, type StepResult } from './rule-type.ts';

/** A value of one query_key field as Elasticsearch groups it. */
export type FlatlineKeyValue = string | number | boolean;

/** What the rule remembers about one key (one group without query_key). */
export interface FlatlineKeyState {
  /** The query_key field values in query_key order; [] for the single group without query_key. */
  values: FlatlineKeyValue[];
  /**
   * An upper bound of the time of the key's first document: the end of the earliest counted
   * range in which it had documents. The key is checked once `timeframe` has passed since.
   */
  firstSeenMs: number;
  /** An upper bound of the time of the key's newest document, found the same way; drives expiry. */
  lastSeenMs: number;
  /**
   * False once forget_keys dropped the key after a match: it is no longer checked, and the entry
   * is kept only while it is flatlined, to report its recovery. Relearned when seen again.
   */
  known: boolean;
  /** Matched and not yet recovered; only tracked with notify_on_recovery. */
  flatlined: boolean;
}

/**
 * Plain JSON, persisted between runs. Keys are an array of records, not an object keyed by value,
 * so key values never become JSON property names or Elasticsearch field names.
 */
export interface FlatlineState {
  /** The query_key fields the keys belong to; keys of other fields (the rule was edited) are discarded. */
  queryKey: string[];
  /** False until an evaluation has learned the keys already present in Elasticsearch. */
  seeded: boolean;
  keys: FlatlineKeyState[];
  /** Keys dropped because the state reached its size cap, over the state's lifetime. */
  droppedKeys: number;
}

/** Largest number of keys the state holds; see FlatlineRule for what happens beyond it. */
export const MAX_FLATLINE_KEYS = 100_000;

/** How many equal slices the seed splits the lookback before the current timeframe into. */
export const SEED_SLICES = 12;

/** Default known_keys_lookback: one day (raised to timeframe + run_every for longer timeframes). */
export const DEFAULT_KNOWN_KEYS_LOOKBACK_MS = 86_400_000;

const COUNTS_ID = 'counts';
const SEED_ID = 'seed';
const WINDOW = 'window';
const SEGMENT = 'segment';

/**
 * ElastAlert2's FlatlineRule with the counting done in Elasticsearch: at each evaluation point E,
 * every known key whose document count in (E - timeframe, E] is below `threshold` matches,
 * including count 0, a key that went completely silent.
 *
 * Keys. A key becomes known when documents for it are counted in the segment (S, E] new since
 * the previous evaluation; firstSeen and lastSeen are then E (upper bounds of its document
 * times). Kept from ElastAlert2: nothing is checked for a key until timeframe has passed since it
 * was first seen, so a key that just appeared is not judged on a partial timeframe.
 *
 * Deliberate fix: ElastAlert2 knows only keys it has seen since it started, so after a restart a
 * host that already went silent is never reported. Here known keys are persisted, and the first
 * evaluation (state not seeded) also counts per key over (E - known_keys_lookback, E], split into
 * SEED_SLICES equal slices of (E - lookback, E - timeframe] followed by (E - timeframe, E]. Every
 * key found is known, with firstSeen / lastSeen the end of the earliest / newest slice holding
 * its documents. A key with documents at or before E - timeframe has therefore existed for a
 * whole timeframe and is checked on that first evaluation: silent since before the restart, it
 * is reported at once. A key seen only in the last timeframe is checked from E + timeframe.
 *
 * Without query_key there is one group, always known, as ElastAlert2's "all" window: seeded
 * the same way, otherwise first seen at the first evaluation, so a data source that is already
 * silent (or never had data) is reported timeframe later. It never expires.
 *
 * Matching. Without forget_keys a key keeps matching at every evaluation while below threshold
 * (as ElastAlert2; realert limits the alerts). With forget_keys a key that matched is dropped
 * until documents for it are counted again, then relearned with a fresh first-seen (as
 * ElastAlert2); the single group without query_key cannot be dropped and is re-armed instead:
 * checked again once timeframe has passed since the match (ElastAlert2 recreates its "all"
 * window at the next run, so there this is one run_every later).
 * notify_on_recovery (ours): a flatlined key whose count is back at or above threshold gives one
 * match with `recovered: true`.
 *
 * Bounds. A key not seen for more than known_keys_lookback is forgotten (ElastAlert2 keeps and
 * reports a silent key forever). This matches what a restart would find, so behaviour does not
 * depend on restarts; the lookback must be at least timeframe + run_every so a silent key is
 * reported at least once before it is forgotten (when the run thins the points of a very long
 * outage to more than lookback - timeframe apart, a key may be forgotten unreported). Seeded lastSeen is at most one slice late, so
 * such a key may be kept (and reported) up to (lookback - timeframe) / SEED_SLICES longer. The
 * state holds at most MAX_FLATLINE_KEYS keys: beyond it the keys seen longest ago (those silent
 * longest, already reported the longest) are dropped and counted in `droppedKeys`.
 *
 * Documents lacking a query_key field belong to no key (ElastAlert2 groups them under None).
 * A state whose queryKey differs from the rule's (the rule file was edited) is started afresh
 * and seeded again, so the old field's values are not all reported as silent.
 */
export class FlatlineRule implements AggregatingRuleType<FlatlineState> {
  readonly needs = 'aggregations' as const;
  readonly #rule: RuleDefinition;
  readonly #fields: readonly string[];
  readonly #timeframeMs: number;
  readonly #threshold: number;
  readonly #forgetKeys: boolean;
  readonly #notifyOnRecovery: boolean;
  readonly #lookbackMs: number;
  readonly #maxKeys: number;

  /** `maxKeys` exists for tests; rules always get MAX_FLATLINE_KEYS. */
  constructor(rule: RuleDefinition, maxKeys: number = MAX_FLATLINE_KEYS) {
    const fail = failFor(rule);
    this.#rule = rule;
    this.#fields = rule.queryKey ?? [];
    this.#timeframeMs = durationOptionMs(rule, 'timeframe');
    // A zero timeframe counts nothing, so every key would always match.
    if (this.#timeframeMs <= 0) throw fail('timeframe', 'must be greater than 0', true);
    if (rule.options['threshold'] === undefined) throw fail('threshold', 'is required', true);
    // ElastAlert2 accepts 0, which can never match (no count is below 0); reject it as a mistake.
    this.#threshold = positiveIntegerOption(rule, 'threshold');
    this.#forgetKeys = pyTruthy(rule.options['forget_keys']);
    this.#notifyOnRecovery = pyTruthy(rule.options['notify_on_recovery']);
    // use_count_query / use_terms_query are accepted for ElastAlert2 rule files and ignored:
    // counting is always done in Elasticsearch, per key, without a terms_size limit.
    const minLookback = this.#timeframeMs + rule.runEveryMs;
    if (rule.options['known_keys_lookback'] === undefined) {
      this.#lookbackMs = Math.max(DEFAULT_KNOWN_KEYS_LOOKBACK_MS, minLookback);
    } else {
      this.#lookbackMs = durationOptionMs(rule, 'known_keys_lookback');
      if (this.#lookbackMs < minLookback) {
        throw fail(
          'known_keys_lookback',
          `must be at least timeframe + run_every (${minLookback} ms), got ${this.#lookbackMs} ms; otherwise a key that goes silent is forgotten before it can be reported`,
          true,
        );
      }
    }
    if (!Number.isInteger(maxKeys) || maxKeys < 1) throw fail('maxKeys', 'must be an integer >= 1', true);
    this.#maxKeys = maxKeys;
  }

  initialState(): FlatlineState {
    return { queryKey: [...this.#fields], seeded: false, keys: [], droppedKeys: 0 };
  }

  plan(given: FlatlineState, at: EvaluationPoint): KeyCountRequest[] {
    const state = this.#current(given);
    const end = at.endMs;
    const requests: KeyCountRequest[] = [
      {
        id: COUNTS_ID,
        fields: this.#fields,
        ranges: [
          { name: WINDOW, startMs: end - this.#timeframeMs, endMs: end },
          { name: SEGMENT, startMs: at.startMs, endMs: end },
        ],
      },
    ];
    if (!state.seeded) requests.push({ id: SEED_ID, fields: this.#fields, ranges: this.#seedRanges(end) });
    return requests;
  }

  evaluate(given: FlatlineState, results: readonly KeyCountResult[], at: EvaluationPoint): StepResult<FlatlineState> {
    const state = this.#current(given);
    const end = at.endMs;
    const counts = this.#result(results, COUNTS_ID);
    const windowCount = new Map<string, number>();
    for (const g of counts.groups) windowCount.set(idOf(g.values), g.counts[WINDOW] ?? 0);

    // Entries are replaced, never changed: `state` and its records stay as given.
    const entries = new Map<string, FlatlineKeyState>();
    for (const k of state.keys) entries.set(idOf(k.values), k);

    if (!state.seeded) {
      const seedRanges = this.#seedRanges(end);
      for (const g of this.#result(results, SEED_ID).groups) {
        const withDocs = seedRanges.filter((r) => (g.counts[r.name] ?? 0) > 0);
        const first = withDocs[0];
        const last = withDocs[withDocs.length - 1];
        if (first === undefined || last === undefined) continue;
        this.#learn(entries, g.values, first.endMs, last.endMs);
      }
    }
    for (const g of counts.groups) {
      if ((g.counts[SEGMENT] ?? 0) > 0) this.#learn(entries, g.values, end, end);
    }
    // ElastAlert2's "all" window exists whether or not any document was seen.
    if (this.#fields.length === 0 && !entries.has(idOf([]))) {
      entries.set(idOf([]), { values: [], firstSeenMs: end, lastSeenMs: end, known: true, flatlined: false });
    }

    // Forgotten before checking: a key not seen for more than the lookback is not reported again.
    const kept = [...entries].filter(([, k]) => this.#fields.length === 0 || end - k.lastSeenMs <= this.#lookbackMs);
    const { keys: capped, dropped } = cap(kept, this.#maxKeys);
    const checked = new Map(capped);

    const matches: RuleMatch[] = [];
    for (const [id, entry] of capped) {
      const count = windowCount.get(id) ?? 0;
      // The option may have been turned off since the key flatlined: then no recovery is reported.
      if (entry.flatlined && count >= this.#threshold && this.#notifyOnRecovery) {
        matches.push(this.#match(entry, count, end, true));
        const recovered = { ...entry, flatlined: false };
        if (recovered.known) checked.set(id, recovered);
        else checked.delete(id);
        continue;
      }
      if (!entry.known || end - entry.firstSeenMs < this.#timeframeMs || count >= this.#threshold) continue;
      matches.push(this.#match(entry, count, end, false));
      const flatlined = this.#notifyOnRecovery;
      if (!this.#forgetKeys) {
        if (flatlined !== entry.flatlined) checked.set(id, { ...entry, flatlined });
      } else if (this.#fields.length === 0) {
        checked.set(id, { ...entry, firstSeenMs: end, flatlined });
      } else if (flatlined) {
        checked.set(id, { ...entry, known: false, flatlined });
      } else {
        checked.delete(id);
      }
    }

    const keys = [...checked.values()];
    return { state: { queryKey: [...this.#fields], seeded: true, keys, droppedKeys: state.droppedKeys + dropped }, matches };
  }

  describeMatch(match: RuleMatch): string {
    const end = formatEsTimestamp(match.timestampMs);
    const start = formatEsTimestamp(match.timestampMs - this.#timeframeMs);
    const subject = match.key === undefined ? '' : ` for ${this.#fields.join(', ')} = ${match.key}`;
    const count = pyStr(match.body['count']);
    if (match.body['recovered'] === true) {
      return (
        `Events${subject} are back to normal around ${end}.\n` +
        `Between ${start} and ${end} there were ${count} events, at least the threshold of ${this.#threshold}.`
      );
    }
    return (
      `An abnormally low number of events occurred${subject} around ${end}.\n` +
      `Between ${start} and ${end} there were fewer than ${this.#threshold} events (${count} counted).`
    );
  }

  /** The state as given, or a fresh one when it was made for other query_key fields (or is not a flatline state). */
  #current(state: FlatlineState): FlatlineState {
    const fields: unknown = (state as Partial<FlatlineState> | null)?.queryKey;
    const same = Array.isArray(fields) && fields.length === this.#fields.length && fields.every((f, i) => f === this.#fields[i]);
    return same ? state : { ...this.initialState(), droppedKeys: typeof state?.droppedKeys === 'number' ? state.droppedKeys : 0 };
  }

  /** (E - lookback, E - timeframe] in SEED_SLICES equal slices, then (E - timeframe, E]: they tile the lookback. */
  #seedRanges(end: number): TimeRangeSpec[] {
    const start = end - this.#lookbackMs;
    const split = end - this.#timeframeMs;
    const ranges: TimeRangeSpec[] = [];
    let from = start;
    for (let i = 1; i <= SEED_SLICES; i++) {
      const to = i === SEED_SLICES ? split : start + Math.round(((split - start) * i) / SEED_SLICES);
      // Slices of a lookback barely longer than timeframe may round to nothing.
      if (to > from) ranges.push({ name: `seed-${i - 1}`, startMs: from, endMs: to });
      from = to;
    }
    ranges.push({ name: 'seed-recent', startMs: split, endMs: end });
    return ranges;
  }

  #result(results: readonly KeyCountResult[], id: string): KeyCountResult {
    const found = results.find((r) => r.id === id);
    if (!found)
      throw new Error(`rule "${this.#rule.name}" (${this.#rule.file}): flatline evaluation is missing the "${id}" counts it planned`);
    return found;
  }

  /** Makes a key known (relearning a forgotten one with a fresh first-seen) or moves its lastSeen on. */
  #learn(entries: Map<string, FlatlineKeyState>, values: KeyCounts['values'], firstSeenMs: number, lastSeenMs: number): void {
    if (values.length !== this.#fields.length) return;
    const id = idOf(values);
    const old = entries.get(id);
    if (old === undefined || !old.known) {
      entries.set(id, { values: [...values], firstSeenMs, lastSeenMs, known: true, flatlined: old?.flatlined ?? false });
    } else if (lastSeenMs > old.lastSeenMs) {
      entries.set(id, { ...old, lastSeenMs });
    }
  }

  #match(entry: FlatlineKeyState, count: number, end: number, recovered: boolean): RuleMatch {
    const key = this.#fields.length === 0 ? undefined : entry.values.map((v) => pyStr(v)).join(', ');
    // ElastAlert2's flatline match: the timestamp, `key` ("all" without query_key), `count` and
    // `threshold`; the query_key field values, and for a compound key the joined "a,b" field.
    const body: Record<string, unknown> = { [this.#rule.timestampField]: formatEsTimestamp(end) };
    const fields: Record<string, FlatlineKeyValue> = {};
    this.#fields.forEach((field, i) => {
      const value = entry.values[i];
      if (value === undefined) return;
      body[field] = value;
      fields[field] = value;
    });
    const joined = queryKeyField(this.#rule);
    if (this.#fields.length > 1 && joined !== undefined) body[joined] = key;
    body['key'] = key ?? 'all';
    body['count'] = count;
    body['threshold'] = this.#threshold;
    const match: RuleMatch = { timestampMs: end, key, body };
    if (recovered) {
      body['recovered'] = true;
      // A recovered key has documents: let the run show one (host, user, ...) in the alert.
      match.sample = { startMs: end - this.#timeframeMs, endMs: end, fields };
    }
    return match;
  }
}

function idOf(values: readonly FlatlineKeyValue[]): string {
  return JSON.stringify(values);
}

type Entry = [id: string, key: FlatlineKeyState];

/** Keeps at most `max` keys, dropping those seen longest ago (earlier in the list first on ties); the others keep their order. */
function cap(entries: Entry[], max: number): { keys: Entry[]; dropped: number } {
  if (entries.length <= max) return { keys: entries, dropped: 0 };
  const dropped = entries.length - max;
  const byAge = entries.map((e, i) => ({ seen: e[1].lastSeenMs, i })).sort((a, b) => a.seen - b.seen || a.i - b.i);
  const gone = new Set(byAge.slice(0, dropped).map((x) => x.i));
  return { keys: entries.filter((_, i) => !gone.has(i)), dropped };
}
