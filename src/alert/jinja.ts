/**
 * `alert_text_type: alert_text_jinja`: alert_text (or the file named by jinja_template_path) and
 * alert_subject rendered as Jinja templates, as ElastAlert2 does, through Nunjucks, the closest
 * JavaScript engine to Jinja.
 *
 * Only the rule's own text is ever compiled; values from documents are data and are never
 * parsed as templates ("{{ 7*7 }}" in a log line stays "{{ 7*7 }}"). Three deliberate
 * differences from ElastAlert2, all because log content is attacker-controlled:
 *
 * 1. Context. ElastAlert2 renders with `rule | match` merged (a document field overrides a rule
 *    key of the same name) plus `<jinja_root_name>` (default `_data`) holding that merge. Here:
 *    - `rule` holds the rule's settings (its options and name, type, index, timestamp_field),
 *      without secrets (passwords, tokens, webhook URLs, keys);
 *    - `<jinja_root_name>` (`_data`) holds the match fields only;
 *    - at top level, match fields AND rule settings are visible as in ElastAlert2, but a name
 *      the rule defines always means the rule's value: `{{ name }}` is the rule name even when
 *      a document has a `name` field (that one is `{{ _data.name }}`). So a document can never
 *      stand in for a rule setting, recipient, URL or template text.
 * 2. Escaping. Every value a `{{ }}` outputs goes through the target's escape function (Slack
 *    mrkdwn, HTML, mail header...), the template's own text never does. Jinja's `|safe` cannot
 *    turn this off (it is accepted and does nothing), and `|e` HTML-escapes as in Jinja, after
 *    which the target's escape still applies.
 * 3. Sandbox. Templates see plain data only: attributes are a value's own keys (plus Jinja's
 *    common str/dict methods: upper, split, get, items...), never JavaScript prototypes, so
 *    `"".constructor.constructor("return process")()` finds nothing; functions have no
 *    attributes; only macros, those methods and `range` can be called; include, extends,
 *    import and extensions are refused when the template is compiled.
 *
 * Jinja's defaults are kept where they matter to output: an undefined name renders as empty
 * text (so does an attribute of an undefined name, where Jinja would raise), None/True/lists
 * print as Python prints them, one trailing newline of the template is dropped and line ends
 * are normalised to "\n".
 *
 * Templates are compiled once per rule object (a reload makes new rule objects, so new
 * templates) and cached.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import type { Environment as NunjucksEnvironment } from 'nunjucks';
import type { RuleDefinition } from '../rules/types.ts';
import { ruleProperties } from '../rules/schema.ts';
import { isPlainObject, pyJsonDumps, pyStr } from '../pycompat/index.ts';
import { escapeHtmlMarkupSafe, jsonTextSafeInHtml } from '../escape/index.ts';

/** A template the rule's text compiled to; `render` may be called any number of times. */
export interface JinjaTemplate {
  /** `escape` is applied to every value the template outputs; without it values are plain text. */
  render(context: Readonly<Record<string, unknown>>, escape?: (value: string) => string): string;
}

/** A template that cannot be compiled or rendered; the message names rule and file when known. */
export class JinjaError extends Error {
  override name = 'JinjaError';
}

export type JinjaTemplateOf = 'alert_text' | 'alert_subject';

export interface JinjaRuleOptions {
  /**
   * Folder a relative jinja_template_path is read from. The rule loader passes the rule file's
   * folder; without it the working directory is used, as ElastAlert2 does (FileSystemLoader("")).
   */
  baseDir?: string;
}

const DEFAULT_ROOT_NAME = '_data';
/** A template file larger than this is refused: it is surely not an alert text. */
const MAX_TEMPLATE_FILE_BYTES = 1024 * 1024;
/** `range()` larger than this is refused, so a template cannot loop for ever. */
const MAX_RANGE = 10_000;

