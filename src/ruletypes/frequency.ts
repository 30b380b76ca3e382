import type { CountEntry, RuleDefinition, RuleEvent, RuleMatch } from '../rules/types.ts';
import { formatEsTimestamp, pyTruthy } from '../pycompat/index.ts';
import { ruleOptionError } from '../rules/problem.ts';
import { documentBody, durationOptionMs, positiveIntegerOption, queryKeyField, type RuleType, type StepResult } from './rule-type.ts';

/** One window entry: an event (count 1) or a count-query result at the run's end time. */
export interface FrequencyEntry {
  ts: number;
  count: number;
  /** Only kept where a match could still show it: on the newest entry, or on all with attach_related. */
  body?: Record<string, unknown>;
}

export interface FrequencyWindow {
  /** The query_key value; null for ElastAlert2's "all" window (no query_key) and for documents missing the field. */
  key: string | null;
  /** Sorted by ts; equal times keep arrival order. */
  entries: FrequencyEntry[];
}

/**
 * Windows are an array, not an object keyed by value: key values become neither JSON property
 * names nor Elasticsearch field names when the state is persisted.
 */
export interface FrequencyState {
  windows: FrequencyWindow[];
}

/**
 * ElastAlert2's FrequencyRule: per key, an EventWindow on event time; after each append the
 * oldest entries go while newest - oldest >= timeframe (so events exactly timeframe apart never
 * count together); when the counts reach num_events, the newest entry is the match and the
 * key's window is emptied.
 *
 * Memory bound: a check follows every append and every kept entry except possibly the newest
 * has count >= 1, so a window holds at most num_events entries, whatever the arrival order.
 * Zero-count entries (count queries over quiet runs) are dropped unless newest: a non-newest
 * zero entry changes neither the sum, nor which other entries slide out, nor the newest time.
 * Documents are stored only on the newest entry unless attach_related needs them all.
 */
export class FrequencyRule implements RuleType<FrequencyState> {
  readonly needs: 'documents' | 'count' | 'terms';
  readonly #rule: RuleDefinition;
  readonly #numEvents: number;
  readonly #timeframeMs: number;
  readonly #attachRelated: boolean;

