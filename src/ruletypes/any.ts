import type { CountEntry, RuleDefinition, RuleEvent, RuleMatch } from '../rules/types.ts';
import { documentBody, type RuleType, type StepResult } from './rule-type.ts';

/** `any` keeps nothing between runs. */
export type AnyState = null;

/**
 * ElastAlert2's AnyRule: every document the filters let through is a match. The body is the
 * document as ElastAlert2 shows it (documentBody: _source plus _id, _index, ISO timestamp).
 */
export class AnyRule implements RuleType<AnyState> {
  readonly needs = 'documents' as const;
  readonly #rule: RuleDefinition;

  constructor(rule: RuleDefinition) {
    this.#rule = rule;
  }

  initialState(): AnyState {
    return null;
  }

  addEvents(state: AnyState, events: readonly RuleEvent[], _nowMs?: number): StepResult<AnyState> {
    const matches = events.map((e): RuleMatch => ({ timestampMs: e.timestampMs, key: e.key, body: documentBody(this.#rule, e) }));
    return { state, matches };
  }

  addCounts(_state?: AnyState, _entries?: readonly CountEntry[], _nowMs?: number): StepResult<AnyState> {
    // As ElastAlert2's base RuleType: counts say nothing about which documents to alert on.
    throw new Error(`rule "${this.#rule.name}" (${this.#rule.file}): type any cannot use use_count_query or use_terms_query`);
  }

  garbageCollect(state: AnyState, _nowMs?: number): AnyState {
    return state;
  }

  describeMatch(_match?: RuleMatch): string {
    return '';
  }
}
