import { describe, expect, it } from '@jest/globals';
import { compileRule } from '../../../src/rules/compile.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import { executionAllowed, limitExecutionOf } from '../../../src/run/limit-execution.ts';

const rule = (limit: unknown): RuleDefinition =>
  ({ name: 'R', file: 'r.yaml', type: 'any', alert: [], options: { limit_execution: limit } }) as unknown as RuleDefinition;
const at = (iso: string): number => Date.parse(iso);

describe('limit_execution', () => {
  const weekdayMornings = limitExecutionOf(rule('0 9 * * 1-5'));

  it('runs at the first tick after the expression fired, once', () => {
    // Thursday 2026-03-05.
    expect(executionAllowed(weekdayMornings, at('2026-03-05T08:59:00Z'), at('2026-03-05T09:00:00Z'))).toBe(true);
    expect(executionAllowed(weekdayMornings, at('2026-03-05T09:00:00Z'), at('2026-03-05T09:01:00Z'))).toBe(false);
    expect(executionAllowed(weekdayMornings, at('2026-03-05T08:50:00Z'), at('2026-03-05T09:05:00Z'))).toBe(true);
  });

  it('does not run when the expression did not fire (a Saturday)', () => {
    expect(executionAllowed(weekdayMornings, at('2026-03-07T08:59:00Z'), at('2026-03-07T09:00:00Z'))).toBe(false);
  });

  it('without the option every tick runs', () => {
    expect(executionAllowed(limitExecutionOf(rule(undefined)), 0, 1)).toBe(true);
  });

  it('a malformed expression is a load problem naming the option', () => {
    const problems = compileRule(rule('every morning'), { root: '/tmp' }).problems;
    expect(problems.map((p) => `${p.field}: ${p.message}`).join('\n')).toMatch(
      /^limit_execution: "every morning" is not a cron expression/m,
    );
  });
});
