import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { compileRule } from '../../../src/rules/compile.ts';
import type { RuleProblem } from '../../../src/rules/problem.ts';
import { makeRule } from '../ruletypes/fixtures.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'logwarden-compile-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const typed = (problems: readonly RuleProblem[]): string[] => problems.map((p) => `${p.code} ${p.field}: ${p.message}`);

describe('compileRule', () => {
  it('builds the rule type and the alerters once for a rule that is fine', () => {
    const { compiled, problems } = compileRule(makeRule({ alert: [{ type: 'debug', options: {} }] }), { root: dir });
    expect(problems).toEqual([]);
    expect(compiled?.type.needs).toBe('documents');
    expect(compiled?.alerters.map((a) => a.type)).toEqual(['debug']);
    expect(compileRule(makeRule({ alert: [{ type: 'debug', options: {} }] }), { root: dir, alerters: false }).compiled?.alerters).toEqual([]);
  });

  it('names file, rule, option and part of the rule, with the message alone', () => {
    const { compiled, problems } = compileRule(makeRule({}, { timeframe: 0 }), { root: dir });
    expect(compiled).toBeUndefined();
    expect(problems).toEqual([{ file: 'test.yaml', rule: 'Test rule', field: 'timeframe', code: 'rule_type', message: 'must be greater than 0' }]);
  });

  it('names a missing required option (its sentence no longer hides which option it is)', () => {
    expect(typed(compileRule(makeRule({ type: 'spike' }, { timeframe: 60_000, spike_type: 'up' }), { root: dir }).problems)).toEqual(['rule_type spike_height: is required']);
    expect(typed(compileRule(makeRule({ type: 'new_term' }, {}), { root: dir }).problems)).toEqual(['rule_type fields: new_term needs fields (or query_key, which it uses when fields is not set)']);
    expect(typed(compileRule(makeRule({ type: 'new_term' }, { fields: ['a', ['b', 7]] }), { root: dir }).problems)).toEqual(['rule_type fields[1][1]: expected a field name, got 7']);
  });

  it('reports every part that is wrong, each with its code', () => {
    const rule = makeRule(
      { alert: [{ type: 'no_such_alerter', options: {} }] },
      { timeframe: -1, aggregation: { schedule: 'never' }, limit_execution: 'nope', alert_text_type: 'alert_text_jinja', alert_text: '{{ x' },
    );
    const problems = compileRule(rule, { root: dir }).problems;
    expect(problems.map((p) => `${p.code} ${p.field}`)).toEqual(['template alert_text', 'rule_type timeframe', 'aggregation aggregation', 'limit_execution limit_execution', 'alerter alert']);
    expect(problems[0]?.message).toMatch(/expected variable end/);
    expect(problems[3]?.message).toMatch(/^"nope" is not a cron expression/);
    expect(problems[4]?.message).toMatch(/^the "no_such_alerter" alerter is not available: /);
  });

  it("types an alerter's option problem with the option, so test-rule can run with captured alerts", () => {
    const problems = compileRule(makeRule({ alert: [{ type: 'slack', options: {} }] }), { root: dir }).problems;
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'alerter', field: 'slack_webhook_url' });
    expect(compileRule(makeRule({ alert: [{ type: 'slack', options: {} }] }), { root: dir, alerters: false }).problems).toEqual([]);
  });

  it('reads jinja_template_path next to the rule file and names it when it is broken', () => {
    writeFileSync(path.join(dir, 'ok.j2'), 'Hello {{ user }}');
    const jinja = { alert_text_type: 'alert_text_jinja' };
    expect(compileRule(makeRule({}, { ...jinja, jinja_template_path: 'ok.j2' }), { root: dir }).problems).toEqual([]);
    writeFileSync(path.join(dir, 'bad.j2'), '{% include "x" %}');
    expect(typed(compileRule(makeRule({}, { ...jinja, jinja_template_path: 'bad.j2' }), { root: dir }).problems)).toEqual(['template jinja_template_path: bad.j2: line 1: include is not allowed in alert templates']);
    const missing = compileRule(makeRule({}, { ...jinja, jinja_template_path: 'gone.j2' }), { root: dir }).problems;
    expect(missing).toMatchObject([{ code: 'template', field: 'jinja_template_path' }]);
    expect(missing[0]?.message).toMatch(/^"gone\.j2": cannot read /);
    expect(typed(compileRule(makeRule({}, { ...jinja, alert_text: 'x', jinja_root_name: 'rule' }), { root: dir }).problems)).toEqual(['template jinja_root_name: cannot be "rule": templates read the rule\'s settings there']);
  });
});
