/**
 * What the engine tells whoever watches it (Prometheus metrics, the status page, tests). Every
 * method is optional and must not throw; calls happen on the engine's hot path, so keep them cheap.
 */
export interface EngineObserver {
  /** A rule run finished (successfully or not). `lagMs`: how late it started against its due time. */
  ruleRun?(run: RuleRunEvent): void;
  /** What became of one match. */
  matchOutcome?(rule: string, outcome: MatchOutcome): void;
  /** One attempt of one delivery (alert × alerter); `alert` says which alert (run --once --json lists them). */
  deliveryAttempt?(rule: string, alerter: string, status: 'sent' | 'retry' | 'failed', alert?: DeliveredAlert): void;
  /** The scheduler dropped a tick because the rule's previous run was still going. */
  tickSkipped?(rule: string): void;
  /** The rules folder was (re)loaded. */
  rulesLoaded?(loaded: number, invalid: number): void;
  /** A check of the writeback indices found this many missing or wrongly mapped (0: all fine). */
  writebackChecked?(problems: number): void;
  /** A writeback index had disappeared while running and was re-created. */
  writebackRecreated?(index: string): void;
}

export interface DeliveredAlert {
  id: string;
  /** The query_key value; undefined without query_key, or when the alert record is missing. */
  key: string | undefined;
  matchTimeMs: number | undefined;
}

export interface RuleRunEvent {
  rule: string;
  type: string;
  runId: string;
  startedMs: number;
  durationMs: number;
  lagMs: number | undefined;
  hits: number;
  matches: number;
  /** The rule's index matched nothing (checked after runs with zero hits); undefined when not known. */
  indexMissing?: boolean | undefined;
  /** Error kind ("connection", "bad_request", "internal", ...) when the run failed. */
  errorKind: string | undefined;
  error: string | undefined;
}

export type MatchOutcome =
  'sent' | 'failed' | 'duplicate' | 'suppressed_realert' | 'suppressed_silence' | 'aggregated' | 'suppressed_flood';
