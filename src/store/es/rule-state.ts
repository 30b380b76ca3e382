import { esCall, type EsHandle } from '../../es/client.ts';
import { writebackIndexName } from '../../writeback/mappings.ts';
import type { PersistedRuleState, RuleStateStore } from '../rule-state.ts';
import { iso } from './docs.ts';

interface StateDoc {
  rule_name: string;
  rule_type: string;
  last_end: string;
  state: unknown;
  '@timestamp': string;
}

/** `<wb>_state`: one document per rule, addressed by the rule's name (real-time gets). */
export class EsRuleStateStore implements RuleStateStore {
  private readonly es: EsHandle;
  private readonly index: string;
  /**
   * Each rule's last saved state, also kept in memory: when the state index was deleted while
   * running, the rule continues from here instead of starting afresh and re-reading (and
   * re-alerting on) its last buffer_time (issue #16). A stored document always wins.
   */
  private readonly remembered = new Map<string, PersistedRuleState>();

  constructor(es: EsHandle, base: string) {
    this.es = es;
    this.index = writebackIndexName(base, 'state');
  }

  async load(ruleName: string): Promise<PersistedRuleState | undefined> {
    const index = this.index;
    const res = await esCall(this.es, `reading ${ruleName} from ${index}`, (c) =>
      c.get<StateDoc>({ index, id: ruleName }, { ignore: [404] }),
    );
    const doc = res.found ? res._source : undefined;
    if (!doc) return this.remembered.get(ruleName);
    return { lastEndMs: Date.parse(doc.last_end), ruleType: doc.rule_type, typeState: doc.state };
  }

  async save(ruleName: string, state: PersistedRuleState, nowMs: number): Promise<void> {
    const index = this.index;
    const document: StateDoc = {
      rule_name: ruleName,
      rule_type: state.ruleType,
      last_end: iso(state.lastEndMs),
      state: state.typeState,
      '@timestamp': iso(nowMs),
    };
    await esCall(this.es, `saving state of rule "${ruleName}"`, (c) => c.index({ index, id: ruleName, document }));
    this.remembered.set(ruleName, state);
  }
}
