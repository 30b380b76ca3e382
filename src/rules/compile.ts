/**
 * compileRule: everything the engine builds from a rule before running it (templates, rule type,
 * query checks, aggregation, limit_execution, alerters with their parsed options), built once,
 * with every problem typed. Lint, the engine, test-rule and backtest all take rules through here,
 * so a rule that lints clean also starts, and the same rule is refused the same way everywhere.
 */
import path from 'node:path';
import { createAlerters } from '../../alerters/index.ts';
import type { Alerter, AlerterDeps } from '../../alerters/types.ts';
import { compileRuleJinja, JinjaError } from '../alert/jinja.ts';
import { silentLogger } from '../log.ts';
import { pipedQuery } from '../query/eql.ts';
import { createRuleType, type AggregatingRuleType, type RuleType } from '../ruletypes/index.ts';
import { limitExecutionOf } from '../run/limit-execution.ts';
import { aggregationOf } from '../suppress/aggregation.ts';
import { OptionError, type RuleProblem, type RuleProblemCode } from './problem.ts';
import type { RuleDefinition } from './types.ts';

export interface CompiledRule {
  rule: RuleDefinition;
  type: RuleType<unknown> | AggregatingRuleType<unknown>;
  /** Empty when compiled without alerters. */
  alerters: Alerter[];
}

export interface CompileOptions {
  /** The folder `rule.file` is relative to (a relative jinja_template_path is read next to the rule file). */
  root: string;
  /**
   * The alerters' dependencies, a factory that builds them (the Engine's: capture stand-ins, or
   * real alerters on its clock), or false to leave the alerters out (captured alerts need no
   * tokens or URLs). Default: built with a silent logger, only to check their options.
   */
  alerters?: AlerterDeps | false | ((rule: RuleDefinition) => Alerter[]);
}

/** `compiled` is there exactly when `problems` is empty. */
export interface CompileResult {
  compiled?: CompiledRule;
  problems: RuleProblem[];
}

const CHECK_ONLY: AlerterDeps = { log: silentLogger(), out: () => undefined };

export function compileRule(rule: RuleDefinition, options: CompileOptions): CompileResult {
  const problems: RuleProblem[] = [];
  const problem = (code: RuleProblemCode, field: string, message: string): void => {
    problems.push({ file: rule.file, rule: rule.name, field, code, message });
  };
  const attempt = <T>(code: RuleProblemCode, field: string, build: () => T): T | undefined => {
    try {
      return build();
    } catch (error) {
      if (error instanceof OptionError) problem(code, error.field, error.detail);
      else if (error instanceof JinjaError) problem(code, error.field ?? field, error.detail);
      // Not a rule problem the code knows how to name (a bug, or a library's error): reported whole.
      else problem(code, field, error instanceof Error ? error.message : String(error));
      return undefined;
    }
  };

  // Templates compile once here, so a broken one is reported before any alert needs it.
  attempt('template', 'alert_text', () => compileRuleJinja(rule, { baseDir: path.dirname(path.resolve(options.root, rule.file)) }));
  const type = attempt('rule_type', 'type', () => createRuleType(rule));
  const piped = attempt('rule_type', 'type', () => pipedQuery(rule));
  // EQL and ES|QL return documents: counting rule types and top counts would need query DSL.
  if (type && piped && (type.needs !== 'documents' || rule.options['top_count_keys'] !== undefined)) {
    const why = type.needs !== 'documents' ? `type "${rule.type}" (as configured) counts in Elasticsearch` : 'top_count_keys counts in Elasticsearch';
    problem('query', `filter.${piped.kind}`, `${why}, which needs query DSL; ${piped.kind} queries work with rules that read documents (any, or frequency without use_count_query/use_terms_query)`);
  }
  attempt('aggregation', 'aggregation', () => aggregationOf(rule));
  attempt('limit_execution', 'limit_execution', () => limitExecutionOf(rule));
  const deps = options.alerters ?? CHECK_ONLY;
  const alerters = deps === false ? [] : attempt('alerter', 'alert', () => (typeof deps === 'function' ? deps(rule) : createAlerters(rule, deps)));

  if (problems.length > 0 || !type || !alerters) {
    // Alerters may hold connections (SMTP, HTTP agents); a rule that will not run releases them.
    for (const alerter of alerters ?? []) void alerter.close?.()?.catch(() => undefined);
    return { problems };
  }
  return { compiled: { rule, type, alerters }, problems };
}
