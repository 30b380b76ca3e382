import type { Logger } from '../src/log.ts';
import type { AlerterRef, RuleDefinition } from '../src/rules/types.ts';

/** What every alerter receives: text already rendered, plus the structured match for richer layouts. */
export interface AlertPayload {
  alertId: string;
  ruleName: string;
  ruleFile: string;
  subject: string;
  /** Plain text; each alerter escapes it for where it lands. */
  text: string;
  queryKey: string | undefined;
  matchTimeMs: number;
  /** The match fields (from the log document: attacker-controlled). */
  match: Readonly<Record<string, unknown>>;
  severity: string | undefined;
}

/** Thrown by an alerter; `retryable` says whether sending the same alert later may work. */
export class AlerterError extends Error {
  override name = 'AlerterError';
  readonly retryable: boolean;
  readonly alerter: string;
  constructor(alerter: string, message: string, retryable: boolean) {
    super(`${alerter}: ${message}`);
    this.alerter = alerter;
    this.retryable = retryable;
  }
}

export interface Alerter {
  readonly type: string;
  send(alert: AlertPayload): Promise<void>;
}

export interface AlerterDeps {
  log: Logger;
  /** Where the stdout alerter writes; injected so tests and the demo can capture it. */
  out: (text: string) => void;
}

export type AlerterFactory = (ref: AlerterRef, rule: RuleDefinition, deps: AlerterDeps) => Alerter;
