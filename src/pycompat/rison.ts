/**
 * Rison (https://github.com/Nanonid/rison), encoding only, as the Python `prison` package that
 * ElastAlert2 uses writes it: objects "(k:v,...)" with keys sorted, lists "!(...)", "!t" "!f"
 * "!n", strings bare when they are an id, else in '...' with ' and ! escaped by "!".
 */
import { compareCodePoints } from './json.ts';
import { isPlainObject } from './object.ts';
import { pyStr } from './str.ts';

/** ASCII characters that cannot be in a bare id: not alphanumeric and not one of _-./~%+ . */
const NOT_ID_CHAR = /[\x00-\x1f !"#$&'()*,:;<=>?@[\]^`{|}]/;

/**
 * Whether `s` can go bare. As prison: non-ASCII characters (and DEL) count as id characters,
 * and so does "\" (its character class lets "\]" swallow it); unlike prison, the whole string
 * is checked (its multi-line "$" accepts "ok\nanything"). Kibana's decoder reads all of these
 * bare words back as the same string.
 */
function isRisonId(s: string): boolean {
  if (s === '' || /^[-0-9]/.test(s)) return false;
  return !NOT_ID_CHAR.test(s);
}

export function risonEncode(value: unknown): string {
  if (value === null || value === undefined) return '!n';
  if (typeof value === 'boolean') return value ? '!t' : '!f';
  // Python's str() of the number without "+" ("1e+30" -> "1e30").
  if (typeof value === 'number') return pyStr(value).replace(/\+/g, '');
  if (typeof value === 'string') {
    if (value === '') return "''";
    if (isRisonId(value)) return value;
    return `'${value.replace(/[!']/g, '!$&')}'`;
  }
  if (Array.isArray(value)) return `!(${value.map(risonEncode).join(',')})`;
  if (isPlainObject(value)) {
    const keys = Object.keys(value).sort(compareCodePoints);
    return `(${keys.map((k) => `${risonEncode(k)}:${risonEncode(value[k])}`).join(',')})`;
  }
  return risonEncode(pyStr(value));
}
