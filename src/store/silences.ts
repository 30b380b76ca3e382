/**
 * ElastAlert2's silence document: alerts under `key` are held back while now < untilMs. The one
 * Silence type: realert writes these, people write them (with a reason) from the CLI and the
 * status page, and the engine reads them.
 */
export interface Silence {
  key: string;
  untilMs: number;
  /** Doubling step of exponential_realert; stored with the silence so it survives restarts. */
  exponent: number;
  /** Set on silences a person made; realert's own carry none. */
  reason?: string | undefined;
}

/** Silences addressed by key: lookups by key are real time. */
export interface SilenceStore {
  get(key: string): Promise<Silence | undefined>;
  /** `visibleNow` makes the silence appear in listings at once (manual silences). */
  set(s: Silence, nowMs: number, visibleNow?: boolean): Promise<void>;
  /** false when there was none. */
  delete(key: string): Promise<boolean>;
  /** Silences still in force at `nowMs`, soonest ending first. */
  active(nowMs: number): Promise<Silence[]>;
}