// ---------------------------------------------------------------------------------------------
// Nunjucks internals. The public API cannot change how values are output or looked up, so the
// template is compiled here and run with our own runtime (see makeRuntime). Everything is loaded
// through one `require` so that the parser's node classes and the transformer's are the same.
// ---------------------------------------------------------------------------------------------

interface NjNode {
  readonly typename: string;
  readonly fields: readonly string[];
  readonly lineno: number;
  readonly colno: number;
  readonly [field: string]: unknown;
}
interface NjCompiler {
  compile(node: NjNode): void;
  getCode(): string;
  compileCapture(node: NjNode, frame: unknown): void;
  _emit(code: string): void;
}
interface NjContext {
  ctx: Record<string, unknown>;
}
interface NjFrame {
  lookup(name: string): unknown;
}
type RootFunction = (env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: (err: unknown, res: unknown) => void) => void;
interface NjInternals {
  Environment: new (loaders: unknown[], opts: object) => NunjucksEnvironment & {
    filters: Record<string, unknown>;
    tests: Record<string, unknown>;
    globals: Record<string, unknown>;
  };
  Template: new (src: { type: 'code'; obj: Record<string, unknown> }, env: unknown, path: string) => { render(ctx: object): string };
  parser: { parse(src: string, extensions: unknown[], opts: object): NjNode };
  compiler: { Compiler: new (name: string, throwOnUndefined: boolean) => NjCompiler };
  runtime: Record<string, unknown> & {
    SafeString: new (value: string) => object;
    makeMacro: (argNames: unknown, kwargNames: unknown, func: unknown) => (...args: unknown[]) => unknown;
  };
}

const requireCjs = createRequire(import.meta.url);
const nj = requireCjs('nunjucks') as NjInternals;
const transformer = requireCjs('nunjucks/src/transformer') as { transform(ast: NjNode, asyncFilters: unknown[], name: string): NjNode };

/** Lexer options as Jinja's defaults (no trim_blocks, no lstrip_blocks). */
const PARSE_OPTS = { trimBlocks: false, lstripBlocks: false, autoescape: false, throwOnUndefined: false };

/** Output the template itself produced (a macro's or caller's result, a {% set %} block): already escaped. */
class RenderedOutput {
  readonly text: string;
  constructor(text: unknown) {
    this.text = String(text ?? '');
  }
  toString(): string {
    return this.text;
  }
  valueOf(): string {
    return this.text;
  }
  get length(): number {
    return this.text.length;
  }
}

/** The only functions a template may call: its macros, the methods below and the globals. */
const callables = new WeakSet<object>();
function callable<F extends (...args: never[]) => unknown>(fn: F): F {
  callables.add(fn);
  return fn;
}

function plain(value: unknown): unknown {
  return value instanceof RenderedOutput ? value.text : value;
}
function text(value: unknown): string {
  const v = plain(value);
  return typeof v === 'string' ? v : v === undefined ? '' : pyStr(v);
}

// -- Jinja's common str and dict methods, the only attributes that are not a value's own keys --

