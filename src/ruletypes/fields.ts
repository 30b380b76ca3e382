/**
 * Field access and value rendering shared by rule types and alert text. Both follow
 * ElastAlert2 closely because rule files name fields and alert texts show values the
 * way ElastAlert2 (Python) did, and users compare the two.
 */

type Container = Record<string, unknown> | unknown[];
interface Location {
  container: Container;
  key: string | number;
}

const KEYWORD_SUFFIX = '.keyword';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

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

/** Python truthiness, because ElastAlert2 tests options and values with `if value:`. */
export function pyTruthy(value: unknown): boolean {
  if (value === undefined || value === null || value === false || value === 0 || value === '') return false;
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return !Number.isNaN(value);
}

function pyNumber(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  // JSON gives no int/float distinction; whole numbers print as Python ints would.
  if (Number.isInteger(n)) return Math.abs(n) < 1e21 ? String(n) : BigInt(n).toString();
  const abs = Math.abs(n);
  if (abs >= 1e-4 && abs < 1e16) return String(n);
  const [mantissa, exp = '0'] = n.toExponential().split('e');
  const sign = exp.startsWith('-') ? '-' : '+';
  return `${mantissa}e${sign}${exp.replace(/^[+-]/, '').padStart(2, '0')}`;
}

/** Python's repr() of a string: single quotes unless the text has ' and no ". */
export function pyReprString(text: string, asciiOnly = false): string {
  const quote = text.includes("'") && !text.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === quote || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += '\\x' + code.toString(16).padStart(2, '0');
    else if (asciiOnly && code > 0x7f) {
      out += code <= 0xff ? '\\x' + code.toString(16).padStart(2, '0')
        : code <= 0xffff ? '\\u' + code.toString(16).padStart(4, '0')
        : '\\U' + code.toString(16).padStart(8, '0');
    } else out += ch;
  }
  return out + quote;
}

/** Python's repr(): how a value shows inside a list or dict, and for "{0!r}". */
export function pyRepr(value: unknown, asciiOnly = false): string {
  if (typeof value === 'string') return pyReprString(value, asciiOnly);
  if (Array.isArray(value)) return '[' + value.map((v) => pyRepr(v, asciiOnly)).join(', ') + ']';
  if (isPlainObject(value)) {
    return '{' + Object.entries(value).map(([k, v]) => `${pyReprString(k, asciiOnly)}: ${pyRepr(v, asciiOnly)}`).join(', ') + '}';
  }
  return pyStr(value);
}

/** Python's str(): ElastAlert2 renders values, query keys and alert text arguments with it. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === undefined || value === null) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return pyNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value) || isPlainObject(value)) return pyRepr(value);
  return String(value);
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

/** A time as ElastAlert2 writes one into matches (dt_to_ts): UTC ISO 8601, milliseconds only when non-zero. */
export function formatEsTimestamp(ms: number): string {
  return new Date(ms).toISOString().replace('.000Z', 'Z');
}
