/**
 * The only file that knows Nunjucks. Its public API cannot change how values are output or
 * looked up, so a template is parsed here, checked by the caller, compiled to Nunjucks' own code
 * and run with a runtime the caller supplies per render (see sandbox.ts). What this relies on
 * beyond `Environment` and `Template` (the parser, node classes, the compiler class, the runtime
 * object the compiled code calls, the precompiled `{type: 'code'}` template form) is pinned by
 * test/unit/alert/jinja-contract.test.ts to the Nunjucks version in package.json.
 */
import { createRequire } from 'node:module';

/** A node of Nunjucks' template syntax tree. */
export interface TemplateNode {
  readonly typename: string;
  readonly fields: readonly string[];
  readonly lineno: number;
  readonly colno: number;
  [field: string]: unknown;
}
/** What the compiled code passes to the runtime's name lookup. */
export interface EngineContext {
  ctx: Record<string, unknown>;
}
export interface EngineFrame {
  lookup(name: string): unknown;
}
type Fn = (...args: unknown[]) => unknown;
type RootFunction = (env: unknown, context: unknown, frame: unknown, runtime: unknown, cb: (err: unknown, res: unknown) => void) => void;
interface NjEnvironment {
  filters: Record<string, unknown>;
  tests: Record<string, unknown>;
  globals: Record<string, unknown>;
}
type NodeClass = new (lineno: number, colno: number, ...fields: unknown[]) => TemplateNode;
interface Nunjucks {
  Environment: new (loaders: unknown[], opts: object) => NjEnvironment;
  Template: new (src: { type: 'code'; obj: Record<string, unknown> }, env: unknown, path: string) => { render(ctx: object): string };
  parser: { parse(src: string, extensions: unknown[], opts: object): TemplateNode };
  compiler: { Compiler: new (name: string, throwOnUndefined: boolean) => { compile(node: TemplateNode): void; getCode(): string } };
  nodes: { Filter: NodeClass; Symbol: NodeClass; NodeList: NodeClass };
  runtime: Record<string, unknown> & {
    SafeString: new (value: string) => object;
    makeMacro: (argNames: unknown, kwargNames: unknown, func: unknown) => Fn;
  };
}

const nj = createRequire(import.meta.url)('nunjucks') as Nunjucks;

/** Lexer options as Jinja's defaults (no trim_blocks, no lstrip_blocks). */
const PARSE_OPTS = { trimBlocks: false, lstripBlocks: false, autoescape: false, throwOnUndefined: false };

const builtins = new nj.Environment([], { autoescape: false, throwOnUndefined: false });
/** Nunjucks' builtin filters and tests, by name. */
export const builtinFilters: Readonly<Record<string, unknown>> = { ...builtins.filters };
export const builtinTests: Readonly<Record<string, unknown>> = { ...builtins.tests };

/** The runtime the compiled code calls; callers replace parts of it per render. */
export const baseRuntime: Readonly<Record<string, unknown>> = nj.runtime;

/** Whether a builtin filter marked its output "safe" (Nunjucks' own mark, not ours). */
export function isEngineSafeString(value: unknown): boolean {
  return value instanceof nj.runtime.SafeString;
}

export function makeEngineMacro(argNames: unknown, kwargNames: unknown, func: unknown): Fn {
  return nj.runtime.makeMacro(argNames, kwargNames, func);
}

export function parseTemplate(source: string): TemplateNode {
  return nj.parser.parse(source, [], PARSE_OPTS);
}

/** An environment with exactly these filters and tests, and no globals (names resolve through the runtime). */
export function createEnvironment(filters: Readonly<Record<string, unknown>>, tests: Readonly<Record<string, unknown>>): unknown {
  const env = new nj.Environment([], { autoescape: false, throwOnUndefined: false });
  env.filters = Object.assign(Object.create(null) as Record<string, unknown>, filters);
  env.tests = Object.assign(Object.create(null) as Record<string, unknown>, tests);
  env.globals = Object.create(null) as Record<string, unknown>;
  return env;
}

function walk(node: unknown, visit: (node: TemplateNode) => void): void {
  if (node === null || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const child of node) walk(child, visit);
    return;
  }
  const n = node as TemplateNode;
  if (typeof n.typename !== 'string' || !Array.isArray(n.fields)) return;
  visit(n);
  for (const field of n.fields) walk(n[field], visit);
}

/** Every node of the tree, parents first. */
export function eachNode(ast: TemplateNode, visit: (node: TemplateNode) => void): void {
  walk(ast, visit);
}

/**
 * Passes the output of every `{% set x %}...{% endset %}` block through the filter `filter`, so
 * the caller can mark it as rendered (already escaped) output.
 */
function markCaptures(ast: TemplateNode, filter: string): void {
  walk(ast, (node) => {
    const body = node.typename === 'Set' ? (node['body'] as TemplateNode | null | undefined) : undefined;
    if (!body || body.typename !== 'Capture') return;
    const name = new nj.nodes.Symbol(body.lineno, body.colno, filter);
    node['body'] = new nj.nodes.Filter(body.lineno, body.colno, name, new nj.nodes.NodeList(body.lineno, body.colno, [body]));
  });
}

export interface CompiledTemplate {
  /** Renders with `runtime` in place of Nunjucks' own for this call. Synchronous. */
  render(context: Record<string, unknown>, runtime: Readonly<Record<string, unknown>>): string;
}

/**
 * Compiles a parsed template. `captureFilter` names a filter of `env` that every {% set %} block's
 * output goes through. Nunjucks' async transformer is not run: async filters and extension tags,
 * the only things it rewrites, are refused before this, and so is `extends` (which `super()` needs).
 */
export function compileTemplate(ast: TemplateNode, name: string, env: unknown, captureFilter: string): CompiledTemplate {
  markCaptures(ast, captureFilter);
  const compiler = new nj.compiler.Compiler(name, false);
  compiler.compile(ast);
  // The code is Nunjucks' own output for the rule's template, run as Nunjucks itself runs it.
  const props = new Function(compiler.getCode())() as Record<string, unknown>;
  let active: Readonly<Record<string, unknown>> | undefined;
  // Each entry point (root and blocks) is run with the caller's runtime instead of the global one.
  const wrapped: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(props)) {
    wrapped[key] =
      typeof value !== 'function'
        ? value
        : (e: unknown, c: unknown, f: unknown, _runtime: unknown, cb: unknown) =>
            (value as RootFunction)(e, c, f, active, cb as (err: unknown, res: unknown) => void);
  }
  const template = new nj.Template({ type: 'code', obj: wrapped }, env, name);
  return {
    render(context, runtime) {
      active = runtime;
      try {
        return template.render(context);
      } finally {
        active = undefined;
      }
    },
  };
}

/** An error Nunjucks threw as "line L, column C: message" (its own wording is multi-line and names the template). */
export function engineErrorMessage(error: unknown): string {
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
