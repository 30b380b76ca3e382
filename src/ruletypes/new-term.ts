import { formatDuration } from '../config/duration.ts';
import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import type { AggregatingRuleType, EvaluationPoint, KeyCountRequest, KeyCountResult, TimeRangeSpec } from './aggregating.ts';
import { formatEsTimestamp, pyStr, pyTruthy } from '../pycompat/index.ts';
import { OptionError } from '../rules/problem.ts';
import { failFor, type Fail } from './metric-options.ts';
import { durationOptionMs, queryKeyField, type StepResult } from './rule-type.ts';

/** One field's value as Elasticsearch groups it (keyword, number, boolean; dates and IPs come as numbers or text). */
export type TermValue = string | number | boolean;

/** Terms last seen at the same time; a term is one value per field of its entry, in the entry's order. */
export interface NewTermSeenGroup {
  lastSeenMs: number;
  terms: TermValue[][];
}

/**
 * What one `fields` entry knows. Terms are grouped by last-seen time, oldest first, in arrays
 * rather than objects keyed by value: values never become JSON property names (a value
 * "__proto__" stays a value), and a group of terms seen together costs one timestamp.
 */
export interface NewTermEntryState {
  /** The entry as written in the rule; a rule edit that changes it starts that entry afresh with a baseline. */
  fields: string[];
  seen: NewTermSeenGroup[];
  /**
   * The end of the newest time these terms include. The next evaluation normally starts here;
   * time between this and an evaluation's start (a gap the run skipped) is taken as baseline.
   */
  throughMs: number;
  /** Terms forgotten because the entry held more than the cap (they would alert again if they return). */
  dropped: number;
}

/** Plain JSON, persisted between runs. An entry of `fields` without state here needs a full baseline. */
export interface NewTermState {
  entries: NewTermEntryState[];
}

/** Bounds that are not ElastAlert2 options (the rule schema admits none); tests lower them. */
export interface NewTermLimits {
  /** Most terms remembered per `fields` entry; default DEFAULT_MAX_TERMS_PER_ENTRY. */
  maxTermsPerEntry?: number;
  /** Most baseline requests per entry; wider steps are used beyond it. Default DEFAULT_MAX_BASELINE_STEPS. */
  maxBaselineSteps?: number;
  /**
   * How much history before the first evaluation is learnt as known (backtest --baseline);
   * default and maximum terms_window_size (a term older than that would be forgotten anyway).
   */
  firstBaselineMs?: number;
}

/**
 * 200,000 terms per entry. The persisted JSON costs about the value's length plus 5 bytes per
 * term (5.5 MB for 200,000 e-mail addresses of 25 characters; long values such as URLs cost
 * more), and loading, evaluating and rebuilding it takes about 0.2 s per evaluation at the cap.
 */
export const DEFAULT_MAX_TERMS_PER_ENTRY = 200_000;
/** A 30-day window in 1-minute steps would be 43,200 requests per entry; ElastAlert2 would send them all. */
export const DEFAULT_MAX_BASELINE_STEPS = 1_000;

const DAY_MS = 86_400_000;
const KEYWORD = '.keyword';
const RAW = '.raw';

/** One entry of `fields`: a single field, or several forming a composite term. */
interface Entry {
  /** Field names as the user wrote them: match bodies and samples use these. */
  fields: string[];
  /** Field names the counts group by (with `.keyword` per use_keyword_postfix). */
  requestFields: string[];
  /** Written as a list: ElastAlert2 reports such an entry as a tuple of fields (a list in JSON). */
  composite: boolean;
  /** JSON of `fields`: finds the entry's state. */
  id: string;
}

interface Planned {
  request: KeyCountRequest;
  entry: number;
  kind: 'baseline' | 'new';
  range: TimeRangeSpec;
}