function stripChars(s: string, chars: unknown, left: boolean, right: boolean): string {
  if (chars === undefined || chars === null) {
    const ws = /[\s\u001c-\u001f\u0085]/u;
    const arr = Array.from(s);
    let start = 0;
    let end = arr.length;
    while (left && start < end && ws.test(arr[start] ?? '')) start++;
    while (right && end > start && ws.test(arr[end - 1] ?? '')) end--;
    return arr.slice(start, end).join('');
  }
  const set = new Set(Array.from(text(chars)));
  const arr = Array.from(s);
  let start = 0;
  let end = arr.length;
  while (left && start < end && set.has(arr[start] ?? '')) start++;
  while (right && end > start && set.has(arr[end - 1] ?? '')) end--;
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

const STRING_METHODS: Readonly<Record<string, (s: string, ...args: unknown[]) => unknown>> = {
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

const DICT_METHODS: Readonly<Record<string, (d: Record<string, unknown>, ...args: unknown[]) => unknown>> = {
  // Python's dict.get returns None (printed "None") for a missing key without a default.
  get: (d, key, fallback = null) => {
    const k = text(key);
    return Object.hasOwn(d, k) ? d[k] : fallback;
  },
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  items: (d) => Object.entries(d),
};

function boundMethod(impl: (self: never, ...args: unknown[]) => unknown, self: unknown): (...args: unknown[]) => unknown {
  return callable((...args: unknown[]) => impl(self as never, ...args.map(plain)));
}

function indexOf(length: number, key: unknown): number | undefined {
  const n = typeof key === 'number' ? key : typeof key === 'string' && /^-?\d+$/.test(key) ? Number(key) : NaN;
  if (!Number.isInteger(n)) return undefined;
  const i = n < 0 ? length + n : n;
  return i >= 0 && i < length ? i : undefined;
}

/**
 * `obj.key` / `obj[key]`: a value's own keys only (list and string indexes, negative ones as in
 * Python, `length`), then the str/dict methods above. Nothing is ever read from a prototype,
 * and functions have no attributes at all.
 */
function memberLookup(object: unknown, rawKey: unknown): unknown {
  const obj = plain(object);
  const key = plain(rawKey);
  if (obj === null || obj === undefined || typeof obj === 'function') return undefined;
  if (typeof key !== 'string' && typeof key !== 'number') return undefined;
  if (typeof obj === 'string') {
    const i = indexOf(obj.length, key);
    if (i !== undefined) return obj[i];
    if (key === 'length') return obj.length;
    const method = typeof key === 'string' && Object.hasOwn(STRING_METHODS, key) ? STRING_METHODS[key] : undefined;
    return method ? boundMethod(method, obj) : undefined;
  }
  if (typeof obj !== 'object') return undefined;
  if (Array.isArray(obj)) {
    const i = indexOf(obj.length, key);
    if (i !== undefined) return safeValue(obj[i]);
  }
  if (Object.hasOwn(obj, key)) return safeValue((obj as Record<string | number, unknown>)[key]);
  if (isPlainObject(obj) && typeof key === 'string' && Object.hasOwn(DICT_METHODS, key)) {
    const method = DICT_METHODS[key];
    if (method) return boundMethod(method, obj);
  }
  return undefined;
}

/** A function found in data is not the template's to call (data from JSON has none anyway). */
function safeValue(value: unknown): unknown {
  return typeof value === 'function' && !callables.has(value) ? undefined : value;
}

function callWrap(fn: unknown, name: string, context: unknown, args: unknown[]): unknown {
  if (typeof fn !== 'function' || !callables.has(fn)) throw new JinjaError(`${name} is not callable`);
  return (fn as (...a: unknown[]) => unknown).apply(context, args);
}

/** Names: the template's own variables, then the render context's own keys, then the globals. */
function contextOrFrameLookup(context: NjContext, frame: NjFrame, name: string): unknown {
  const fromFrame = frame.lookup(name);
  if (fromFrame !== undefined) return fromFrame;
  if (Object.hasOwn(context.ctx, name)) return context.ctx[name];
  if (Object.hasOwn(GLOBALS, name)) return GLOBALS[name];
  return undefined;
}

/** `x in y`: list items, substrings, or a mapping's own keys (never inherited ones). */
function inOperator(key: unknown, container: unknown): boolean {
  const k = plain(key);
  const c = plain(container);
  if (Array.isArray(c)) return c.some((item) => plain(item) === k);
  if (typeof c === 'string') return c.includes(text(k));
  if (c !== null && typeof c === 'object') return Object.hasOwn(c, text(k));
  throw new JinjaError('the right side of "in" must be a list, a string or a mapping');
}

const GLOBALS: Readonly<Record<string, unknown>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, unknown>, {
    // Python's range(stop) / range(start, stop[, step]), bounded.
    range: callable((first: unknown, second?: unknown, third?: unknown) => {
      const start = second === undefined ? 0 : Number(plain(first));
      const stop = Number(plain(second === undefined ? first : second));
      const step = third === undefined ? 1 : Number(plain(third));
      if (![start, stop, step].every(Number.isInteger) || step === 0) throw new JinjaError('range() needs whole numbers and a step other than 0');
      const count = Math.max(0, Math.ceil((stop - start) / step));
      if (count > MAX_RANGE) throw new JinjaError(`range() of more than ${MAX_RANGE} items`);
      return Array.from({ length: count }, (_, i) => start + i * step);
    }),
  }),
);

