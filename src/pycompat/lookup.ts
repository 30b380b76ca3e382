/**
 * Field access with ElastAlert2's lookup rules (lookup_es_key): rule files name fields the way
 * ElastAlert2 (Python) read them, and users compare the two.
 */
import { isPlainObject } from './object.ts';
import { pyStr } from './str.ts';

type Container = Record<string, unknown> | unknown[];
interface Location {
  container: Container;
  key: string | number;
}

const KEYWORD_SUFFIX = '.keyword';

function has(container: unknown, key: string): boolean {
  return isPlainObject(container) && Object.hasOwn(container, key);
}

/**
 * Where `term` points inside `doc`, with ElastAlert2's lookup rules (lookup_es_key): a literal
 * key wins ("source.ip" as one key), then the term without ".keyword", then a greedy walk where
 * each dot either descends or is part of a key ({"a.b": {"c": 1}} and {"a": {"b.c": 1}} both
 * answer "a.b.c"), and "[N]" (one digit, as ElastAlert2's pattern) indexes a list.
 * ElastAlert2 can raise or match substrings when the walk reaches a string or list; here
 * anything that is not an object simply is not found.
 */
function locate(doc: Record<string, unknown>, term: string): Location | undefined {
  if (Object.hasOwn(doc, term)) return { container: doc, key: term };
  let rest = term.endsWith(KEYWORD_SUFFIX) ? term.slice(0, -KEYWORD_SUFFIX.length) : term;
  if (Object.hasOwn(doc, rest)) return { container: doc, key: rest };
  if (rest === '') return undefined;

  let cursor: unknown = doc;
  let found: Location | undefined;
  while (rest !== '') {
    const bracket = /\[(\d)\]/.exec(rest);
    const part = bracket ? rest.slice(0, bracket.index) : rest;
    const index = bracket ? Number(bracket[1]) : undefined;
    rest = bracket ? rest.slice(bracket.index + bracket[0].length) : '';

    const pieces = part.split('.');
    let key = '';
    for (let i = 0; i < pieces.length; i++) {
      if (!isPlainObject(cursor) || Object.keys(cursor).length === 0) return undefined;
      key += pieces[i] ?? '';
      const last = i === pieces.length - 1;
      if (has(cursor, key)) {
        if (last) break;
        cursor = cursor[key];
        key = '';
      } else if (last) {
        return undefined;
      } else {
        key += '.';
      }
    }
    if (!isPlainObject(cursor)) return undefined;
    found = { container: cursor, key };

    if (index !== undefined && key !== '') {
      const list = cursor[key];
      if (!Array.isArray(list) || list.length <= index) return undefined;
      found = { container: list, key: index };
      if (rest !== '') cursor = list[index];
    }
  }
  return found;
}

function read(loc: Location): unknown {
  return Array.isArray(loc.container) ? loc.container[loc.key as number] : loc.container[loc.key as string];
}

/** A field's value by name, or undefined when absent or null (ElastAlert2 cannot tell those apart either). */
export function lookupField(doc: Readonly<Record<string, unknown>>, term: string): unknown {
  const loc = locate(doc as Record<string, unknown>, term);
  const value = loc ? read(loc) : undefined;
  return value === null ? undefined : value;
}

/**
 * Sets an existing field found the way lookupField finds it; returns false when there is no such
 * field. Mutates `doc`: callers pass their own copy.
 */
export function setField(doc: Record<string, unknown>, term: string, value: unknown): boolean {
  const loc = locate(doc, term);
  if (!loc) return false;
  if (Array.isArray(loc.container)) loc.container[loc.key as number] = value;
  else loc.container[loc.key as string] = value;
  return true;
}

/**
 * The query_key value of a document as ElastAlert2 forms it: one field gives str(value), or
 * undefined when the field is missing (ElastAlert2's None key); several fields give their
 * values joined with ", ", a missing one written "None" (so a compound key is never missing).
 */
export function queryKeyValue(doc: Readonly<Record<string, unknown>>, fields: readonly string[]): string | undefined {
  if (fields.length === 1) {
    const value = lookupField(doc, fields[0] ?? '');
    return value === undefined ? undefined : pyStr(value);
  }
  return fields.map((f) => pyStr(lookupField(doc, f))).join(', ');
}
