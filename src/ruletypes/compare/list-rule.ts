import type { CountEntry, RuleDefinition, RuleEvent, RuleMatch } from '../../rules/types.ts';
import { lookupField, pyStr, pyTruthy } from '../../pycompat/index.ts';
import { documentBody, type RuleType, type StepResult } from '../rule-type.ts';
import { failFor, type Fail } from '../metric-options.ts';
import { compareKeys, refuseCounts } from './options.ts';

/**
 * What a list rule asks the query to keep, so documents that cannot match are never downloaded.
 * The run turns it into a filter only where Elasticsearch decides exactly as `compare` does
 * (src/query/list-filter.ts); `compare` still decides every document it gets.
 */
export interface ListPushDown {
  field: string;
  values: readonly string[];
  /** blacklist: keep documents with a listed value; whitelist: drop documents whose every value is listed. */
  mode: 'listed' | 'unlisted';
  /** whitelist with ignore_null: documents without the field cannot match. */
  requireField: boolean;
}

/** Stateless: every document is judged alone. */
export type ListState = null;

/**
 * ElastAlert2's BlacklistRule and WhitelistRule (both CompareRule): a document matches when the
 * value of compare_key is on the blacklist, or not on the whitelist. `!file` entries are read by
 * the rule loader (src/rules/list-files.ts), so the list here is plain values.
 *
 * Deliberate differences from ElastAlert2:
 * - Values are compared as text, the text a keyword field indexes: a numeric 42 matches the
 *   entry "42", true the entry "true". ElastAlert2 compares the raw value with strings, so a
 *   number or boolean never matches a blacklist and is never on a whitelist.
 * - A list value is judged element by element: blacklist matches when any element is listed,
 *   whitelist when any element is not (an allowed value cannot hide a forbidden one). ElastAlert2
 *   fails the run with "unhashable type: 'list'".
 * - compare_key must be one field. ElastAlert2 joins a list into a field named "a,b" that no
 *   document has, so such a blacklist never matches and such a whitelist matches everything.
 */
export class ListRule implements RuleType<ListState> {
  readonly needs = 'documents' as const;
  readonly pushDown: ListPushDown | undefined;
  readonly #rule: RuleDefinition;
  readonly #field: string;
  readonly #listed: ReadonlySet<string>;
  readonly #blacklist: boolean;
  readonly #ignoreNull: boolean;

  constructor(rule: RuleDefinition, kind: 'blacklist' | 'whitelist') {
    this.#rule = rule;
    const fail = failFor(rule);
    refuseCounts(rule, kind, fail);
    const keys = compareKeys(rule, fail);
    if (keys.length !== 1) {
      throw fail(
        'compare_key',
        `${kind} compares one field, got ${JSON.stringify(keys)} (ElastAlert2 would look for a field named "${keys.join(',')}", which no document has)`,
      );
    }
    this.#field = keys[0] ?? '';
    this.#blacklist = kind === 'blacklist';
    this.#listed = new Set(listOption(rule, kind, fail));
    // ElastAlert2's blacklist never reads ignore_null: a missing value is on no blacklist anyway.
    this.#ignoreNull = this.#blacklist || pyTruthy(rule.options['ignore_null']);
    // ElastAlert2's filter_by_list (default on) adds the list to the query; false keeps the query as written.
    const filterByList = rule.options['filter_by_list'] === undefined || pyTruthy(rule.options['filter_by_list']);
    this.pushDown = filterByList
      ? {
          field: this.#field,
          values: [...this.#listed],
          mode: this.#blacklist ? 'listed' : 'unlisted',
          requireField: this.#ignoreNull && !this.#blacklist,
        }
      : undefined;
  }

  initialState(): ListState {
    return null;
  }

  addEvents(state: ListState, events: readonly RuleEvent[], _nowMs?: number): StepResult<ListState> {
    const matches: RuleMatch[] = [];
    for (const e of events) {
      if (this.compare(e.source)) matches.push({ timestampMs: e.timestampMs, key: e.key, body: documentBody(this.#rule, e) });
    }
    return { state, matches };
  }

  /** True when the document is a match. */
  compare(source: Readonly<Record<string, unknown>>): boolean {
    const value = lookupField(source, this.#field);
    // An empty list holds no value: treated like a missing one.
    const values = Array.isArray(value) ? value.filter((v) => v !== null && v !== undefined) : value === undefined ? [] : [value];
    if (values.length === 0) return !this.#ignoreNull;
    return this.#blacklist ? values.some((v) => this.#listed.has(valueText(v))) : values.some((v) => !this.#listed.has(valueText(v)));
  }

  addCounts(_state?: ListState, _entries?: readonly CountEntry[], _nowMs?: number): StepResult<ListState> {
    throw new Error(
      `rule "${this.#rule.name}" (${this.#rule.file}): type ${this.#blacklist ? 'blacklist' : 'whitelist'} judges documents, not counts`,
    );
  }

  garbageCollect(state: ListState, _nowMs?: number): ListState {
    return state;
  }

  /** As ElastAlert2's CompareRule: no line of its own; the document's fields say it all. */
  describeMatch(_match?: RuleMatch): string {
    return '';
  }
}

/**
 * A value as the list sees it: the text Elasticsearch indexes for it in a keyword field (42 as
 * "42", true as "true"), so the query filter and this check always agree.
 */
function valueText(value: unknown): string {
  return typeof value === 'boolean' ? String(value) : pyStr(value);
}

function listOption(rule: RuleDefinition, name: string, fail: Fail): string[] {
  const list = rule.options[name];
  if (!Array.isArray(list)) throw fail(name, `expected a list of values, got ${JSON.stringify(list)}`);
  return list.map((entry: unknown, i) => {
    if (typeof entry !== 'string') throw fail(`${name}[${i}]`, `expected a string, got ${JSON.stringify(entry)}`);
    if (/^!file\s/.test(entry)) throw fail(`${name}[${i}]`, `"${entry}" was not read (the rule loader reads !file lists)`);
    return entry;
  });
}