/** Our runtime for one render: Nunjucks' own, with lookups, calls and output replaced. */
function makeRuntime(escape: (value: string) => string): Record<string, unknown> {
  return {
    ...nj.runtime,
    memberLookup,
    contextOrFrameLookup,
    callWrap,
    inOperator,
    SafeString: RenderedOutput,
    markSafe: (value: unknown) => (value instanceof RenderedOutput ? value : new RenderedOutput(value)),
    makeMacro: (argNames: unknown, kwargNames: unknown, func: unknown) => callable(nj.runtime.makeMacro(argNames, kwargNames, func)),
    // Every {{ }} output: the template's own rendered output as is, any other value as Python's
    // str() shows it, through the target's escape. Undefined is empty, as Jinja's Undefined.
    suppressValue: (value: unknown) => {
      if (value instanceof RenderedOutput) return value.text;
      if (value === undefined || typeof value === 'function') return '';
      return escape(text(value));
    },
  };
}

// -- Filters and tests ---------------------------------------------------------------------------

/** Jinja's tojson: json.dumps(sort_keys=True), then < > & ' as \\u escapes so the JSON is inert in HTML. */
function toJson(value: unknown): string {
  return jsonTextSafeInHtml(pyJsonDumps(plainDeep(value), { sortKeys: true }));
}

function plainDeep(value: unknown): unknown {
  const v = plain(value);
  if (Array.isArray(v)) return v.map(plainDeep);
  if (isPlainObject(v)) return Object.fromEntries(Object.entries(v).map(([k, item]) => [k, plainDeep(item)]));
  return v;
}

/** Builtin filters that work on text: a number or a list is turned into text first, as Jinja does. */
const TEXT_FILTERS = new Set(['capitalize', 'center', 'indent', 'lower', 'nl2br', 'replace', 'striptags', 'title', 'trim', 'truncate', 'upper', 'urlize', 'wordcount']);

/** Jinja's groupby: a list of (grouper, list) pairs sorted by grouper, also readable as .grouper / .list. */
function groupBy(value: unknown, attribute: unknown): unknown[] {
  const items = plain(value);
  if (!Array.isArray(items)) return [];
  const keyOf = (item: unknown): unknown => String(plain(attribute)).split('.').reduce<unknown>((v, part) => memberLookup(v, part), item);
  const groups = new Map<string, { grouper: unknown; list: unknown[] }>();
  for (const item of items) {
    const grouper = keyOf(item);
    const id = JSON.stringify([typeof grouper, grouper === undefined ? null : grouper]);
    let group = groups.get(id);
    if (!group) groups.set(id, (group = { grouper, list: [] }));
    group.list.push(item);
  }
  return [...groups.values()]
    .sort((a, b) => (text(a.grouper) < text(b.grouper) ? -1 : text(a.grouper) > text(b.grouper) ? 1 : 0))
    .map((g) => Object.assign([g.grouper, g.list], { grouper: g.grouper, list: g.list }));
}

