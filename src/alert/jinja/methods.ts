/** Jinja's common str and dict methods: the only attributes that are not a value's own keys. */
import { JinjaError } from './types.ts';
import { callable, plain, text } from './values.ts';

/** Python's strip/lstrip/rstrip: whitespace (as Python counts it) or the given characters. */
function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? undefined : new Set(Array.from(text(chars)));
  const strips = (ch: string | undefined): boolean => (set ? set.has(ch ?? '') : /[\s\u001c-\u001f\u0085]/u.test(ch ?? ''));
  const arr = Array.from(s);
  let start = 0;
  let end = arr.length;
  while (left && start < end && strips(arr[start])) start++;
  while (right && end > start && strips(arr[end - 1])) end--;
  return arr.slice(start, end).join('');
}

function pySplit(s: string, sep: unknown, maxsplit: unknown): string[] {
  const limit = typeof maxsplit === 'number' && maxsplit >= 0 ? maxsplit : Infinity;
  if (sep === undefined || sep === null) {
    const out: string[] = [];
    let rest = s.replace(/^[\s\u001c-\u001f\u0085]+/u, '');
    while (rest !== '') {
      if (out.length >= limit) {
        out.push(rest);
        break;
      }
      const m = /[\s\u001c-\u001f\u0085]+/u.exec(rest);
      if (!m) {
        out.push(rest);
        break;
      }
      out.push(rest.slice(0, m.index));
      rest = rest.slice(m.index + m[0].length);
    }
    return out;
  }
  const separator = text(sep);
  if (separator === '') throw new JinjaError('split(): empty separator');
  const out: string[] = [];
  let rest = s;
  while (out.length < limit) {
    const at = rest.indexOf(separator);
    if (at === -1) break;
    out.push(rest.slice(0, at));
    rest = rest.slice(at + separator.length);
  }
  out.push(rest);
  return out;
}

function pyTitle(s: string): string {
  let out = '';
  let prevCased = false;
  for (const ch of s) {
    const cased = ch.toLowerCase() !== ch.toUpperCase();
    out += cased ? (prevCased ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    prevCased = cased;
  }
  return out;
}

function startsOrEnds(s: string, what: unknown, ends: boolean): boolean {
  const options = Array.isArray(what) ? what.map(text) : [text(what)];
  return options.some((o) => (ends ? s.endsWith(o) : s.startsWith(o)));
}

export const STRING_METHODS: Readonly<Record<string, (s: string, ...args: unknown[]) => unknown>> = {
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, chars) => stripChars(s, chars, true, true),
  lstrip: (s, chars) => stripChars(s, chars, true, false),
  rstrip: (s, chars) => stripChars(s, chars, false, true),
  startswith: (s, prefix) => startsOrEnds(s, prefix, false),
  endswith: (s, suffix) => startsOrEnds(s, suffix, true),
  split: (s, sep, maxsplit) => pySplit(s, sep, maxsplit),
  replace: (s, old, replacement, count) => {
    const parts = s.split(text(old));
    const n = typeof count === 'number' && count >= 0 ? count : Infinity;
    if (n >= parts.length - 1) return parts.join(text(replacement));
    return parts.slice(0, n + 1).join(text(replacement)) + text(old) + parts.slice(n + 1).join(text(old));
  },
  title: (s) => pyTitle(s),
  capitalize: (s) => {
    const [first = '', ...rest] = Array.from(s);
    return first.toUpperCase() + rest.join('').toLowerCase();
  },
};

export const DICT_METHODS: Readonly<Record<string, (d: Record<string, unknown>, ...args: unknown[]) => unknown>> = {
  // Python's dict.get returns None (printed "None") for a missing key without a default.
  get: (d, key, fallback = null) => {
    const k = text(key);
    return Object.hasOwn(d, k) ? d[k] : fallback;
  },
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  items: (d) => Object.entries(d),
};

export function boundMethod(impl: (self: never, ...args: unknown[]) => unknown, self: unknown): (...args: unknown[]) => unknown {
  return callable((...args: unknown[]) => impl(self as never, ...args.map(plain)));
}
