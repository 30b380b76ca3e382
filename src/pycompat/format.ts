/**
 * Python's str.format, as ElastAlert2 applies it to alert_subject / alert_text with their args:
 * "{0}", "{}" auto-numbering, "{name}" keywords, "{0[key]}" item access, "!s"/"!r"/"!a",
 * "{{" / "}}" escapes and the standard format spec ("{0:>8}", "{0:,}", "{:.2f}").
 *
 * The template is parsed once and values are only ever inserted as text, so a value that
 * itself contains "{0}" is never expanded again.
 *
 * The output is kept as parts (the template's own text, and each replacement field) so that an
 * alerter's escape applies to the inserted values only, never to the rule author's text.
 */
import { isPlainObject } from './object.ts';
import { pyRepr, pyStr } from './str.ts';
import { FormatError, formatWithSpec } from './format-spec.ts';

export { FormatError };

interface Numbering {
  mode: 'none' | 'auto' | 'manual';
  next: number;
}

/** A piece of formatted output: the template's own text, or one replacement field's formatted value. */
export interface FormatPart {
  text: string;
  /** True for a replacement field (a value, after its conversion and format spec). */
  field: boolean;
}

/**
 * `template.format(*args, **kwargs)`. With `escape`, each replacement field's formatted value
 * (after "!r" and the format spec: "{0:>8}" pads, then escapes) goes through it; the template's
 * own text and "{{"/"}}" never do.
 */
export function formatPython(
  template: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>> = {},
  escape?: (value: string) => string,
): string {
  return joinParts(formatPythonParts(template, args, kwargs), escape);
}

/** formatPython's output as parts, for callers that cut or escape it themselves. */
export function formatPythonParts(
  template: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>> = {},
): FormatPart[] {
  return render(template, args, kwargs, { mode: 'none', next: 0 }, 2);
}

/** The parts as one text, fields through `escape` when given. */
export function joinParts(parts: readonly FormatPart[], escape?: (value: string) => string): string {
  let out = '';
  for (const part of parts) out += part.field && escape ? escape(part.text) : part.text;
  return out;
}

/**
 * The parts cut to the first `maxChars` characters (code points) of their plain text, as Python
 * slices the formatted string; the cut happens before escaping, so it never splits an escape.
 */
export function truncateParts(parts: readonly FormatPart[], maxChars: number): FormatPart[] {
  const out: FormatPart[] = [];
  let left = Math.max(0, maxChars);
  for (const part of parts) {
    if (left === 0) break;
    const chars = Array.from(part.text);
    if (chars.length <= left) {
      out.push(part);
      left -= chars.length;
    } else {
      out.push({ text: chars.slice(0, left).join(''), field: part.field });
      left = 0;
    }
  }
  return out;
}

function render(
  template: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  numbering: Numbering,
  depth: number,
): FormatPart[] {
  if (depth === 0) throw new FormatError('Max string recursion exceeded');
  const parts: FormatPart[] = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '}') {
      if (template[i + 1] !== '}') throw new FormatError("Single '}' encountered in format string");
      literal += '}';
      i += 2;
    } else if (ch === '{') {
      if (template[i + 1] === '{') {
        literal += '{';
        i += 2;
        continue;
      }
      if (i + 1 === template.length) throw new FormatError("Single '{' encountered in format string");
      const close = findFieldEnd(template, i + 1);
      if (literal !== '') parts.push({ text: literal, field: false });
      literal = '';
      parts.push({ text: replaceField(template.slice(i + 1, close), args, kwargs, numbering, depth), field: true });
      i = close + 1;
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal !== '') parts.push({ text: literal, field: false });
  return parts;
}

/** Index of the "}" closing a field opened before `from`; nested "{...}" may appear in the spec, "[...]" is skipped. */
function findFieldEnd(template: string, from: number): number {
  let level = 1;
  let inName = true;
  for (let i = from; i < template.length; i++) {
    const ch = template[i];
    if (inName && ch === '[') {
      const end = template.indexOf(']', i);
      if (end === -1) break;
      i = end;
    } else if (inName && (ch === ':' || ch === '!')) {
      inName = false;
    } else if (ch === '{') {
      level++;
    } else if (ch === '}' && --level === 0) {
      return i;
    }
  }
  throw new FormatError(level > 1 ? "unmatched '{' in format spec" : "expected '}' before end of string");
}