function buildEnvironment(): InstanceType<NjInternals['Environment']> {
  const env = new nj.Environment([], { autoescape: false, throwOnUndefined: false });
  const builtinFilters = env.filters;
  const filters = Object.create(null) as Record<string, unknown>;
  for (const [name, filter] of Object.entries(builtinFilters)) {
    if (typeof filter !== 'function') continue;
    const f = filter as (...args: unknown[]) => unknown;
    filters[name] = function (this: unknown, ...args: unknown[]): unknown {
      const inputs = args.map(plain);
      if (TEXT_FILTERS.has(name) && inputs.length > 0 && typeof inputs[0] !== 'string' && inputs[0] !== undefined) inputs[0] = text(inputs[0]);
      const out = f.apply(this, inputs);
      // A builtin marks its output "safe" when its input was: nothing is safe here but the
      // template's own rendered output, so that mark is dropped.
      return out instanceof nj.runtime.SafeString ? String(out) : out;
    };
  }
  // No way to turn escaping off: |safe is accepted and changes nothing.
  filters.safe = (value: unknown) => plain(value);
  filters.escape = filters.e = filters.forceescape = (value: unknown) => escapeHtmlMarkupSafe(text(value));
  filters.string = (value: unknown) => text(value);
  filters.tojson = (value: unknown) => toJson(value);
  filters.groupby = groupBy;
  const tests = Object.create(null) as Record<string, unknown>;
  for (const [name, test] of Object.entries(env.tests)) {
    if (typeof test === 'function') tests[name] = (...args: unknown[]) => (test as (...a: unknown[]) => unknown)(...args.map(plain));
  }
  env.filters = filters;
  env.tests = tests;
  env.globals = Object.create(null) as Record<string, unknown>;
  return env;
}

const env = buildEnvironment();

// -- Compiling ----------------------------------------------------------------------------------

/** Tags that would read other files or run code from outside the template. */
const REFUSED_NODES: Readonly<Record<string, string>> = {
  Include: 'include',
  Extends: 'extends',
  Import: 'import',
  FromImport: 'from ... import',
  CallExtension: 'extension tags',
  CallExtensionAsync: 'extension tags',
  FilterAsync: 'asynchronous filters',
};

function checkNode(node: unknown): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) checkNode(child);
    return;
  }
  const n = node as NjNode;
  if (typeof n.typename !== 'string' || !Array.isArray(n.fields)) return;
  const where = `line ${n.lineno + 1}`;
  const refused = REFUSED_NODES[n.typename];
  if (refused) throw new JinjaError(`${where}: ${refused} is not allowed in alert templates`);
  if (n.typename === 'Filter') {
    const filterName = (n.name as NjNode | undefined)?.value;
    if (typeof filterName !== 'string' || !Object.hasOwn(env.filters, filterName)) throw new JinjaError(`${where}: unknown filter ${String(filterName)}`);
  }
  if (n.typename === 'Is') {
    const right = n.right as NjNode | undefined;
    const testName = right?.typename === 'FunCall' ? (right.name as NjNode | undefined)?.value : right?.value;
    if (typeof testName !== 'string' || !Object.hasOwn(env.tests, testName)) throw new JinjaError(`${where}: unknown test ${String(testName)}`);
  }
  for (const field of n.fields) checkNode(n[field]);
}

/**
 * Compiles a template written by the rule author. `name` is shown in errors. Never call this
 * with text that came from a document.
 */
