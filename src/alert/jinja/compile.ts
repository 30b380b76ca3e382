/**
 * Compiling a template written by the rule author: parsed, checked (no tag that reads other files
 * or runs code from outside the template, no unknown filter or test), compiled once; every render
 * runs with the sandbox's runtime and the target's escape.
 */
import { CAPTURE_FILTER, templateFilters, templateTests } from './filters.ts';
import {
  compileTemplate,
  createEnvironment,
  eachNode,
  engineErrorMessage,
  parseTemplate,
  type CompiledTemplate,
  type TemplateNode,
} from './nunjucks.ts';
import { makeRuntime } from './sandbox.ts';
import { JinjaError, type JinjaTemplate } from './types.ts';

const env = createEnvironment(templateFilters, templateTests);

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

function checkNode(n: TemplateNode): void {
  const where = `line ${n.lineno + 1}`;
  const refused = REFUSED_NODES[n.typename];
  if (refused) throw new JinjaError(`${where}: ${refused} is not allowed in alert templates`);
  // super() reaches a parent template's block, and there is none: extends is refused.
  if (n.typename === 'FunCall' && (n['name'] as TemplateNode | undefined)?.['value'] === 'super')
    throw new JinjaError(`${where}: super() is not allowed in alert templates`);
  if (n.typename === 'Filter') {
    const filterName = (n['name'] as TemplateNode | undefined)?.['value'];
    if (typeof filterName !== 'string' || filterName === CAPTURE_FILTER || !Object.hasOwn(templateFilters, filterName))
      throw new JinjaError(`${where}: unknown filter ${String(filterName)}`);
  }
  if (n.typename === 'Is') {
    const right = n['right'] as TemplateNode | undefined;
    const testName = right?.typename === 'FunCall' ? (right['name'] as TemplateNode | undefined)?.['value'] : right?.['value'];
    if (typeof testName !== 'string' || !Object.hasOwn(templateTests, testName))
      throw new JinjaError(`${where}: unknown test ${String(testName)}`);
  }
}

/**
 * Compiles a template written by the rule author. `name` is shown in errors. Never call this
 * with text that came from a document.
 */
export function compileJinja(source: string, name: string): JinjaTemplate {
  // Jinja normalises line ends and drops one trailing newline (keep_trailing_newline=False).
  const src = source.replace(/\r\n?/g, '\n').replace(/\n$/, '');
  let compiled: CompiledTemplate;
  try {
    const ast = parseTemplate(src);
    eachNode(ast, checkNode);
    compiled = compileTemplate(ast, name, env, CAPTURE_FILTER);
  } catch (error) {
    const detail = engineErrorMessage(error);
    throw new JinjaError(`${name}: ${detail}`, detail);
  }
  return {
    render(context, escape = (v) => v) {
      const ctx = Object.create(null) as Record<string, unknown>;
      // A key "__proto__" would become the context's prototype when Nunjucks copies it.
      for (const [k, v] of Object.entries(context)) if (k !== '__proto__') ctx[k] = v;
      try {
        return compiled.render(ctx, makeRuntime(escape));
      } catch (error) {
        throw new JinjaError(`${name}: ${engineErrorMessage(error)}`);
      }
    },
  };
}