function replaceField(
  field: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  numbering: Numbering,
  depth: number,
): string {
  let nameEnd = 0;
  while (nameEnd < field.length && field[nameEnd] !== ':' && field[nameEnd] !== '!') {
    if (field[nameEnd] === '[') {
      const end = field.indexOf(']', nameEnd);
      if (end === -1) throw new FormatError("Missing ']' in format string");
      nameEnd = end;
    }
    nameEnd++;
  }
  const name = field.slice(0, nameEnd);
  let conversion: string | undefined;
  let spec = '';
  let rest = field.slice(nameEnd);
  if (rest.startsWith('!')) {
    conversion = rest[1];
    rest = rest.slice(2);
    if (conversion === undefined || (rest !== '' && !rest.startsWith(':'))) {
      throw new FormatError("expected ':' after conversion specifier");
    }
  }
  if (rest.startsWith(':')) spec = rest.slice(1);

  let value = resolveName(name, args, kwargs, numbering);
  if (conversion !== undefined) {
    if (conversion === 's') value = pyStr(value);
    else if (conversion === 'r') value = pyRepr(value);
    else if (conversion === 'a') value = pyRepr(value, true);
    else throw new FormatError(`Unknown conversion specifier ${conversion}`);
  }
  // A nested field in the spec ("{0:{1}}") is expanded first, with the same numbering. It only
  // shapes the value (width, precision...), so it is never escaped itself.
  if (spec.includes('{')) spec = joinParts(render(spec, args, kwargs, numbering, depth - 1));
  return formatValue(value, spec);
}

function resolveName(name: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, numbering: Numbering): unknown {
  const first = /^[^.[]*/.exec(name)?.[0] ?? '';
  let value: unknown;
  if (first === '') {
    if (numbering.mode === 'manual') throw new FormatError('cannot switch from manual field specification to automatic field numbering');
    numbering.mode = 'auto';
    value = positional(args, numbering.next++);
  } else if (/^\d+$/.test(first)) {
    if (numbering.mode === 'auto') throw new FormatError('cannot switch from automatic field numbering to manual field specification');
    numbering.mode = 'manual';
    value = positional(args, Number(first));
  } else {
    if (!Object.hasOwn(kwargs, first)) throw new FormatError(`KeyError: ${pyRepr(first)}`);
    value = kwargs[first];
  }
  return access(value, name.slice(first.length));
}

function positional(args: readonly unknown[], index: number): unknown {
  if (index >= args.length) throw new FormatError(`IndexError: replacement index ${index} out of range for positional args tuple`);
  return args[index];
}

/** "[key]" item access; Python's ".attr" has no meaning for JSON values and is refused. */
function access(value: unknown, path: string): unknown {
  let current = value;
  let rest = path;
  while (rest !== '') {
    const item = /^\[([^\]]*)\]/.exec(rest);
    if (!item) throw new FormatError(`attribute access ${JSON.stringify(rest)} is not supported in alert text; use [key]`);
    const key = item[1] ?? '';
    if (key === '') throw new FormatError('Empty attribute in format string');
    if (/^\d+$/.test(key)) {
      if (!Array.isArray(current) || Number(key) >= current.length) throw new FormatError(`IndexError: no item [${key}]`);
      current = current[Number(key)];
    } else {
      if (!isPlainObject(current) || !Object.hasOwn(current, key)) throw new FormatError(`KeyError: ${pyRepr(key)}`);
      current = current[key];
    }
    rest = rest.slice(item[0].length);
  }
  return current;
}

function formatValue(value: unknown, spec: string): string {
  if (spec === '') return pyStr(value);
  if (typeof value === 'string' || typeof value === 'number') return formatWithSpec(value, spec);
  // bool is an int subclass in Python: with a spec it formats as 1/0.
  if (typeof value === 'boolean') return formatWithSpec(value ? 1 : 0, spec);
  const type = value === null || value === undefined ? 'NoneType' : Array.isArray(value) ? 'list' : 'dict';
  throw new FormatError(`unsupported format string passed to ${type}.__format__`);
}