export function compileJinja(source: string, name: string): JinjaTemplate {
  // Jinja normalises line ends and drops one trailing newline (keep_trailing_newline=False).
  const src = source.replace(/\r\n?/g, '\n').replace(/\n$/, '');
  let props: Record<string, unknown>;
  try {
    const ast = nj.parser.parse(src, [], PARSE_OPTS);
    checkNode(ast);
    const compiler = new nj.compiler.Compiler(name, false);
    // A {% set x %}...{% endset %} block holds rendered (already escaped) output, as Jinja's
    // autoescape treats it: mark it so printing it does not escape it twice.
    const compileCapture = compiler.compileCapture;
    compiler.compileCapture = function (this: NjCompiler, node: NjNode, frame: unknown): void {
      this._emit('new runtime.SafeString(');
      compileCapture.call(this, node, frame);
      this._emit(')');
    };
    compiler.compile(transformer.transform(ast, [], name));
    // The code is Nunjucks' own output for the rule's template, run as Nunjucks itself runs it.
    props = new Function(compiler.getCode())() as Record<string, unknown>;
  } catch (error) {
    throw new JinjaError(`${name}: ${messageOf(error)}`);
  }
  let active: Record<string, unknown> | undefined;
  // Each entry point (root and blocks) is run with our runtime instead of Nunjucks' global one.
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    wrapped[key] = typeof value !== 'function' ? value
      : (e: unknown, c: unknown, f: unknown, _runtime: unknown, cb: unknown) => (value as RootFunction)(e, c, f, active, cb as (err: unknown, res: unknown) => void);
  }
  const template = new nj.Template({ type: 'code', obj: wrapped }, env, name);
  return {
    render(context, escape = (v) => v) {
      const ctx = Object.create(null) as Record<string, unknown>;
      // A key "__proto__" would become the context's prototype when Nunjucks copies it.
      for (const [k, v] of Object.entries(context)) if (k !== '__proto__') ctx[k] = v;
      active = makeRuntime(escape);
      try {
        return template.render(ctx);
      } catch (error) {
        throw new JinjaError(`${name}: ${messageOf(error)}`);
      } finally {
        active = undefined;
      }
    },
  };
}

function messageOf(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  // Nunjucks writes "(<name>) [Line 2, Column 8]\n  TypeError: <message>"; keep line and message.
  const m = /^\(.*?\)(?: \[Line (\d+), Column (\d+)\])?\n\s*(?:[A-Za-z]*Error: )?(.*)$/s.exec(message);
  // A parse error is not prettified yet: its position is on the error itself (1-based).
  const at = error as { lineno?: unknown; colno?: unknown };
  const line = m?.[1] ?? (typeof at.lineno === 'number' ? String(at.lineno) : undefined);
  const column = m?.[2] ?? (typeof at.colno === 'number' ? String(at.colno) : '?');
  const where = line !== undefined ? `line ${line}, column ${column}: ` : '';
  return (where + (m ? (m[3] ?? '') : message)).replace(/\s*\n\s*/g, ' ').trim();
}

// -- Rules --------------------------------------------------------------------------------------

/** Option names that carry credentials; ElastAlert2 would show them to templates, we do not. */
const SECRET_NAME = /password|passwd|secret|token|api_?key|apikey|webhook|bearer|credential|private|auth|connection/i;
/** Options ending in "_key" that are field names, not credentials. */
const FIELD_KEYS = new Set(['query_key', 'aggregation_key', 'compare_key', 'realert_key', 'metric_agg_key', 'timestamp_key']);

function isSecretOption(name: string): boolean {
  return ruleProperties[name]?.['x-secret'] === true || SECRET_NAME.test(name) || (/(^|_)key$/.test(name) && !FIELD_KEYS.has(name));
}

/** A copy without secret-named keys at any depth (`alert:` entries carry alerter options too). */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!isPlainObject(value)) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) if (!isSecretOption(key) && key !== '__proto__') out[key] = withoutSecrets(item);
  return out;
}

/** The rule's settings as templates see them under `rule` (and at top level): no secrets. */
export function jinjaRuleView(rule: RuleDefinition): Record<string, unknown> {
  const view = withoutSecrets(rule.options) as Record<string, unknown>;
  view.name = rule.name;
  view.type = rule.type;
  view.index = rule.index;
  view.timestamp_field = rule.timestampField;
  return view;
}

function rootName(rule: RuleDefinition): string {
  const value = rule.options['jinja_root_name'];
  const root = typeof value === 'string' && value !== '' ? value : DEFAULT_ROOT_NAME;
  if (root === 'rule') throw new JinjaError(`rule "${rule.name}" (${rule.file}): jinja_root_name cannot be "rule": templates read the rule's settings there`);
  return root;
}