/**
 * ElastAlert2's NewTermsRule (type new_term): a match the first time a value (or, for an entry
 * written as a list, a combination of values) appears in a field that was not seen within
 * terms_window_size before. As in ElastAlert2, `fields` falls back to query_key, and terms are
 * tracked per field over all documents, not per query_key value: query_key only groups realert.
 *
 * Counting instead of reading documents: at each evaluation point E, one request per entry
 * groups the new time (start, E] by the entry's field(s); every value is counted (composite
 * paging), never only the top terms_size, so a new term is never hidden behind frequent ones.
 *
 * Deliberate changes from ElastAlert2:
 * - ElastAlert2 queries the baseline when the rule is loaded and keeps the seen terms only in
 *   memory, so terms that appeared while it was down are never checked and a restart re-learns
 *   them as "known". Here the baseline is part of an entry's first evaluation's plan, the seen
 *   terms are persisted with their last-seen time, and the run catches up a gap evaluation by
 *   evaluation, so terms that appeared during an outage alert. Only time the run skipped
 *   (beyond old_query_limit) is learnt as baseline instead, so a long outage does not flood.
 * - ElastAlert2 never forgets a term until it restarts (then "known" means seen in the last
 *   terms_window_size). Here that is the rule all the time: a term not seen for
 *   terms_window_size expires and is new again when it returns.
 * - Every value Elasticsearch groups is a term. ElastAlert2 skips falsy values (0, "", false)
 *   as if the field were missing, and compares a list value as a whole; aggregations see each
 *   element of a list, and 0 or false are legitimate terms (a port, a flag).
 * - Many documents with the same new term give one match per evaluation, not one per document
 *   (ElastAlert2 matches the first document only, too: the term is known after it). Missing
 *   fields give one match per entry per evaluation, with the count, not one per document.
 * - The match key is the new term (or the query_key value when the term includes it), so two
 *   new terms within realert are two alerts. Without query_key ElastAlert2 keys realert on the
 *   rule alone and would suppress the second.
 */
export class NewTermRule implements AggregatingRuleType<NewTermState> {
  readonly needs = 'aggregations' as const;
  readonly #rule: RuleDefinition;
  readonly #entries: Entry[];
  readonly #windowMs: number;
  readonly #stepMs: number;
  readonly #alertOnMissing: boolean;
  readonly #maxTerms: number;
  readonly #maxSteps: number;
  readonly #firstBaselineMs: number | undefined;

