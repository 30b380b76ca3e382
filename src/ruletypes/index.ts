import type { RuleDefinition } from '../rules/types.ts';
import { AnyRule } from './any.ts';
import { FlatlineRule } from './flatline.ts';
import { FrequencyRule } from './frequency.ts';
import { NewTermRule, type NewTermLimits } from './new-term.ts';
import { SpikeRule } from './spike.ts';
import type { AggregatingRuleType } from './aggregating.ts';
import type { RuleType } from './rule-type.ts';

export type { RuleType, StepResult } from './rule-type.ts';
export type { AggregatingRuleType } from './aggregating.ts';
export { documentBody, durationOptionMs, matchFields, queryKeyField } from './rule-type.ts';
export { lookupField, queryKeyValue, formatEsTimestamp } from './fields.ts';

/** Settings a caller (a backtest) gives a rule type beyond the rule's options. */
export interface RuleTypeSettings {
  newTerm?: NewTermLimits;
}

const IMPLEMENTED: Record<string, (rule: RuleDefinition, settings: RuleTypeSettings) => RuleType<unknown> | AggregatingRuleType<unknown>> = {
  any: (rule) => new AnyRule(rule),
  frequency: (rule) => new FrequencyRule(rule),
  spike: (rule) => new SpikeRule(rule),
  flatline: (rule) => new FlatlineRule(rule),
  new_term: (rule, settings) => new NewTermRule(rule, settings.newTerm),
};

/** ElastAlert2 rule types LogWarden knows of but does not run yet. */
const PLANNED = ['blacklist', 'whitelist', 'change', 'cardinality', 'metric_aggregation', 'spike_aggregation', 'percentage_match'];

/** Why LogWarden cannot run a rule type, or undefined when it can. */
export function unimplementedTypeReason(type: string): string | undefined {
  if (Object.hasOwn(IMPLEMENTED, type)) return undefined;
  const why = PLANNED.includes(type)
    ? 'is an ElastAlert2 rule type LogWarden does not implement yet'
    : type.includes('.') ? 'looks like a custom Python rule type, which LogWarden cannot load' : 'is not a known rule type';
  return `${JSON.stringify(type)} ${why}; implemented: ${Object.keys(IMPLEMENTED).join(', ')}`;
}

/** The rule type for a rule; throws for types not implemented (including ElastAlert2's "module.Class" custom types). */
export function createRuleType(rule: RuleDefinition, settings: RuleTypeSettings = {}): RuleType<unknown> | AggregatingRuleType<unknown> {
  const create = Object.hasOwn(IMPLEMENTED, rule.type) ? IMPLEMENTED[rule.type] : undefined;
  if (create) return create(rule, settings);
  throw new Error(`rule "${rule.name}" (${rule.file}): type ${unimplementedTypeReason(rule.type) ?? ''}`);
}
