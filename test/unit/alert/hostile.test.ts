import { describe, expect, it } from '@jest/globals';
import { buildAlertText } from '../../../src/alert/text.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import { HOSTILE_VALUES, htmlActiveMarkup, slackActiveMarkup } from '../../support/hostile.ts';
import { makeRule } from '../ruletypes/fixtures.ts';

// Reference escapes of the kind alerters pass to render(); the rule texts below use none of the
// characters they escape, so anything active in the output came from the document.
const html = (v: string) =>
  v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#39;');
const slack = (v: string) => v.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const header = (v: string) => v.replace(/[\r\n\u2028\u2029\u0085]+/g, ' ');

const base = { timeframe: undefined, num_events: undefined };
const shapes: { name: string; rule: RuleDefinition }[] = [
  { name: 'no alert_text (name, match string, field lines)', rule: makeRule({ name: 'Hostile test' }, { ...base }) },
  {
    name: 'alert_text_args and alert_subject_args',
    rule: makeRule(
      { name: 'Hostile test' },
      {
        ...base,
        alert_text: 'User {0} / {0!r} / {1:>3}',
        alert_text_args: ['v', 'n'],
        alert_subject: 'Alert for {0}',
        alert_subject_args: ['v'],
      },
    ),
  },
  { name: 'alert_text_kw', rule: makeRule({ name: 'Hostile test' }, { ...base, alert_text: 'User {u}', alert_text_kw: { v: 'u' } }) },
  { name: 'top counts', rule: makeRule({ name: 'Hostile test' }, { ...base, top_count_keys: ['v'] }) },
  {
    name: 'Jinja',
    rule: makeRule(
      { name: 'Hostile test' },
      {
        ...base,
        alert_text_type: 'alert_text_jinja',
        alert_text:
          'User {{ v }} {{ _data.v|upper }} {{ v|e }} {{ v|safe }} {{ v|tojson }} {% for k, x in _data.items() %}{{ k }}={{ x }} {% endfor %}',
        alert_subject: 'Alert for {{ v }}',
      },
    ),
  },
  { name: 'email title with query_key', rule: makeRule({ name: 'Hostile test', queryKey: ['v'] }, { ...base }) },
];

function fieldsWith(value: string): Record<string, unknown> {
  return { v: value, n: 7, [value]: 'as a field name', nested: { [value]: [value] }, top_events_v: { [value]: 3 } };
}

describe.each(shapes)('hostile values through buildAlertText: $name', ({ rule }) => {
  it.each(HOSTILE_VALUES.map((h) => [h.name, h] as const))('%s', (_name, hostile) => {
    const fields = fieldsWith(hostile.value);
    const matchString = `Match on ${hostile.value}`;
    const defaultTitle = rule.queryKey ? 'email' : 'plain';

    const forHtml = buildAlertText(rule, fields, matchString, { escape: html, defaultTitle });
    expect(htmlActiveMarkup(forHtml.body)).toEqual([]);
    expect(htmlActiveMarkup(forHtml.subject)).toEqual([]);

    const forSlack = buildAlertText(rule, fields, matchString, { escape: slack, defaultTitle });
    expect(slackActiveMarkup(forSlack.body)).toEqual([]);
    expect(slackActiveMarkup(forSlack.subject)).toEqual([]);

    const forHeader = buildAlertText(rule, fields, matchString, { escape: header, defaultTitle });
    expect(forHeader.subject).not.toMatch(/[\r\n]/);

    // Inserted as written, never expanded: the escaped value is there verbatim (format fields,
    // Jinja syntax and ${...} included), and a template expression was not evaluated.
    if (hostile.value !== '') expect(forSlack.body).toContain(slack(hostile.value));
    if (hostile.name === 'jinja-expr') expect(forSlack.body).not.toContain('49');
    // No shape falls back: a Jinja template must render whatever the value.
    expect(forSlack.body).not.toContain('template failed');
  });
});

describe('the corpus itself', () => {
  it('has unique names and a reason for each value', () => {
    const names = HOSTILE_VALUES.map((h) => h.name);
    expect(new Set(names).size).toBe(names.length);
    for (const h of HOSTILE_VALUES) expect(h.why.length).toBeGreaterThan(10);
    expect(HOSTILE_VALUES.find((h) => h.name === 'big')?.value.length).toBeGreaterThanOrEqual(100 * 1024 - 10);
  });

  it('the predicates see active markup in raw values', () => {
    expect(slackActiveMarkup('<!channel>')).not.toEqual([]);
    expect(slackActiveMarkup('&lt;!channel&gt; &amp;')).toEqual([]);
    expect(htmlActiveMarkup('"><img src=x>')).not.toEqual([]);
    expect(htmlActiveMarkup('&quot;&gt;&lt;img&#39;')).toEqual([]);
  });
});