  constructor(rule: RuleDefinition, limits: NewTermLimits = {}) {
    this.#rule = rule;
    const fail = failFor(rule);
    // ElastAlert2's default is True and any set value is read with Python truthiness.
    const keywordPostfix = rule.options['use_keyword_postfix'] === undefined || pyTruthy(rule.options['use_keyword_postfix']);
    this.#entries = [];
    for (const parsed of parseEntries(rule, fail)) {
      const id = JSON.stringify(parsed.names);
      // Two entries would share one state and report every new term twice.
      if (this.#entries.some((e) => e.id === id))
        throw fail('fields', `lists ${parsed.names.length === 1 ? JSON.stringify(parsed.names[0]) : id} twice`, true);
      const requestFields = parsed.names.map((f) => (keywordPostfix ? withKeyword(f) : f));
      this.#entries.push({ fields: parsed.names, requestFields, composite: parsed.composite, id });
    }
    this.#windowMs = optionalPositiveDuration(rule, 'terms_window_size', 30 * DAY_MS, fail);
    this.#stepMs = optionalPositiveDuration(rule, 'window_step_size', DAY_MS, fail);
    this.#alertOnMissing = pyTruthy(rule.options['alert_on_missing_field']);
    // use_terms_query and terms_size are accepted and have no effect: every value is always counted.
    this.#maxTerms = limitOption(limits.maxTermsPerEntry, DEFAULT_MAX_TERMS_PER_ENTRY, 'maxTermsPerEntry', fail);
    this.#maxSteps = limitOption(limits.maxBaselineSteps, DEFAULT_MAX_BASELINE_STEPS, 'maxBaselineSteps', fail);
    if (limits.firstBaselineMs !== undefined && !(limits.firstBaselineMs >= 0))
      throw fail('firstBaselineMs', `expected a duration >= 0, got ${limits.firstBaselineMs}`);
    this.#firstBaselineMs = limits.firstBaselineMs;
  }

  initialState(): NewTermState {
    return { entries: [] };
  }

  plan(state: NewTermState, at: EvaluationPoint): KeyCountRequest[] {
    return this.#plan(state, at).map((p) => p.request);
  }

  evaluate(state: NewTermState, results: readonly KeyCountResult[], at: EvaluationPoint): StepResult<NewTermState> {
    const planned = this.#plan(state, at);
    if (results.length !== planned.length || planned.some((p, i) => results[i]?.id !== p.request.id)) {
      const ids = (list: readonly { id: string }[]): string => list.map((r) => r.id).join(', ');
      throw new Error(
        `rule "${this.#rule.name}" (${this.#rule.file}): new_term got results [${ids(results)}] for requests [${ids(planned.map((p) => p.request))}]`,
      );
    }
    // Seen at or before this, a term was not seen within terms_window_size before E: forgotten.
    const cutoffMs = at.endMs - this.#windowMs;
    const known = this.#entries.map((entry) => new KnownTerms(findState(state, entry), cutoffMs));
    const matches: RuleMatch[] = [];

    planned.forEach((p, i) => {
      const result = results[i];
      const terms = known[p.entry];
      const entry = this.#entries[p.entry];
      if (result === undefined || terms === undefined || entry === undefined) return;
      for (const group of result.groups) {
        // A composite bucket always has a value per field; a shorter one cannot be told apart.
        if ((group.counts[p.range.name] ?? 0) <= 0 || group.values.length !== entry.fields.length) continue;
        // A baseline step's terms may have been seen anywhere in it: its end is their last-seen
        // time (at most one step late, so a term is never forgotten early and alerts falsely).
        const isNew = terms.see(group.values, p.range.endMs);
        if (isNew && p.kind === 'new') matches.push(this.#newTermMatch(entry, group.values, at));
      }
      const missing = result.missing?.[p.range.name] ?? 0;
      if (p.kind === 'new' && this.#alertOnMissing && missing > 0) matches.push(this.#missingMatch(entry, missing, at));
    });

    const entries = this.#entries.map((entry, i): NewTermEntryState => {
      const previous = findState(state, entry)?.throughMs;
      const throughMs = typeof previous === 'number' && previous > at.endMs ? previous : at.endMs;
      return { ...(known[i] ?? new KnownTerms(undefined, cutoffMs)).toState(this.#maxTerms), fields: [...entry.fields], throughMs };
    });
    return { state: { entries }, matches };
  }

  describeMatch(match: RuleMatch): string {
    const body = match.body;
    const since = formatDuration(this.#windowMs);
    if (body['new_field'] !== undefined) {
      const fields = asFieldList(body['new_field']);
      const values = fields.map((f) => pyStr(body[f])).join(', ');
      return Array.isArray(body['new_field'])
        ? `New combination of ${fields.join(', ')}: ${values} (not seen in the ${since} before)`
        : `New value of ${fields[0] ?? ''}: ${values} (not seen in the ${since} before)`;
    }
    if (body['missing_field'] !== undefined) {
      const fields = asFieldList(body['missing_field']).join(', ');
      const count = typeof body['missing_count'] === 'number' ? body['missing_count'] : 0;
      return `${count} document${count === 1 ? '' : 's'} without ${fields} up to ${formatEsTimestamp(match.timestampMs)}`;
    }
    return '';
  }

  /**
   * The requests for one evaluation. An entry without state first gets its baseline over
   * (E - terms_window_size, start]: everything seen there is known, nothing alerts. An entry
   * whose state ends before `start` (the run skipped a gap, beyond old_query_limit) gets the
   * part of that range after its state as baseline: terms of time nobody evaluated are learnt,
   * not alerted all at once, and a state older than the window is a full baseline again.
   *
   * The baseline is split into window_step_size steps, one request each, as ElastAlert2 splits
   * its initial query: paging already bounds each response, but a step bounds the documents
   * each request scans (ElastAlert2's reason: timeouts) and dates each term's last sighting to
   * within a step, which is what expiry needs. Baseline steps come before the entry's new time.
   */
  #plan(state: NewTermState, at: EvaluationPoint): Planned[] {
    const out: Planned[] = [];
    this.#entries.forEach((entry, i) => {
      const through = findState(state, entry)?.throughMs;
      const knownThroughMs = typeof through === 'number' && Number.isFinite(through) ? through : -Infinity;
      const firstFrom = through === undefined && this.#firstBaselineMs !== undefined ? at.startMs - this.#firstBaselineMs : -Infinity;
      this.#baselineSteps(Math.max(at.endMs - this.#windowMs, knownThroughMs, firstFrom), at.startMs).forEach((range, j) => {
        out.push({
          entry: i,
          kind: 'baseline',
          range,
          request: { id: `new_term:${i}:baseline:${j}`, fields: entry.requestFields, ranges: [range] },
        });
      });
      const range: TimeRangeSpec = { name: 'new', startMs: at.startMs, endMs: at.endMs };
      const request: KeyCountRequest = { id: `new_term:${i}:new`, fields: entry.requestFields, ranges: [range] };
      if (this.#alertOnMissing) request.countMissing = true;
      out.push({ entry: i, kind: 'new', range, request });
    });
    return out;
  }

