import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { ANY_DURATION, durationOutOfBounds, type DurationBounds } from './bounds.ts';
import { parseDuration } from './duration.ts';
import type { ConfigProblem } from './errors.ts';
import { suggest } from './suggest.ts';
import type { YamlSource } from './yaml.ts';

/** The subset of JSON Schema our schemas use, plus two annotations of ours. */
export interface Schema {
  type?: string | string[];
  properties?: Record<string, Schema>;
  required?: string[];
  additionalProperties?: boolean | Schema;
  items?: Schema;
  minItems?: number;
  enum?: readonly (string | number | boolean)[];
  minimum?: number;
  exclusiveMinimum?: number;
  maximum?: number;
  minLength?: number;
  pattern?: string;
  anyOf?: Schema[];
  allOf?: Schema[];
  if?: Schema;
  then?: Schema;
  const?: string | number | boolean;
  minProperties?: number;
  maxProperties?: number;
  patternProperties?: Record<string, Schema>;
  description?: string;
  /** Value is a duration: `{minutes: 5}` or "5m"; `true` means within ANY_DURATION. */
  'x-duration'?: true | DurationBounds;
  /** Value is a secret: error messages never quote it. */
  'x-secret'?: boolean;
}

const ajv = new Ajv({ allErrors: true, verbose: true, strict: false, allowUnionTypes: true });
ajv.addKeyword({
  keyword: 'x-duration',
  errors: true,
  validate: function check(this: unknown, bounds: true | DurationBounds, data: unknown): boolean {
    const parsed = parseDuration(data);
    const error = typeof parsed === 'number' ? durationOutOfBounds(parsed, bounds === true ? ANY_DURATION : bounds) : parsed.error;
    if (error === undefined) return true;
    (check as unknown as { errors: Partial<ErrorObject>[] }).errors = [{ keyword: 'x-duration', message: error, params: {} }];
    return false;
  },
});
ajv.addKeyword({ keyword: 'x-secret' });

const compiled = new WeakMap<Schema, ValidateFunction>();

