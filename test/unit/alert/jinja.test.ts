import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { compileJinja, compileRuleJinja, jinjaContext, JinjaError, renderRuleJinja, ruleJinjaTemplate } from '../../../src/alert/jinja.ts';
import { alertSubject, buildAlertText, matchText } from '../../../src/alert/text.ts';
import { makeRule } from '../ruletypes/fixtures.ts';

const jinjaRule = (options: Record<string, unknown>, name = 'SSH brute force') =>
  makeRule({ name }, { timeframe: undefined, num_events: undefined, alert_text_type: 'alert_text_jinja', ...options });
const wrap = (v: string) => `«${v}»`;
const slack = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const render = (source: string, context: Record<string, unknown> = {}, escape?: (v: string) => string) =>
  compileJinja(source, 'test').render(context, escape);

describe('Jinja alert text (ElastAlert2 alert_text_jinja)', () => {
  it('renders fields at top level and under _data (dotted names), rule settings by name', () => {
    const r = jinjaRule({
      alert_text: '{{ name }}: {{ user }} from {{ _data["source.ip"] }} on {{ host.name }} ({{ owner }})',
      owner: 'secops',
    });
    const fields = { user: 'bob', 'source.ip': '10.0.0.1', host: { name: 'web-1' } };
    expect(matchText(r, fields, 'ignored match string')).toBe('SSH brute force: bob from 10.0.0.1 on web-1 (secops)\n\n');
  });

  it('without alert_text (template from jinja_template_path) the rule name comes first, as ElastAlert2', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-jinja-'));
    try {
      writeFileSync(path.join(dir, 'alert.j2'), 'User {{ user }}\r\nline 2\n');
      const r = jinjaRule({ jinja_template_path: 'alert.j2' });
      compileRuleJinja(r, { baseDir: dir });
      expect(matchText(r, { user: 'bob' }, '')).toBe('SSH brute force\n\nUser bob\nline 2\n\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a relative jinja_template_path defaults to the working directory, as ElastAlert2', () => {
    const r = jinjaRule({ jinja_template_path: 'no-such-template-file.j2' });
    expect(() => compileRuleJinja(r)).toThrow(
      new RegExp(`cannot read ${path.resolve('no-such-template-file.j2').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`),
    );
  });

  it('prints values as Python does; undefined is empty', () => {
    expect(
      render('{{ n }}|{{ t }}|{{ f }}|{{ l }}|{{ d }}|{{ x }}|{{ x.y.z }}|{{ f1 }}', {
        n: null,
        t: true,
        f: false,
        l: ['a', 1],
        d: { k: 'v' },
        f1: 1.5,
      }),
    ).toBe("None|True|False|['a', 1]|{'k': 'v'}|||1.5");
  });

  it('drops one trailing newline and normalises line ends, as Jinja', () => {
    expect(render('a\r\nb\n')).toBe('a\nb');
    expect(render('a\n\n')).toBe('a\n');
  });

  it("supports Jinja's common str and dict methods, negative indexes and in", () => {
    const out = render(
      '{% for k, v in d.items() %}{{ k }}={{ v }};{% endfor %}|{{ d.get("zz") }}|{{ d.get("b") }}|{{ s.upper() }}|{{ s.split(",") }}|{{ l[-1] }}|{{ "b" in d }}|{{ "constructor" in d }}|{{ " x ".strip() }}|{{ "ab cd".title() }}',
      { d: { b: 1, c: 2 }, s: 'a,b', l: [1, 2, 3] },
    );
    expect(out).toBe("b=1;c=2;|None|1|A,B|['a', 'b']|3|True|False|x|Ab Cd");
  });

  it('filters work; text filters accept numbers as Jinja does; tojson is inert in HTML', () => {
    expect(
      render('{{ n|upper }}|{{ s|default("d") }}|{{ missing|default("d") }}|{{ l|join(", ") }}|{{ l|length }}|{{ v|tojson }}', {
        n: 5,
        s: 'x',
        l: ['a', 'b'],
        v: { b: '<x>', a: "it's" },
      }),
    ).toBe('5|x|d|a, b|2|{"a": "it\\u0027s", "b": "\\u003cx\\u003e"}');
  });
});

describe('Jinja context: a document field can never stand in for a rule setting', () => {
  const r = jinjaRule({
    alert_text: '',
    owner: 'secops',
    slack_webhook_url: 'https://hooks.slack.com/services/T/B/SECRET',
    smtp_auth_file: '/etc/auth.yaml',
    opsgenie_key: 'k',
    query_key: 'user',
  });
  const fields = { name: 'spoofed rule', owner: 'attacker', user: 'bob', rule: 'fake', _data: 'fake' };

  it('top-level names the rule defines mean the rule value; the document value is under _data', () => {
    expect(
      render(
        '{{ name }}|{{ owner }}|{{ _data.name }}|{{ _data.owner }}|{{ user }}|{{ rule.owner }}|{{ rule.name }}|{{ query_key }}',
        jinjaContext(r, fields),
      ),
    ).toBe('SSH brute force|secops|spoofed rule|attacker|bob|secops|SSH brute force|user');
  });

  it('rule and the root name cannot be replaced by document fields', () => {
    expect(render('{{ rule.type }}|{{ _data.user }}|{{ _data.rule }}', jinjaContext(r, fields))).toBe('frequency|bob|fake');
  });

  it('secrets are not shown to templates, at any depth', () => {
    expect(
      render('[{{ slack_webhook_url }}{{ rule.slack_webhook_url }}{{ smtp_auth_file }}{{ opsgenie_key }}]', jinjaContext(r, fields)),
    ).toBe('[]');
    const nested = jinjaRule({ alert_text: '', alert: [{ post: { http_post_url: 'https://u:p@hook', http_post_timeout: 5 } }] });
    expect(render('{{ rule.alert }}', jinjaContext(nested, {}))).toBe("[{'post': {'http_post_timeout': 5}}]");
  });

  it('jinja_root_name renames the match root; "rule" is refused', () => {
    const custom = jinjaRule({ alert_text: '{{ doc["a.b"] }}|{{ _data }}', jinja_root_name: 'doc' });
    expect(matchText(custom, { 'a.b': 1 }, '')).toBe('1|\n\n');
    expect(() => compileRuleJinja(jinjaRule({ alert_text: 'x', jinja_root_name: 'rule' }))).toThrow(/jinja_root_name cannot be "rule"/);
  });

  it('a "__proto__" field is plain data: it pollutes nothing and is readable under _data', () => {
    const hostile = JSON.parse('{"__proto__": {"polluted": "yes"}, "user": "bob"}') as Record<string, unknown>;
    expect(render('{{ polluted }}|{{ user.polluted }}|{{ _data["__proto__"].polluted }}|{{ user }}', jinjaContext(r, hostile))).toBe(
      '||yes|bob',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('rendering works on a copy: the match other alerters render is unchanged', () => {
    const match = { tags: ['b', 'a'] };
    render('{{ tags|sort }}{{ tags|reverse }}', jinjaContext(r, match));
    expect(match.tags).toEqual(['b', 'a']);
  });
});

describe('Jinja escaping per target', () => {
  it('every {{ }} value goes through escape; the template text never does; undefined stays empty', () => {
    expect(render('<!here> {{ user }} {{ n }} {{ missing }}!', { user: '<!channel>', n: 3 }, wrap)).toBe('<!here> «<!channel>» «3» !');
  });

  it("with a Slack escape the rule's <!here> stays a mention, a value's <!channel> does not", () => {
    const r = jinjaRule({ alert_text: '<!here> {{ user }} logged in', alert_subject: '<!here> {{ user }}' });
    const out = buildAlertText(r, { user: '<!channel>' }, '', { escape: slack });
    expect(out.body).toBe('<!here> &lt;!channel&gt; logged in\n\n');
    expect(out.subject).toBe('<!here> &lt;!channel&gt;');
  });

  it('document values are never compiled: {{ 7*7 }}, {% %} and }} render as written', () => {
    expect(render('{{ a }}|{{ b }}|{{ c }}', { a: '{{ 7*7 }}', b: '{% include "/etc/passwd" %}', c: '}}' })).toBe(
      '{{ 7*7 }}|{% include "/etc/passwd" %}|}}',
    );
  });

  it('|safe does not turn escaping off; |e HTML-escapes as Jinja and the target escape still applies', () => {
    expect(render('{{ v|safe }}|{{ v|e }}|{{ v|escape|safe }}', { v: '<a>' }, slack)).toBe('&lt;a&gt;|&amp;lt;a&amp;gt;|&amp;lt;a&amp;gt;');
  });

  it('set blocks and macros are rendered output: not escaped twice; a filter over them escapes again (safe side)', () => {
    const out = render(
      '{% set x %}<b>{{ v }}</b>{% endset %}{{ x }}|{% macro m(a) %}<i>{{ a }}</i>{% endmacro %}{{ m(v) }}|{{ m(v)|upper }}|{% call m("c") %}{% endcall %}',
      { v: '<x>' },
      slack,
    );
    expect(out).toBe('<b>&lt;x&gt;</b>|<i>&lt;x&gt;</i>|&lt;I&gt;&amp;LT;X&amp;GT;&lt;/I&gt;|<i>c</i>');
  });

  it('a builtin filter cannot mark a value safe (its copy of "safeness" is dropped)', () => {
    expect(render('{% macro m() %}{% endmacro %}{{ m()|replace("", v) }}', { v: '<!channel>' }, slack)).not.toContain('<!channel>');
  });
});

describe('Jinja sandbox', () => {
  const escapes = [
    '{{ "".constructor.constructor("return process")() }}',
    '{{ range.constructor("return process")() }}',
    '{{ [].constructor.constructor("return process")() }}',
    '{{ ({}).constructor.constructor("return process")() }}',
    '{{ "".upper.constructor("return process")() }}',
    '{{ cycler.constructor("return process")() }}',
    '{% macro m() %}{% endmacro %}{{ m.constructor("return process")() }}',
    '{{ r/x/.exec.constructor("return process")() }}',
    '{{ "".__proto__.constructor.constructor("return process")() }}',
    '{{ x.__class__.__mro__[1].__subclasses__() }}',
    '{{ "".constructor.prototype.toString.call }}',
    '{{ d["constructor"]["constructor"]("return process")() }}',
    '{% set c = "constructor" %}{{ d[c][c]("return process")() }}',
    '{{ _data.constructor }}{{ rule.constructor }}{{ __proto__ }}{{ constructor }}{{ toString }}{{ valueOf }}',
  ];
  it.each(escapes)('%s finds nothing (empty, or refused with a JinjaError)', (source) => {
    let out = '';
    try {
      out = render(source, { d: { a: 1 }, _data: {}, rule: {} });
    } catch (error) {
      expect(error).toBeInstanceOf(JinjaError);
      return;
    }
    expect(out).toBe('');
  });

  it.each([
    ['{% include "/etc/passwd" %}', /include is not allowed/],
    ['{% extends "base.html" %}', /extends is not allowed/],
    ['{% import "macros.html" as m %}', /import is not allowed/],
    ['{% from "macros.html" import m %}', /import is not allowed/],
    ['{{ x | constructor }}', /unknown filter constructor/],
    ['{% if x is constructor %}{% endif %}', /unknown test constructor/],
    ['{% for %}', /line 1, column \d+: unexpected token/],
  ])('refuses %s when the rule is compiled', (source, error) => {
    const r = jinjaRule({ alert_text: source });
    expect(() => compileRuleJinja(r)).toThrow(JinjaError);
    expect(() => compileRuleJinja(jinjaRule({ alert_text: source }))).toThrow(error);
    expect(() => compileRuleJinja(jinjaRule({ alert_text: source }))).toThrow(/rule "SSH brute force" \(test\.yaml\): alert_text: /);
  });

  it('range() is bounded', () => {
    expect(render('{{ range(3) }}|{{ range(5, 0, -2) }}')).toBe('[0, 1, 2]|[5, 3, 1]');
    expect(() => render('{{ range(100000000) }}')).toThrow(/range\(\) of more than/);
  });
});

describe('Jinja templates are compiled once per rule', () => {
  let dir = '';
  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'lw-jinja-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the same rule object reuses its template (the file is read once); a reloaded rule reads it again', () => {
    writeFileSync(path.join(dir, 't.j2'), 'v1 {{ a }}');
    const r = jinjaRule({ jinja_template_path: path.join(dir, 't.j2') });
    expect(renderRuleJinja(r, 'alert_text', { a: 1 })).toBe('v1 1');
    writeFileSync(path.join(dir, 't.j2'), 'v2 {{ a }}');
    expect(renderRuleJinja(r, 'alert_text', { a: 1 })).toBe('v1 1');
    expect(ruleJinjaTemplate(r, 'alert_text')).toBe(ruleJinjaTemplate(r, 'alert_text'));
    const reloaded = jinjaRule({ jinja_template_path: path.join(dir, 't.j2') });
    expect(renderRuleJinja(reloaded, 'alert_text', { a: 1 })).toBe('v2 1');
  });

  it('compileRuleJinja checks the subject too, and ignores rules that are not jinja', () => {
    expect(() => compileRuleJinja(jinjaRule({ alert_text: 'ok', alert_subject: '{% include "x" %}' }))).toThrow(
      /alert_subject: line 1: include is not allowed/,
    );
    expect(() => compileRuleJinja(makeRule({}, { alert_text: '{% include "x" %}' }))).not.toThrow();
  });
});

describe('a failing template does not swallow the alert', () => {
  it('the body says what failed and lists the fields (escaped); the subject falls back to the rule name', () => {
    const r = jinjaRule({ alert_text: '{{ 1 in user }}', alert_subject: '{{ 1 in user }}' });
    const out = buildAlertText(r, { user: 5 }, 'M', { escape: wrap });
    expect(out.subject).toBe('SSH brute force');
    expect(out.body).toMatch(
      /^SSH brute force\n\nThe alert text template failed: «rule "SSH brute force" \(test\.yaml\): alert_text: .*»\n\n«M»\n\n«user»: «5»\n$/,
    );
  });

  it('a Jinja subject is cut to alert_subject_max_len', () => {
    expect(alertSubject(jinjaRule({ alert_subject: '{{ a }}', alert_subject_max_len: 3 }), { a: 'abcdef' })).toBe('abc');
  });
});
