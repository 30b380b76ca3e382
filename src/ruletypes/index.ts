import type { RuleDefinition } from '../rules/types.ts';
import { AnyRule } from './any.ts';
import { CardinalityRule } from './cardinality.ts';
import { ChangeRule } from './compare/change.ts';
import { ListRule } from './compare/list-rule.ts';
import { FlatlineRule } from './flatline.ts';
import { FrequencyRule } from './frequency.ts';
import { MetricAggregationRule } from './metric-aggregation.ts';
import { NewTermRule } from './new-term.ts';
import { PercentageMatchRule } from './percentage-match.ts';
import { createSpikeAggregationRule } from './spike-aggregation.ts';
import { SpikeRule } from './spike.ts';
import type { AggregatingRuleType } from './aggregating.ts';
import type { RuleType } from './rule-type.ts';

export type { RuleType, StepResult } from './rule-type.ts';
export type { AggregatingRuleType } from './aggregating.ts';
export type { ListPushDown } from './compare/list-rule.ts';
export { documentBody, durationOptionMs, matchFields, queryKeyField } from './rule-type.ts';
export { lookupField, queryKeyValue, formatEsTimestamp } from './fields.ts';

const IMPLEMENTED: Record<string, (rule: RuleDefinition) => RuleType<unknown> | AggregatingRuleType<unknown>> = {
  any: (rule) => new AnyRule(rule),
  frequency: (rule) => new FrequencyRule(rule),
  spike: (rule) => new SpikeRule(rule),
  flatline: (rule) => new FlatlineRule(rule),
  new_term: (rule) => new NewTermRule(rule),
  blacklist: (rule) => new ListRule(rule, 'blacklist'),
  whitelist: (rule) => new ListRule(rule, 'whitelist'),
  change: (rule) => new ChangeRule(rule),
  cardinality: (rule) => new CardinalityRule(rule),
  metric_aggregation: (rule) => new MetricAggregationRule(rule),
  spike_aggregation: (rule) => createSpikeAggregationRule(rule),
  percentage_match: (rule) => new PercentageMatchRule(rule),
};

/** The rule type for a rule; throws for types not implemented (including ElastAlert2's "module.Class" custom types). */
export function createRuleType(rule: RuleDefinition): RuleType<unknown> | AggregatingRuleType<unknown> {
  const create = Object.hasOwn(IMPLEMENTED, rule.type) ? IMPLEMENTED[rule.type] : undefined;
  if (create) return create(rule);
  const why = rule.type.includes('.') ? 'looks like a custom Python rule type, which LogWarden cannot load' : 'is not a known rule type';
  throw new Error(`rule "${rule.name}" (${rule.file}): type "${rule.type}" ${why}; implemented: ${Object.keys(IMPLEMENTED).join(', ')}`);
}
