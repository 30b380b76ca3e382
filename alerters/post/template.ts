/**
 * The `{{ field }}` templates of ElastAlert2's HTTP POST 2 alerter (`http_post2_payload`,
 * `http_post2_headers`), without Jinja and without building JSON out of strings.
 *
 * ElastAlert2 renders the whole payload as Jinja text and parses the result as JSON, escaping
 * match values first so they stay inside their quotes. Here the template is parsed ONCE, at load:
 * a mapping is walked as it is; a JSON string has each `{{ ... }}` replaced by a private marker and
 * is parsed as JSON with the markers in place. Rendering then puts values into that tree, and the
 * request body is JSON.stringify of the tree. A value is never parsed again, so quotes, braces or
 * `{{ x }}` in a document stay text, byte for byte.
 *
 * Supported: `{{ name }}`, `{{ a.b.c }}` (any document field path, as alert_text_args finds it),
 * `{{ _data['client.ip'] }}` / `{{ _data["x"][0] }}` (the whole match under `jinja_root_name`,
 * default `_data`), `{{ a[0] }}`. Filters, expressions and `{% %}` / `{# #}` blocks are refused at
 * load with a message, never sent half-rendered.
 *
 * Results: inside text (a mapping value, a key, or within quotes of a JSON string) a value becomes
 * text, as Jinja prints it (numbers as written, True/False, lists and dicts as Python shows them;
 * a missing or null field prints nothing). In a JSON string, `{{ x }}` OUTSIDE quotes stands for
 * the value itself (number, boolean, object, ...; missing is null), which ElastAlert2 could only
 * do for numbers.
 */
import { randomBytes } from 'node:crypto';
import { isPlainObject, lookupField, pyStr } from '../../src/pycompat/index.ts';
import { setOwn } from '../http.ts';

/** A template the author wrote wrongly; the caller names the option. */
export class TemplateError extends Error {
  override name = 'TemplateError';
}

interface FieldRef {
  /** The expression as written, for messages. */
  source: string;
  root: string;
  steps: (string | number)[];
  /** Only `.name` steps: looked up like alert_text_args, so flattened "a.b" keys are found too. */
  dotted: boolean;
}

type Part = string | FieldRef;

type Node =
  | { kind: 'value'; value: unknown }
  | { kind: 'text'; parts: Part[] }
  | { kind: 'raw'; ref: FieldRef }
  | { kind: 'object'; entries: { key: Node; value: Node }[] }
  | { kind: 'array'; items: Node[] };