/**
 * What a rule's template sees for one match (see the header): match fields, then the rule's
 * settings over them, `rule`, and the match alone under jinja_root_name. Values are copies, so
 * a template cannot change the match that other alerters render.
 */
export function jinjaContext(rule: RuleDefinition, fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const match = structuredClone(fields) as Record<string, unknown>;
  const ruleView = structuredClone(jinjaRuleView(rule));
  const ctx = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(match)) ctx[key] = value;
  for (const [key, value] of Object.entries(ruleView)) ctx[key] = value;
  ctx.rule = ruleView;
  ctx[rootName(rule)] = match;
  return ctx;
}

const compiledByRule = new WeakMap<RuleDefinition, Map<JinjaTemplateOf, JinjaTemplate>>();

function ruleSource(rule: RuleDefinition, which: JinjaTemplateOf, options: JinjaRuleOptions): { source: string; name: string } {
  const opts = rule.options;
  if (which === 'alert_subject') return { source: pyStr(opts['alert_subject'] ?? ''), name: 'alert_subject' };
  const templatePath = opts['jinja_template_path'];
  if (typeof templatePath === 'string' && templatePath !== '') {
    const file = path.resolve(options.baseDir ?? process.cwd(), templatePath);
    try {
      const size = statSync(file).size;
      if (size > MAX_TEMPLATE_FILE_BYTES) throw new Error(`larger than ${MAX_TEMPLATE_FILE_BYTES} bytes`);
      return { source: readFileSync(file, 'utf8'), name: `jinja_template_path ${templatePath}` };
    } catch (error) {
      throw new JinjaError(`rule "${rule.name}" (${rule.file}): jinja_template_path ${JSON.stringify(templatePath)}: cannot read ${file}: ${messageOf(error)}`);
    }
  }
  return { source: pyStr(opts['alert_text'] ?? ''), name: 'alert_text' };
}

/** The rule's compiled template for alert_text (or jinja_template_path) or alert_subject, compiled on first use. */
export function ruleJinjaTemplate(rule: RuleDefinition, which: JinjaTemplateOf, options: JinjaRuleOptions = {}): JinjaTemplate {
  let byKind = compiledByRule.get(rule);
  if (!byKind) compiledByRule.set(rule, (byKind = new Map()));
  let template = byKind.get(which);
  if (!template) {
    const { source, name } = ruleSource(rule, which, options);
    try {
      template = compileJinja(source, name);
    } catch (error) {
      throw new JinjaError(`rule "${rule.name}" (${rule.file}): ${messageOf(error)}`);
    }
    byKind.set(which, template);
  }
  return template;
}

/**
 * Compiles (and caches) every template a jinja rule uses, so that the rule loader or lint can
 * report a broken template before any alert; relative jinja_template_path is read from
 * `options.baseDir`. Does nothing for other rules. Throws JinjaError.
 */
export function compileRuleJinja(rule: RuleDefinition, options: JinjaRuleOptions = {}): void {
  if (rule.options['alert_text_type'] !== 'alert_text_jinja') return;
  rootName(rule);
  ruleJinjaTemplate(rule, 'alert_text', options);
  if (Object.hasOwn(rule.options, 'alert_subject') && !Object.hasOwn(rule.options, 'alert_subject_args')) ruleJinjaTemplate(rule, 'alert_subject', options);
}

/** One match rendered through the rule's template; values through `escape`. Throws JinjaError. */
export function renderRuleJinja(rule: RuleDefinition, which: JinjaTemplateOf, fields: Readonly<Record<string, unknown>>, escape?: (value: string) => string): string {
  const template = ruleJinjaTemplate(rule, which);
  const context = jinjaContext(rule, fields);
  try {
    return template.render(context, escape);
  } catch (error) {
    throw new JinjaError(`rule "${rule.name}" (${rule.file}): ${messageOf(error)}`);
  }
}