/** Compiles once per schema object; callers keep their schema as a module-level constant. */
function compile(schema: Schema): ValidateFunction {
  let fn = compiled.get(schema);
  if (!fn) {
    fn = ajv.compile(schema);
    compiled.set(schema, fn);
  }
  return fn;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

/** "an integer >= 1", "one of iso, unix, unix_ms", "a string or a list of strings". */
export function describe(schema: Schema): string {
  if (schema['x-duration']) return 'a duration such as "5m" or {minutes: 5}';
  if (schema.enum) return `one of ${schema.enum.map((v) => String(v)).join(', ')}`;
  if (schema.anyOf) return schema.anyOf.map(describe).join(' or ');
  const types = Array.isArray(schema.type) ? schema.type : schema.type ? [schema.type] : [];
  const names = types.map((t) => {
    if (t === 'array') {
      // `[]` is a list of anything: when it is refused, the message must say a list needs items.
      const list = schema.items ? `list of ${plural(schema.items)}` : 'list';
      if (!schema.minItems) return `a ${list}`;
      return schema.minItems === 1 ? `a non-empty ${list}` : `a ${list} with at least ${schema.minItems} items`;
    }
    if (t === 'object') return 'a mapping';
    if (t === 'integer' || t === 'number') {
      const bounds = [
        schema.minimum !== undefined ? `>= ${schema.minimum}` : '',
        schema.exclusiveMinimum !== undefined ? `> ${schema.exclusiveMinimum}` : '',
        schema.maximum !== undefined ? `<= ${schema.maximum}` : '',
      ].filter(Boolean);
      return `${article(t)}${bounds.length ? ' ' + bounds.join(' and ') : ''}`;
    }
    if (t === 'string') {
      // status_page_token needs 16: "a non-empty string" would not say so.
      const text = !schema.minLength
        ? 'a string'
        : schema.minLength === 1
          ? 'a non-empty string'
          : `a string of at least ${schema.minLength} characters`;
      return schema.pattern !== undefined ? `${text} matching ${schema.pattern}` : text;
    }
    if (t === 'boolean') return 'true or false';
    return article(t);
  });
  return names.join(' or ') || 'a valid value';
}

function plural(schema: Schema): string {
  // "a non-empty string" → "non-empty strings": the article goes, the noun takes the plural.
  return describe(schema)
    .replace(/^an? /, '')
    .replace(/\b(string|integer|number|mapping|list)\b/, '$1s');
}

function fieldOf(instancePath: string): { field: string; path: string[] } {
  const path = instancePath
    .split('/')
    .slice(1)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
  const field = path.reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
  return { field, path };
}

function shown(data: unknown, schema: Schema | undefined): string {
  if (schema?.['x-secret']) {
    const kind = Array.isArray(data) ? 'list' : typeof data === 'object' ? 'mapping' : typeof data;
    return data === null ? 'null' : `${article(kind)} (value hidden: it is a secret)`;
  }
  // A URL may carry credentials ("https://user:password@host", or the same without its scheme).
  const text = (JSON.stringify(data) ?? String(data))
    .replace(/\/\/[^\s"/]*@/g, '//***@')
    .replace(/(^"|[\s,[{:]")[^\s"/@:]+:[^\s"/]*@/g, '$1***:***@');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

export interface ValidateContext {
  file: string;
  rule?: string | undefined;
  source?: YamlSource | undefined;
  /** Prefix for field names when the value validated is nested (e.g. an alerter's options). */
  basePath?: readonly (string | number)[];
}

/** Validates and turns every error into a sentence a rule author can act on. */
export function validate(schema: Schema, value: unknown, ctx: ValidateContext): ConfigProblem[] {
  const fn = compile(schema);
  if (fn(value)) return [];
  const base = (ctx.basePath ?? []).map(String);
  const errors = fn.errors ?? [];
  const byPath = new Map<string, ErrorObject[]>();
  for (const error of errors) {
    const list = byPath.get(error.instancePath) ?? [];
    list.push(error);
    byPath.set(error.instancePath, list);
  }
  const problems: ConfigProblem[] = [];
  const at = (path: string[]): number | undefined => ctx.source?.lineOf([...base, ...path]);
  const name = (field: string): string =>
    [...base, field].filter(Boolean).reduce((acc, p) => (/^\d+$/.test(p) ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');

  for (const [instancePath, list] of byPath) {
    const { field, path } = fieldOf(instancePath);
    // Keys that are missing or unknown are reported on their own; all else once per value.
    for (const error of list) {
      if (error.keyword === 'additionalProperties') {
        const key = String((error.params as { additionalProperty: string }).additionalProperty);
        const known = Object.keys((error.parentSchema as Schema | undefined)?.properties ?? {});
        const guess = suggest(key, known);
        problems.push({
          file: ctx.file,
          line: at([...path, key]),
          rule: ctx.rule,
          field: name(field ? `${field}.${key}` : key),
          message: `unknown option${guess ? `; did you mean "${guess}"?` : ''}`,
        });
      } else if (error.keyword === 'required') {
        const key = String((error.params as { missingProperty: string }).missingProperty);
        problems.push({
          file: ctx.file,
          line: at(path),
          rule: ctx.rule,
          field: name(field ? `${field}.${key}` : key),
          message: 'is required',
        });
      }
    }
    // An `if` error only says its `then` failed; the `then` errors themselves are reported.
    const valueErrors = list.filter((e) => e.keyword !== 'additionalProperties' && e.keyword !== 'required' && e.keyword !== 'if');
    if (valueErrors.length === 0) continue;
    const duration = valueErrors.find((e) => e.keyword === 'x-duration');
    const union = valueErrors.find((e) => e.keyword === 'anyOf');
    const chosen = duration ?? union ?? valueErrors[0];
    if (!chosen) continue;
    const schema = chosen.parentSchema as Schema | undefined;
    const message = duration
      ? `${duration.message ?? 'invalid duration'}`
      : `expected ${schema ? describe(schema) : 'a valid value'}, got ${shown(chosen.data, schema)}`;
    problems.push({ file: ctx.file, line: at(path), rule: ctx.rule, field: name(field), message });
  }
  // Errors inside a union's branches repeat what the union error says.
  return dedupeNested(problems);
}

function dedupeNested(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.field}|${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