export interface JsonTemplate {
  readonly root: Node;
  /** The mapping or JSON string was empty ({}): ElastAlert2 then posts the whole match. */
  readonly empty: boolean;
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
const STEP = `\\s*(?:\\.\\s*([A-Za-z0-9_]+)|\\[\\s*(?:(\\d+)|'([^'\\\\]*)'|"([^"\\\\]*)")\\s*\\])`;
const EXPRESSION = new RegExp(`^\\s*(${IDENT})((?:${STEP})*)\\s*$`);
const STEPS = new RegExp(STEP, 'g');

function parseExpression(source: string): FieldRef {
  const m = EXPRESSION.exec(source);
  if (!m) {
    throw new TemplateError(
      `{{${source}}} is not supported: only field references such as {{ name }}, {{ a.b }} or {{ _data['a.b'] }} are (no filters or expressions)`,
    );
  }
  const steps: (string | number)[] = [];
  let dotted = true;
  for (const s of (m[2] ?? '').matchAll(STEPS)) {
    if (s[1] !== undefined) {
      steps.push(/^\d+$/.test(s[1]) ? Number(s[1]) : s[1]);
    } else {
      dotted = false;
      steps.push(s[2] !== undefined ? Number(s[2]) : (s[3] ?? s[4] ?? ''));
    }
  }
  return { source, root: m[1] ?? '', steps, dotted };
}

/** Index of the "}}" closing a placeholder that starts at `from`, skipping quoted text inside it. */
function placeholderEnd(text: string, from: number): number {
  let quote: string | undefined;
  for (let i = from; i < text.length; i++) {
    const ch = text[i];
    if (quote) {
      if (ch === quote) quote = undefined;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
    } else if (ch === '}' && text[i + 1] === '}') {
      return i;
    }
  }
  throw new TemplateError('a "{{" is not closed by "}}"');
}

function refuseBlocks(text: string): void {
  if (/\{[%#]/.test(text))
    throw new TemplateError('Jinja blocks ({% ... %}) and comments ({# ... #}) are not supported; use {{ field }} references');
}

/** Splits text into literal pieces and field references. */
function parseText(text: string): Part[] {
  refuseBlocks(text);
  const parts: Part[] = [];
  let i = 0;
  let literal = '';
  while (i < text.length) {
    if (text.startsWith('{{', i)) {
      const end = placeholderEnd(text, i + 2);
      if (literal) parts.push(literal);
      literal = '';
      parts.push(parseExpression(text.slice(i + 2, end)));
      i = end + 2;
    } else {
      literal += text[i];
      i++;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

function textNode(parts: Part[]): Node {
  if (parts.every((p) => typeof p === 'string')) return { kind: 'value', value: parts.join('') };
  return { kind: 'text', parts };
}

/** A YAML mapping (or list / scalar inside it): every string, key or value, may hold placeholders. */
function compileValue(value: unknown): Node {
  if (typeof value === 'string') return textNode(parseText(value));
  if (Array.isArray(value)) return { kind: 'array', items: value.map(compileValue) };
  if (isPlainObject(value)) {
    return { kind: 'object', entries: Object.entries(value).map(([k, v]) => ({ key: textNode(parseText(k)), value: compileValue(v) })) };
  }
  return { kind: 'value', value };
}

/** A JSON text with placeholders: parsed as JSON once, with a marker standing in for each placeholder. */
function compileJsonText(text: string): Node {
  refuseBlocks(text);
  const nonce = randomBytes(8).toString('hex');
  const marker = (n: number): string => `\uE000${nonce}:${n}\uE001`;
  const refs: { ref: FieldRef; raw: boolean }[] = [];
  let out = '';
  let inString = false;
  let i = 0;
  while (i < text.length) {
    if (text.startsWith('{{', i)) {
      const end = placeholderEnd(text, i + 2);
      const raw = !inString;
      refs.push({ ref: parseExpression(text.slice(i + 2, end)), raw });
      // Outside quotes the marker is a JSON string of its own: the value will replace it whole.
      out += raw ? JSON.stringify(marker(refs.length - 1)) : marker(refs.length - 1);
      i = end + 2;
      continue;
    }
    const ch = text[i] ?? '';
    if (inString && ch === '\\') {
      out += ch + (text[i + 1] ?? '');
      i += 2;
      continue;
    }
    if (ch === '"') inString = !inString;
    out += ch;
    i++;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(out);
  } catch (error) {
    // V8's message quotes the text, which may hold a key: keep only where the problem is.
    const where = /position \d+(?: \(line \d+ column \d+\))?/.exec((error as Error).message)?.[0];
    throw new TemplateError(`is not valid JSON once each {{ ... }} stands for one value${where ? ` (at ${where})` : ''}`);
  }
  const markers = new RegExp(`\uE000${nonce}:(\\d+)\uE001`, 'g');
  const whole = new RegExp(`^\uE000${nonce}:(\\d+)\uE001$`);
  const split = (s: string): Part[] => {
    const parts: Part[] = [];
    let last = 0;
    for (const m of s.matchAll(markers)) {
      if (m.index > last) parts.push(s.slice(last, m.index));
      const entry = refs[Number(m[1])];
      if (entry) parts.push(entry.ref);
      last = m.index + m[0].length;
    }
    if (last < s.length) parts.push(s.slice(last));
    return parts;
  };
  const convert = (value: unknown): Node => {
    if (typeof value === 'string') {
      const entry = refs[Number(whole.exec(value)?.[1] ?? -1)];
      if (entry?.raw) return { kind: 'raw', ref: entry.ref };
      return textNode(split(value));
    }
    if (Array.isArray(value)) return { kind: 'array', items: value.map(convert) };
    if (isPlainObject(value))
      return { kind: 'object', entries: Object.entries(value).map(([k, v]) => ({ key: textNode(split(k)), value: convert(v) })) };
    return { kind: 'value', value };
  };
  return convert(parsed);
}

/**
 * Compiles `http_post2_payload` / `http_post2_headers`: a mapping, or a JSON object written as a
 * string (ElastAlert2 2.10+). Throws TemplateError when the template cannot work.
 */
export function compileTemplate(value: unknown): JsonTemplate {
  if (value === undefined || value === null) return { root: { kind: 'object', entries: [] }, empty: true };
  const root = typeof value === 'string' ? compileJsonText(value) : isPlainObject(value) ? compileValue(value) : undefined;
  if (!root || root.kind !== 'object') throw new TemplateError('must be a mapping or a JSON object');
  // ElastAlert2 tests `not payload` on the option as written: an empty mapping counts as none, a string never does.
  return { root, empty: typeof value !== 'string' && root.entries.length === 0 };
}

function walk(start: unknown, steps: readonly (string | number)[]): unknown {
  let current = start;
  for (const step of steps) {
    if (typeof step === 'number' && Array.isArray(current)) current = current[step];
    else if (isPlainObject(current) && Object.hasOwn(current, String(step))) current = current[String(step)];
    else return undefined;
  }
  return current ?? undefined;
}

/** The value a reference names in `match`; undefined when missing or null. */
export function resolveRef(ref: FieldRef, match: Readonly<Record<string, unknown>>, rootName: string): unknown {
  if (ref.root === rootName) return walk(match, ref.steps);
  if (ref.dotted) return lookupField(match, [ref.root, ...ref.steps].join('.'));
  return walk(Object.hasOwn(match, ref.root) ? match[ref.root] : undefined, ref.steps);
}

/** How Jinja prints a value into text; missing and null print nothing. */
function asText(value: unknown): string {
  if (value === undefined || value === null) return '';
  return pyStr(value);
}

function render(node: Node, match: Readonly<Record<string, unknown>>, rootName: string): unknown {
  switch (node.kind) {
    case 'value':
      return node.value;
    case 'text':
      return node.parts.map((p) => (typeof p === 'string' ? p : asText(resolveRef(p, match, rootName)))).join('');
    case 'raw':
      return resolveRef(node.ref, match, rootName) ?? null;
    case 'array':
      return node.items.map((item) => render(item, match, rootName));
    case 'object': {
      const out: Record<string, unknown> = {};
      for (const entry of node.entries) setOwn(out, asText(render(entry.key, match, rootName)), render(entry.value, match, rootName));
      return out;
    }
  }
}

/** The template filled from `match`: a fresh object tree, values in place (never re-parsed). */
export function renderTemplate(
  template: JsonTemplate,
  match: Readonly<Record<string, unknown>>,
  rootName = '_data',
): Record<string, unknown> {
  return render(template.root, match, rootName) as Record<string, unknown>;
}
