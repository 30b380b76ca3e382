/**
 * Values as templates hold them: the template's own rendered output (already escaped), and the
 * set of functions a template may call.
 */
import { pyStr } from '../../pycompat/index.ts';

/** Output the template itself produced (a macro's or caller's result, a {% set %} block): already escaped. */
export class RenderedOutput {
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

/** The only functions a template may call: its macros, the str/dict methods and the globals. */
export const callables = new WeakSet<object>();
export function callable<F extends (...args: never[]) => unknown>(fn: F): F {
  callables.add(fn);
  return fn;
}

export function plain(value: unknown): unknown {
  return value instanceof RenderedOutput ? value.text : value;
}
export function text(value: unknown): string {
  const v = plain(value);
  return typeof v === 'string' ? v : v === undefined ? '' : pyStr(v);
}
