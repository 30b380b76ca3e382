/** The filters and tests templates may use: Nunjucks' builtins on plain values, and Jinja's where they differ. */
import { escapeHtmlMarkupSafe, jsonTextSafeInHtml } from '../../escape/index.ts';
import { isPlainObject, pyJsonDumps } from '../../pycompat/index.ts';
import { builtinFilters, builtinTests, isEngineSafeString } from './nunjucks.ts';
import { memberLookup } from './sandbox.ts';
import { RenderedOutput, plain, text } from './values.ts';

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
const TEXT_FILTERS = new Set([
  'capitalize',
  'center',
  'indent',
  'lower',
  'nl2br',
  'replace',
  'striptags',
  'title',
  'trim',
  'truncate',
  'upper',
  'urlize',
  'wordcount',
]);

/** Jinja's groupby: a list of (grouper, list) pairs sorted by grouper, also readable as .grouper / .list. */
function groupBy(value: unknown, attribute: unknown): unknown[] {
  const items = plain(value);
  if (!Array.isArray(items)) return [];
  const keyOf = (item: unknown): unknown =>
    String(plain(attribute))
      .split('.')
      .reduce<unknown>((v, part) => memberLookup(v, part), item);
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

/** Output of the template's own {% set %} blocks passes through this filter (see compileTemplate); templates cannot name it. */
export const CAPTURE_FILTER = '$rendered';

function buildFilters(): Record<string, unknown> {
  const filters = Object.create(null) as Record<string, unknown>;
  for (const [name, filter] of Object.entries(builtinFilters)) {
    if (typeof filter !== 'function') continue;
    const f = filter as (...args: unknown[]) => unknown;
    filters[name] = function (this: unknown, ...args: unknown[]): unknown {
      const inputs = args.map(plain);
      if (TEXT_FILTERS.has(name) && inputs.length > 0 && typeof inputs[0] !== 'string' && inputs[0] !== undefined)
        inputs[0] = text(inputs[0]);
      const out = f.apply(this, inputs);
      // A builtin marks its output "safe" when its input was: nothing is safe here but the
      // template's own rendered output, so that mark is dropped.
      return isEngineSafeString(out) ? String(out) : out;
    };
  }
  // No way to turn escaping off: |safe is accepted and changes nothing.
  filters.safe = (value: unknown) => plain(value);
  filters.escape = filters.e = filters.forceescape = (value: unknown) => escapeHtmlMarkupSafe(text(value));
  filters.string = (value: unknown) => text(value);
  filters.tojson = (value: unknown) => toJson(value);
  filters.groupby = groupBy;
  // A {% set %} block holds rendered (already escaped) output, as Jinja's autoescape treats it:
  // marked so that printing it does not escape it twice.
  filters[CAPTURE_FILTER] = (value: unknown) => (value instanceof RenderedOutput ? value : new RenderedOutput(value));
  return filters;
}

function buildTests(): Record<string, unknown> {
  const tests = Object.create(null) as Record<string, unknown>;
  for (const [name, test] of Object.entries(builtinTests)) {
    if (typeof test === 'function') tests[name] = (...args: unknown[]) => (test as (...a: unknown[]) => unknown)(...args.map(plain));
  }
  return tests;
}

/** The filters and tests a template may name. */
export const templateFilters: Readonly<Record<string, unknown>> = buildFilters();
export const templateTests: Readonly<Record<string, unknown>> = buildTests();