  #baselineSteps(startMs: number, endMs: number): TimeRangeSpec[] {
    if (endMs <= startMs) return [];
    const stepMs = Math.max(this.#stepMs, Math.ceil((endMs - startMs) / this.#maxSteps));
    const steps: TimeRangeSpec[] = [];
    for (let from = startMs; from < endMs; from += stepMs) {
      steps.push({ name: 'baseline', startMs: from, endMs: Math.min(from + stepMs, endMs) });
    }
    return steps;
  }

  /**
   * ElastAlert2's match is the document with the new term plus `new_field` (the field, or the
   * tuple of fields of a composite entry: a list here). Here the body holds the field(s) with
   * the new value(s) under the names the user wrote, `new_field`, and the evaluation end as
   * timestamp (as ElastAlert2's terms-query new_term match); the run fills in the rest from a
   * document with these values in the new time (`sample`), never overwriting these fields.
   */
  #newTermMatch(entry: Entry, values: readonly TermValue[], at: EvaluationPoint): RuleMatch {
    const body: Record<string, unknown> = { [this.#rule.timestampField]: formatEsTimestamp(at.endMs) };
    const sampleFields: Record<string, TermValue> = {};
    entry.fields.forEach((field, j) => {
      const value = values[j];
      if (value === undefined) return;
      body[field] = value;
      sampleFields[field] = value;
    });
    body['new_field'] = entry.composite ? [...entry.fields] : entry.fields[0];
    const qk = this.#rule.queryKey;
    let key = values.map((v) => pyStr(v)).join(', ');
    if (qk !== undefined && qk.length > 0 && qk.every((f) => entry.fields.includes(f))) {
      // The term carries the query_key value: key on it, as ElastAlert2 keys realert on query_key.
      key = qk.map((f) => pyStr(values[entry.fields.indexOf(f)])).join(', ');
      const qkField = queryKeyField(this.#rule);
      // A compound query_key's joined value under "a,b", as ElastAlert2 adds it to documents.
      if (qk.length > 1 && qkField !== undefined) body[qkField] = key;
    }
    return { timestampMs: at.endMs, key, body, sample: { startMs: at.startMs, endMs: at.endMs, fields: sampleFields } };
  }

  /**
   * ElastAlert2's missing-field match is each document lacking the field (any part of a
   * composite) plus `missing_field`. Here: one match per entry and evaluation, with the number
   * of such documents. No sample: a sample selects documents by values, not by absent fields.
   */
  #missingMatch(entry: Entry, count: number, at: EvaluationPoint): RuleMatch {
    const body: Record<string, unknown> = {
      [this.#rule.timestampField]: formatEsTimestamp(at.endMs),
      missing_field: entry.composite ? [...entry.fields] : entry.fields[0],
      missing_count: count,
    };
    return { timestampMs: at.endMs, key: undefined, body };
  }
}

/**
 * The terms of one entry during an evaluation, in a Map whose insertion order is last-seen
 * order (a sighting re-inserts its term), so the oldest are first to drop for the cap. The
 * state given in is only read, and the state made is built from copies.
 */
class KnownTerms {
  readonly #terms = new Map<string, { values: readonly TermValue[]; lastSeenMs: number }>();
  #dropped = 0;
  #newestMs = -Infinity;
  #ordered = true;

  constructor(state: NewTermEntryState | undefined, cutoffMs: number) {
    if (state === undefined) return;
    this.#dropped = Number.isFinite(state.dropped) ? state.dropped : 0;
    const groups = [...state.seen].sort((a, b) => a.lastSeenMs - b.lastSeenMs);
    for (const group of groups) {
      if (!(group.lastSeenMs > cutoffMs)) continue;
      for (const term of group.terms) if (Array.isArray(term)) this.see(term, group.lastSeenMs);
    }
  }

  /** Records a sighting at `atMs`; true when the term was not known. */
  see(values: readonly TermValue[], atMs: number): boolean {
    const key = JSON.stringify(values);
    const old = this.#terms.get(key);
    if (old !== undefined) {
      if (atMs <= old.lastSeenMs) return false;
      this.#terms.delete(key);
    }
    this.#terms.set(key, { values: old?.values ?? values, lastSeenMs: atMs });
    if (atMs < this.#newestMs) this.#ordered = false;
    else this.#newestMs = atMs;
    return old === undefined;
  }

  toState(maxTerms: number): { seen: NewTermSeenGroup[]; dropped: number } {
    let list = [...this.#terms.values()];
    // Only an evaluation point earlier than a previous one (a re-run of older time) gets here.
    if (!this.#ordered) list.sort((a, b) => a.lastSeenMs - b.lastSeenMs);
    let dropped = this.#dropped;
    if (list.length > maxTerms) {
      dropped += list.length - maxTerms;
      list = list.slice(list.length - maxTerms);
    }
    const seen: NewTermSeenGroup[] = [];
    for (const term of list) {
      const last = seen[seen.length - 1];
      if (last !== undefined && last.lastSeenMs === term.lastSeenMs) last.terms.push([...term.values]);
      else seen.push({ lastSeenMs: term.lastSeenMs, terms: [[...term.values]] });
    }
    return { seen, dropped };
  }
}

function findState(state: NewTermState, entry: Entry): NewTermEntryState | undefined {
  return state.entries.find((s) => JSON.stringify(s.fields) === entry.id);
}

/**
 * ElastAlert2's add_keyword_postfix appends ".keyword" unless the name already ends with it.
 * Deliberate change: a ".raw" field (Logstash's not-analyzed copy, which ElastAlert2's docs
 * suggest naming) is kept, not turned into "x.raw.keyword". A ".keyword" field that the
 * indices lack (a keyword or numeric field) is counted on the bare field by the run.
 * ElastAlert2 applies the postfix to its baseline only (it read new documents' _source); here
 * every request counts, so it applies to the new time as well and both see the same values.
 */
function withKeyword(field: string): string {
  return field.endsWith(KEYWORD) || field.endsWith(RAW) ? field : field + KEYWORD;
}

interface ParsedEntry {
  names: string[];
  composite: boolean;
}

/**
 * `fields`: a field, or a list whose entries are fields or lists of fields (a composite term).
 * Without `fields`, ElastAlert2 uses query_key. A compound query_key, which ElastAlert2 joins
 * into one synthetic field "a,b" holding "x, y", is one composite entry here (its baseline
 * actually finds terms; ElastAlert2's looks for a field "a,b.keyword" that never exists).
 */
function parseEntries(rule: RuleDefinition, fail: Fail): ParsedEntry[] {
  const raw = rule.options['fields'];
  if (raw === undefined || raw === null) {
    const qk = rule.queryKey;
    if (qk === undefined || qk.length === 0) {
      const detail = 'new_term needs fields (or query_key, which it uses when fields is not set)';
      throw new OptionError('fields', detail, `rule ${JSON.stringify(rule.name)} (${rule.file}): ${detail}`);
    }
    return [{ names: [...qk], composite: qk.length > 1 }];
  }
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw fail('fields', 'must not be an empty list', true);
  return list.map((item, i): ParsedEntry => {
    const at = Array.isArray(raw) ? `fields[${i}]` : 'fields';
    if (typeof item === 'string') {
      if (item === '') throw fail(at, 'expected a field name, got ""');
      return { names: [item], composite: false };
    }
    if (!Array.isArray(item)) throw fail(at, `expected a field name or a list of field names, got ${JSON.stringify(item)}`);
    if (item.length === 0) throw fail(at, 'a composite term needs at least one field');
    item.forEach((f: unknown, j) => {
      if (typeof f !== 'string' || f === '') throw fail(`${at}[${j}]`, `expected a field name, got ${JSON.stringify(f)}`);
      if (item.indexOf(f) !== j) throw fail(at, `field "${f}" appears twice in one composite term`);
    });
    return { names: item as string[], composite: true };
  });
}

function optionalPositiveDuration(rule: RuleDefinition, name: string, fallbackMs: number, fail: Fail): number {
  if (rule.options[name] === undefined) return fallbackMs;
  const ms = durationOptionMs(rule, name);
  if (ms <= 0) throw fail(name, 'must be greater than 0', true);
  return ms;
}

function limitOption(value: number | undefined, fallback: number, name: string, fail: Fail): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 1) throw fail(name, `expected an integer >= 1, got ${value}`);
  return value;
}

function asFieldList(value: unknown): string[] {
  return Array.isArray(value) ? value.map((v) => pyStr(v)) : [pyStr(value)];
}