  constructor(rule: RuleDefinition) {
    this.#rule = rule;
    this.#numEvents = positiveIntegerOption(rule, 'num_events');
    this.#timeframeMs = durationOptionMs(rule, 'timeframe');
    // A zero timeframe would make every window slide itself empty (ElastAlert2 crashes on it).
    if (this.#timeframeMs <= 0) throw ruleOptionError(rule, 'timeframe', 'must be greater than 0', true);
    this.#attachRelated = pyTruthy(rule.options['attach_related']);
    this.needs = pyTruthy(rule.options['use_count_query']) ? 'count' : pyTruthy(rule.options['use_terms_query']) ? 'terms' : 'documents';
  }

  initialState(): FrequencyState {
    return { windows: [] };
  }

  addEvents(state: FrequencyState, events: readonly RuleEvent[], _nowMs?: number): StepResult<FrequencyState> {
    const hasQueryKey = this.#rule.queryKey !== undefined;
    // The document's body (a deep copy of _source, as ElastAlert2 makes of every hit) is made only
    // for the entries that keep it: the newest of each window at the end of the call, and matches.
    // Without attach_related every other entry would drop it at the next append.
    const pending = new Map<FrequencyEntry, RuleEvent>();
    const items = events.map((e) => {
      const entry: FrequencyEntry = this.#attachRelated
        ? { ts: e.timestampMs, count: 1, body: documentBody(this.#rule, e) }
        : { ts: e.timestampMs, count: 1 };
      if (!this.#attachRelated) pending.set(entry, e);
      // ElastAlert2 keys a document without the query_key field under None; here null.
      return { key: hasQueryKey ? (e.key ?? null) : null, entry };
    });
    return this.#addAll(state, items, pending);
  }

  addCounts(state: FrequencyState, entries: readonly CountEntry[], _nowMs?: number): StepResult<FrequencyState> {
    const tsField = this.#rule.timestampField;
    const qkField = queryKeyField(this.#rule);
    return this.#addAll(
      state,
      entries.map((c) => {
        // ElastAlert2's count match body is just the time; a terms match adds the bucket key.
        const body: Record<string, unknown> = { [tsField]: formatEsTimestamp(c.timestampMs) };
        if (c.key !== undefined && qkField !== undefined) body[qkField] = c.key;
        return { key: c.key ?? null, entry: { ts: c.timestampMs, count: c.count, body } };
      }),
    );
  }

  garbageCollect(state: FrequencyState, nowMs: number): FrequencyState {
    const windows = state.windows.filter((w) => {
      const newest = w.entries[w.entries.length - 1];
      return newest !== undefined && nowMs - newest.ts <= this.#timeframeMs;
    });
    return windows.length === state.windows.length ? state : { windows };
  }

  describeMatch(match: RuleMatch): string {
    const start = formatEsTimestamp(match.timestampMs - this.#timeframeMs);
    const end = formatEsTimestamp(match.timestampMs);
    return `At least ${this.#numEvents} events occurred between ${start} and ${end}`;
  }

  #addAll(
    state: FrequencyState,
    items: readonly { key: string | null; entry: FrequencyEntry }[],
    pending?: ReadonlyMap<FrequencyEntry, RuleEvent>,
  ): StepResult<FrequencyState> {
    // Windows touched in this call get private copies; untouched ones are shared with `state`,
    // which is therefore never modified.
    const windows = new Map<string, FrequencyWindow | Work>();
    for (const w of state.windows) windows.set(JSON.stringify(w.key), w);
    const matches: RuleMatch[] = [];
    for (const { key, entry } of items) {
      const id = JSON.stringify(key);
      const found = windows.get(id);
      const work = found === undefined ? newWork(key, []) : 'head' in found ? found : newWork(key, found.entries);
      windows.set(id, work);
      this.#append(work, entry);
      if (work.sum >= this.#numEvents) {
        matches.push(this.#match(work, pending));
        windows.delete(id);
      }
    }
    const out = [...windows.values()].map((w) =>
      'head' in w ? { key: w.key, entries: this.#withBodies(w.entries.slice(w.head), pending) } : w,
    );
    return { state: { windows: out }, matches };
  }

  #append(work: Work, entry: FrequencyEntry): void {
    const { entries } = work;
    // After equal times, like ElastAlert2's sorted list: a later arrival is the newer entry.
    let at = entries.length;
    while (at > work.head && (entries[at - 1]?.ts ?? 0) > entry.ts) at--;
    if (at === entries.length) {
      const previous = entries[at - 1];
      if (at > work.head && previous !== undefined) {
        if (previous.count === 0) entries.pop();
        else if (!this.#attachRelated && previous.body !== undefined) entries[at - 1] = { ts: previous.ts, count: previous.count };
      }
      entries.push(entry);
    } else if (entry.count !== 0) {
      entries.splice(at, 0, this.#attachRelated ? entry : { ts: entry.ts, count: entry.count });
    }
    work.sum += entry.count;
    const newest = entries[entries.length - 1]?.ts ?? 0;
    for (let oldest = entries[work.head]; oldest !== undefined && work.head < entries.length - 1; oldest = entries[work.head]) {
      if (newest - oldest.ts < this.#timeframeMs) break;
      work.sum -= oldest.count;
      work.head++;
    }
    if (work.head > 64 && work.head * 2 > entries.length) {
      work.entries = entries.slice(work.head);
      work.head = 0;
    }
  }

  /** The body of an entry: kept on it, or made now from its pending document. */
  #body(
    entry: FrequencyEntry | undefined,
    pending: ReadonlyMap<FrequencyEntry, RuleEvent> | undefined,
  ): Record<string, unknown> | undefined {
    if (entry === undefined || entry.body !== undefined) return entry?.body;
    const event = pending?.get(entry);
    return event === undefined ? undefined : documentBody(this.#rule, event);
  }

  /** A window's entries as stored: the newest with its body. */
  #withBodies(entries: FrequencyEntry[], pending: ReadonlyMap<FrequencyEntry, RuleEvent> | undefined): FrequencyEntry[] {
    const last = entries[entries.length - 1];
    if (pending === undefined || last === undefined || !pending.has(last)) return entries;
    const body = this.#body(last, pending);
    entries[entries.length - 1] = body === undefined ? { ts: last.ts, count: last.count } : { ts: last.ts, count: last.count, body };
    return entries;
  }

  #match(work: Work, pending: ReadonlyMap<FrequencyEntry, RuleEvent> | undefined): RuleMatch {
    const newest = work.entries[work.entries.length - 1];
    const match: RuleMatch = { timestampMs: newest?.ts ?? 0, key: work.key ?? undefined, body: this.#body(newest, pending) ?? {} };
    if (this.#attachRelated) match.related = work.entries.slice(work.head, -1).map((e) => e.body ?? {});
    return match;
  }
}

/** A window being changed within one call; `head` marks entries already slid out. */
interface Work {
  key: string | null;
  entries: FrequencyEntry[];
  head: number;
  sum: number;
}

function newWork(key: string | null, entries: readonly FrequencyEntry[]): Work {
  return { key, entries: [...entries], head: 0, sum: entries.reduce((n, e) => n + e.count, 0) };
}

export function createFrequencyRule(rule: RuleDefinition): RuleType<FrequencyState> {
  return new FrequencyRule(rule);
}
