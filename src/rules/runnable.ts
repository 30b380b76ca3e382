import path from 'node:path';
import { createAlerters } from '../../alerters/index.ts';
import { compileRuleJinja } from '../alert/jinja.ts';
import type { ConfigProblem } from '../config/errors.ts';
import { silentLogger } from '../log.ts';
import { pipedQuery } from '../query/eql.ts';
import { createRuleType } from '../ruletypes/index.ts';
import { limitExecutionOf } from '../run/limit-execution.ts';
import { aggregationOf } from '../suppress/aggregation.ts';
import type { RuleDefinition } from './types.ts';

/** Strips the "where" that rule types and alerters put in front of their messages; ConfigProblem carries it. */
function problemFrom(rule: RuleDefinition, error: unknown, fallbackField: string): ConfigProblem {
  let message = error instanceof Error ? error.message : String(error);
  for (const prefix of [`rule ${JSON.stringify(rule.name)} (${rule.file}): `, `${rule.file}: rule ${JSON.stringify(rule.name)}: `]) {
    if (message.startsWith(prefix)) message = message.slice(prefix.length);
  }
  const field = /^([a-z_][a-z0-9_.]*): /.exec(message);
  if (field?.[1]) return { file: rule.file, rule: rule.name, field: field[1], message: message.slice(field[0].length) };
  // "timeframe must be greater than 0": a sentence that starts with the option it is about.
  const named = /^([a-z_][a-z0-9_]*) /.exec(message);
  if (named?.[1] && Object.hasOwn(rule.options, named[1])) {
    return { file: rule.file, rule: rule.name, field: named[1], message: message.slice(named[0].length) };
  }
  return { file: rule.file, rule: rule.name, field: fallbackField, message };
}

/**
 * What the engine checks when it takes a rule on (its rule type's options, its alerters),
 * without Elasticsearch: lint reports the same, so a rule that lints clean also starts.
 * `root` is the folder `rule.file` is relative to.
 */
export function runnableProblems(rule: RuleDefinition, root: string): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  try {
    // Templates compile once here, so a broken one is reported before any alert needs it.
    compileRuleJinja(rule, { baseDir: path.dirname(path.resolve(root, rule.file)) });
  } catch (error) {
    problems.push(problemFrom(rule, error, 'alert_text'));
  }
  try {
    const ruleType = createRuleType(rule);
    const piped = pipedQuery(rule);
    // EQL and ES|QL return documents: counting rule types and top counts would need query DSL.
    if (piped && (ruleType.needs !== 'documents' || rule.options['top_count_keys'] !== undefined)) {
      const why = ruleType.needs !== 'documents' ? `type "${rule.type}" (as configured) counts in Elasticsearch` : 'top_count_keys counts in Elasticsearch';
      problems.push({ file: rule.file, rule: rule.name, field: `filter.${piped.kind}`, message: `${why}, which needs query DSL; ${piped.kind} queries work with rules that read documents (any, or frequency without use_count_query/use_terms_query)` });
    }
  } catch (error) {
    problems.push(problemFrom(rule, error, 'type'));
  }
  try {
    aggregationOf(rule);
  } catch (error) {
    problems.push(problemFrom(rule, error, 'aggregation'));
  }
  try {
    limitExecutionOf(rule);
  } catch (error) {
    problems.push(problemFrom(rule, error, 'limit_execution'));
  }
  try {
    createAlerters(rule, { log: silentLogger(), out: () => undefined });
  } catch (error) {
    problems.push(problemFrom(rule, error, 'alert'));
  }
  return problems;
}
