/** A rule's progress, so nothing about a rule lives only in process memory. */
export interface PersistedRuleState {
  /** End of the last window the rule finished; the next run continues from here. */
  lastEndMs: number;
  ruleType: string;
  /** The rule type's own state (windows, seen ids): plain JSON. */
  typeState: unknown;
}

/** Each rule's last saved state, one document per rule name. */
export interface RuleStateStore {
  load(ruleName: string): Promise<PersistedRuleState | undefined>;
  save(ruleName: string, state: PersistedRuleState, nowMs: number): Promise<void>;
}
