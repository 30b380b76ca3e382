import { ruleOptionError } from '../rules/problem.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { AnyRule } from './any.ts';
import { CardinalityRule } from './cardinality.ts';
import { ChangeRule } from './compare/change.ts';
import { ListRule } from './compare/list-rule.ts';
import { FlatlineRule } from './flatline.ts';
import { FrequencyRule } from './frequency.ts';
import { MetricAggregationRule } from './metric-aggregation.ts';
import { NewTermRule, type NewTermLimits } from './new-term.ts';
import { PercentageMatchRule } from './percentage-match.ts';
import { createSpikeAggregationRule } from './spike-aggregation.ts';
import { SpikeRule } from './spike.ts';
import type { AggregatingRuleType } from './aggregating.ts';
import type { RuleType } from './rule-type.ts';

export type { RuleType, StepResult } from './rule-type.ts';
export type { AggregatingRuleType } from './aggregating.ts';
export { documentBody, durationOptionMs, matchFields, queryKeyField } from './rule-type.ts';

/** Settings a caller (a backtest) gives a rule type beyond the rule's options. */
export interface RuleTypeSettings {
  newTerm?: NewTermLimits;
}

const IMPLEMENTED: Record<string, (rule: RuleDefinition, settings: RuleTypeSettings) => RuleType<unknown> | AggregatingRuleType<unknown>> =
  {
    any: (rule) => new AnyRule(rule),
    frequency: (rule) => new FrequencyRule(rule),
    spike: (rule) => new SpikeRule(rule),
    flatline: (rule) => new FlatlineRule(rule),
    new_term: (rule, settings) => new NewTermRule(rule, settings.newTerm),
    blacklist: (rule) => new ListRule(rule, 'blacklist'),
    whitelist: (rule) => new ListRule(rule, 'whitelist'),
    change: (rule) => new ChangeRule(rule),
    cardinality: (rule) => new CardinalityRule(rule),
    metric_aggregation: (rule) => new MetricAggregationRule(rule),
    spike_aggregation: (rule) => createSpikeAggregationRule(rule),
    percentage_match: (rule) => new PercentageMatchRule(rule),
  };

/** Why LogWarden cannot run a rule type, or undefined when it can. */
export function unimplementedTypeReason(type: string): string | undefined {
  if (Object.hasOwn(IMPLEMENTED, type)) return undefined;
  if (type.includes('.')) {
    // The type is said once, before its options: the user's next step is choosing a built-in type.
    return `${JSON.stringify(type)} is a custom Python rule type, which LogWarden cannot load; the nearest built-in ways are a filter with type any, frequency or flatline for counts, cardinality or metric_aggregation for distinct values and sums, new_term for first-seen values, change, blacklist or whitelist for compared values, spike for changes in rate`;
  }
  return `${JSON.stringify(type)} is not a known rule type; implemented: ${Object.keys(IMPLEMENTED).join(', ')}`;
}

/** The rule type for a rule; throws for types not implemented (including ElastAlert2's "module.Class" custom types). */
export function createRuleType(rule: RuleDefinition, settings: RuleTypeSettings = {}): RuleType<unknown> | AggregatingRuleType<unknown> {
  const create = Object.hasOwn(IMPLEMENTED, rule.type) ? IMPLEMENTED[rule.type] : undefined;
  if (create) return create(rule, settings);
  throw ruleOptionError(rule, 'type', unimplementedTypeReason(rule.type) ?? '', true);
}
