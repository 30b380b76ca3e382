/**
 * Typed rule problems. Whatever checks a rule (its rule type, templates, aggregation, alerters)
 * throws an OptionError naming the option, so lint, the engine and test-rule report
 * {file, rule, field, code, message} without reading it back out of a sentence.
 */
import type { ConfigProblem } from '../config/errors.ts';
import { OptionError } from '../config/option-error.ts';
import type { RuleDefinition } from './types.ts';

export { OptionError };

/** Which part of a rule a problem is in; test-rule and backtest skip `alerter` problems (alerts are captured). */
export type RuleProblemCode = 'template' | 'rule_type' | 'query' | 'aggregation' | 'limit_execution' | 'alerter';

export interface RuleProblem extends ConfigProblem {
  rule: string;
  field: string;
  code: RuleProblemCode;
}

/**
 * An OptionError whose message names the rule as rule types write it: `rule "x" (file): field:
 * detail`, or with `sentence` `rule "x" (file): field detail` ("timeframe must be greater than 0").
 */
export function ruleOptionError(rule: Pick<RuleDefinition, 'name' | 'file'>, field: string, detail: string, sentence = false): OptionError {
  return new OptionError(field, detail, `rule ${JSON.stringify(rule.name)} (${rule.file}): ${field}${sentence ? ' ' : ': '}${detail}`);
}
