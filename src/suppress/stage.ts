import type { SendContext } from '../deliver/send.ts';
import type { MatchOutcome } from '../observe.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { AlertRecord } from '../store/alert-log.ts';
import type { Silence } from '../store/silences.ts';

/** A match on its way to the alerters, as every suppression stage sees it. */
export interface PendingAlert {
  rule: RuleDefinition;
  /** ElastAlert2's silence_cache_key of the match (realert_key-aware). */
  key: string;
  /** "Now" for suppression: the wall clock, or the match's own time in a replay. */
  nowMs: number;
  /** The match's event time (aggregate_by_match_time). */
  matchTimeMs: number;
  /**
   * The alert as it will be recorded. Built on first use: most matches of a noisy rule are
   * silenced, and rendering their text (templates included) would be wasted work.
   */
  record(): AlertRecord;
  /** The key's realert silence as the silence stage read it, so realert grows from it without a second read. */
  silence?: Silence | undefined;
}

/**
 * One suppression step (as Alertmanager's notify stages: same signature, run in order). It
 * either lets the match go on (undefined) or says what became of it; a stage that holds a
 * match back has recorded it where the user can find it (aggregation group, flood counter).
 */
export type SuppressStage = (alert: PendingAlert, ctx: SendContext) => Promise<MatchOutcome | undefined>;
