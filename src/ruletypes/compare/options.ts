import type { RuleDefinition } from '../../rules/types.ts';
import { pyTruthy } from '../../pycompat/index.ts';
import type { Fail } from '../metric-options.ts';

/** compare_key as a list of fields: ElastAlert2 accepts one field or a list (its compound_compare_key). */
export function compareKeys(rule: RuleDefinition, fail: Fail): string[] {
  const raw = rule.options['compare_key'];
  const list: unknown[] = Array.isArray(raw) ? raw : [raw];
  if (list.length === 0) throw fail('compare_key', 'expected a field name or a list of field names, got []');
  return list.map((f, i) => {
    if (typeof f !== 'string' || f === '') {
      throw fail(`compare_key${Array.isArray(raw) ? `[${i}]` : ''}`, `expected a field name, got ${JSON.stringify(f)}`);
    }
    return f;
  });
}

/**
 * The compare types judge documents one by one. ElastAlert2 accepts use_count_query or
 * use_terms_query on them and then fails every run (NotImplementedError); refused here at load.
 */
export function refuseCounts(rule: RuleDefinition, type: string, fail: Fail): void {
  for (const option of ['use_count_query', 'use_terms_query']) {
    if (pyTruthy(rule.options[option])) throw fail(option, `type ${type} judges each document, so it cannot run on counts`);
  }
}
