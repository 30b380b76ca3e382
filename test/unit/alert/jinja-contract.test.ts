/**
 * The contract between our Jinja support and the Nunjucks version it was verified against.
 * src/alert/jinja/nunjucks.ts relies on more than Nunjucks' documented API (its parser, node
 * classes, compiler class and the names of the runtime functions the compiled code calls), and
 * the sandbox guarantees depend on it: if Nunjucks renamed `memberLookup`, our replacement would
 * silently stop applying and templates could reach constructors. When Nunjucks is upgraded this
 * test fails first: re-check every guarantee below against the new version, then update
 * VERIFIED_NUNJUCKS.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from '@jest/globals';
import { compileJinja } from '../../../src/alert/jinja.ts';
import { templateFilters, templateTests } from '../../../src/alert/jinja/filters.ts';
import { baseRuntime, builtinFilters, builtinTests } from '../../../src/alert/jinja/nunjucks.ts';

const VERIFIED_NUNJUCKS = '3.2.4';

const html = (s: string): string => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const render = (source: string, context: Record<string, unknown> = {}, escape?: (s: string) => string): string =>
  compileJinja(source, 't').render(context, escape);

describe('Nunjucks contract', () => {
  it(`is the version the contract was verified against (${VERIFIED_NUNJUCKS}), in package.json and installed`, () => {
    const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as {
      dependencies: Record<string, string>;
    };
    const installed = (createRequire(import.meta.url)('nunjucks/package.json') as { version: string }).version;
    expect(pkg.dependencies['nunjucks']).toBe(VERIFIED_NUNJUCKS);
    expect(installed).toBe(VERIFIED_NUNJUCKS);
  });

  it('the compiled code calls the runtime functions the sandbox replaces', () => {
    for (const name of ['memberLookup', 'contextOrFrameLookup', 'callWrap', 'inOperator', 'suppressValue', 'markSafe', 'makeMacro']) {
      expect(typeof baseRuntime[name]).toBe('function');
    }
    expect(typeof baseRuntime['SafeString']).toBe('function');
  });

  it('has the builtin filters and tests we offer; a new or removed one is a decision, not an upgrade side effect', () => {
    expect(Object.keys(builtinFilters).sort()).toEqual([
      'abs',
      'batch',
      'capitalize',
      'center',
      'd',
      'default',
      'dictsort',
      'dump',
      'e',
      'escape',
      'first',
      'float',
      'forceescape',
      'groupby',
      'indent',
      'int',
      'join',
      'last',
      'length',
      'list',
      'lower',
      'nl2br',
      'random',
      'reject',
      'rejectattr',
      'replace',
      'reverse',
      'round',
      'safe',
      'select',
      'selectattr',
      'slice',
      'sort',
      'string',
      'striptags',
      'sum',
      'title',
      'trim',
      'truncate',
      'upper',
      'urlencode',
      'urlize',
      'wordcount',
    ]);
    expect(
      Object.keys(templateFilters)
        .filter((f) => !Object.hasOwn(builtinFilters, f))
        .sort(),
    ).toEqual(['$rendered', 'tojson']);
    expect(Object.keys(builtinTests).sort()).toEqual([
      'callable',
      'defined',
      'divisibleby',
      'eq',
      'equalto',
      'escaped',
      'even',
      'falsy',
      'ge',
      'greaterthan',
      'gt',
      'iterable',
      'le',
      'lessthan',
      'lower',
      'lt',
      'mapping',
      'ne',
      'null',
      'number',
      'odd',
      'sameas',
      'string',
      'truthy',
      'undefined',
      'upper',
    ]);
    expect(Object.keys(templateTests).sort()).toEqual(Object.keys(builtinTests).sort());
  });
});

describe('sandbox guarantees on this Nunjucks', () => {
  it('refuses attribute access to constructors and prototypes', () => {
    for (const source of [
      '{{ "".constructor.constructor("return process")() }}',
      '{{ range.constructor("return process")() }}',
      '{{ d.__proto__ }}{{ d.constructor }}',
    ]) {
      let out: string | undefined;
      try {
        out = render(source, { d: {} });
      } catch (error) {
        expect(String(error)).toMatch(/is not callable/);
      }
      if (out !== undefined) expect(out).toBe('');
    }
  });

  it('refuses include, extends, import and super() when compiling', () => {
    expect(() => render('{% include "x" %}')).toThrow(/include is not allowed/);
    expect(() => render('{% extends "x" %}')).toThrow(/extends is not allowed/);
    expect(() => render('{% import "x" as y %}')).toThrow(/import is not allowed/);
    expect(() => render('{% block b %}{{ super() }}{% endblock %}')).toThrow(/super\(\) is not allowed/);
    expect(() => render('{{ x | $rendered }}')).toThrow();
  });

  it('escapes every value the template outputs and never its own text; |safe cannot turn that off', () => {
    expect(render('<b>{{ v }}</b>{{ v|safe }}', { v: '<i>' }, html)).toBe('<b>&lt;i&gt;</b>&lt;i&gt;');
  });

  it('does not escape the output of a set block or a macro twice, and renders blocks in place', () => {
    expect(
      render(
        '{% set x %}<b>{{ v }}</b>{% endset %}{{ x }}|{% macro m(a) %}<i>{{ a }}</i>{% endmacro %}{{ m(v) }}|{% block k %}[{{ v }}]{% endblock %}',
        { v: '<&>' },
        html,
      ),
    ).toBe('<b>&lt;&amp;&gt;</b>|<i>&lt;&amp;&gt;</i>|[&lt;&amp;&gt;]');
  });

  it("writes Jinja's |e and |tojson, and Python's str() of values", () => {
    expect(
      render(`{{ v|e }}|{{ d|tojson }}|{{ n }} {{ t }} {{ l }}`, { v: `"'<`, d: { b: "<'>", a: 1 }, n: null, t: true, l: [1, 'a'] }),
    ).toBe(`&#34;&#39;&lt;|{"a": 1, "b": "\\u003c\\u0027\\u003e"}|None True [1, 'a']`);
  });
});
