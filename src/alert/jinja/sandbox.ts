/**
 * The runtime a template runs with: Nunjucks' own, with name and attribute lookups, calls, `in`
 * and output replaced, so that templates see plain data only and every value they output goes
 * through the target's escape.
 */
import { isPlainObject } from '../../pycompat/index.ts';
import { DICT_METHODS, STRING_METHODS, boundMethod } from './methods.ts';
import { baseRuntime, makeEngineMacro, type EngineContext, type EngineFrame } from './nunjucks.ts';
import { JinjaError } from './types.ts';
import { RenderedOutput, callable, callables, plain, text } from './values.ts';

/** `range()` larger than this is refused, so a template cannot loop for ever. */
const MAX_RANGE = 10_000;

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
export function memberLookup(object: unknown, rawKey: unknown): unknown {
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
function contextOrFrameLookup(context: EngineContext, frame: EngineFrame, name: string): unknown {
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
      if (![start, stop, step].every(Number.isInteger) || step === 0)
        throw new JinjaError('range() needs whole numbers and a step other than 0');
      const count = Math.max(0, Math.ceil((stop - start) / step));
      if (count > MAX_RANGE) throw new JinjaError(`range() of more than ${MAX_RANGE} items`);
      return Array.from({ length: count }, (_, i) => start + i * step);
    }),
  }),
);

/** Our runtime for one render: Nunjucks' own, with lookups, calls and output replaced. */
export function makeRuntime(escape: (value: string) => string): Record<string, unknown> {
  return {
    ...baseRuntime,
    memberLookup,
    contextOrFrameLookup,
    callWrap,
    inOperator,
    SafeString: RenderedOutput,
    markSafe: (value: unknown) => (value instanceof RenderedOutput ? value : new RenderedOutput(value)),
    makeMacro: (argNames: unknown, kwargNames: unknown, func: unknown) => callable(makeEngineMacro(argNames, kwargNames, func)),
    // Every {{ }} output: the template's own rendered output as is, any other value as Python's
    // str() shows it, through the target's escape. Undefined is empty, as Jinja's Undefined.
    suppressValue: (value: unknown) => {
      if (value instanceof RenderedOutput) return value.text;
      if (value === undefined || typeof value === 'function') return '';
      return escape(text(value));
    },
  };
}
