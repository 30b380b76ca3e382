import type { PersistedRuleState, RuleStateStore } from '../rule-state.ts';
import { copy } from './seq.ts';

export class MemoryRuleStateStore implements RuleStateStore {
  readonly docs = new Map<string, PersistedRuleState>();

  load(ruleName: string): Promise<PersistedRuleState | undefined> {
    const doc = this.docs.get(ruleName);
    return Promise.resolve(doc ? copy(doc) : undefined);
  }

  save(ruleName: string, state: PersistedRuleState, _nowMs?: number): Promise<void> {
    this.docs.set(ruleName, copy(state));
    return Promise.resolve();
  }
}
