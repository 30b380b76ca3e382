/**
 * Python's str.format, as ElastAlert2 applies it to alert_subject / alert_text with their args:
 * "{0}", "{}" auto-numbering, "{name}" keywords, "{0[key]}" item access, "!s"/"!r"/"!a",
 * "{{" / "}}" escapes and the standard format spec ("{0:>8}", "{0:,}", "{:.2f}").
 *
 * The template is parsed once and values are only ever inserted as text, so a value that
 * itself contains "{0}" is never expanded again.
 */
import { isPlainObject, pyRepr, pyStr } from '../ruletypes/fields.ts';
import { FormatError, formatWithSpec } from './format-spec.ts';

export { FormatError };

interface Numbering {
  mode: 'none' | 'auto' | 'manual';
  next: number;
}

export function formatPython(
  template: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>> = {},
): string {
  return render(template, args, kwargs, { mode: 'none', next: 0 }, 2);
}

function render(template: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, numbering: Numbering, depth: number): string {
  if (depth === 0) throw new FormatError('Max string recursion exceeded');
  let out = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if (ch === '}') {
      if (template[i + 1] !== '}') throw new FormatError("Single '}' encountered in format string");
      out += '}';
      i += 2;
    } else if (ch === '{') {
      if (template[i + 1] === '{') {
        out += '{';
        i += 2;
        continue;
      }
      if (i + 1 === template.length) throw new FormatError("Single '{' encountered in format string");
      const close = findFieldEnd(template, i + 1);
      out += replaceField(template.slice(i + 1, close), args, kwargs, numbering, depth);
      i = close + 1;
    } else {
      out += ch;
      i++;
    }
  }
  return out;
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

function replaceField(field: string, args: readonly unknown[], kwargs: Readonly<Record<string, unknown>>, numbering: Numbering, depth: number): string {
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
      throw new FormatError('expected \':\' after conversion specifier');
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
  // A nested field in the spec ("{0:{1}}") is expanded first, with the same numbering.
  if (spec.includes('{')) spec = render(spec, args, kwargs, numbering, depth - 1);
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
