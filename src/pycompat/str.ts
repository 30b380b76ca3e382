/**
 * Python's str() and repr() of JSON values: ElastAlert2 renders values, query keys and alert
 * text arguments with them, and users compare our texts with its own.
 */
import { isPlainObject } from './object.ts';

export function pyNumber(n: number): string {
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
      out +=
        code <= 0xff
          ? '\\x' + code.toString(16).padStart(2, '0')
          : code <= 0xffff
            ? '\\u' + code.toString(16).padStart(4, '0')
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
    return (
      '{' +
      Object.entries(value)
        .map(([k, v]) => `${pyReprString(k, asciiOnly)}: ${pyRepr(v, asciiOnly)}`)
        .join(', ') +
      '}'
    );
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
