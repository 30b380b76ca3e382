import { isPlainObject } from './object.ts';
import { pyStr } from './str.ts';

/**
 * Python's json.dumps with its defaults that matter here: ensure_ascii (every character outside
 * printable ASCII as \uXXXX), ", " / ": " separators unless `compact` (",", ":"), keys in
 * insertion order unless `sortKeys`. ElastAlert2 writes JSON this way into Kibana links and
 * Jinja's tojson; matching it byte for byte keeps our links and texts identical to its own.
 */
export function pyJsonDumps(value: unknown, options: { sortKeys?: boolean; compact?: boolean } = {}): string {
  const itemSep = options.compact ? ',' : ', ';
  const keySep = options.compact ? ':' : ': ';
  const str = (s: string): string =>
    JSON.stringify(s).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  const dump = (v: unknown): string => {
    if (v === null || v === undefined) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity';
    if (typeof v === 'string') return str(v);
    if (Array.isArray(v)) return `[${v.map(dump).join(itemSep)}]`;
    if (isPlainObject(v)) {
      const keys = Object.keys(v);
      if (options.sortKeys) keys.sort(compareCodePoints);
      return `{${keys.map((k) => `${str(k)}${keySep}${dump(v[k])}`).join(itemSep)}}`;
    }
    return str(pyStr(v));
  };
  return dump(value);
}

/** Python's ordering of str: by code point (JavaScript's default sort compares UTF-16 units). */
export function compareCodePoints(a: string, b: string): number {
  const ac = Array.from(a);
  const bc = Array.from(b);
  for (let i = 0; i < Math.min(ac.length, bc.length); i++) {
    const d = (ac[i]?.codePointAt(0) ?? 0) - (bc[i]?.codePointAt(0) ?? 0);
    if (d !== 0) return d;
  }
  return ac.length - bc.length;
}
