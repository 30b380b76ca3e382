import type { Logger } from '../src/log.ts';
import type { AlerterRef, RuleDefinition } from '../src/rules/types.ts';
import type { Clock } from '../src/schedule/clock.ts';
import { OptionError } from '../src/config/option-error.ts';

/**
 * What every alerter receives. Values from log documents are attacker-controlled: an alerter
 * that formats for a medium (Slack mrkdwn, HTML, ...) must use `render(escape)`, which escapes
 * exactly those values and keeps the rule author's own text (which may say `<!here>` on purpose).
 */
export interface AlertPayload {
  alertId: string;
  ruleName: string;
  ruleFile: string;
  queryKey: string | undefined;
  matchTimeMs: number;
  /** The match fields, as recorded (from the log document: untrusted). */
  match: Readonly<Record<string, unknown>>;
  severity: string | undefined;
  /** Subject and body as plain text, nothing escaped: for stdout, logs and text/plain mail. */
  subject: string;
  text: string;
  /** Subject and body with every document-derived value passed through `escape`. */
  render(escape: (value: string) => string): { subject: string; text: string };
  /** ElastAlert2's Kibana Discover link, when the rule asks for one. */
  kibanaDiscoverUrl?: string | undefined;
}

/**
 * Thrown by an alerter. `retryable`: sending the same alert later may work (connection error,
 * timeout, 5xx, 429); otherwise it cannot until someone changes something (bad channel, auth).
 * `retryAfterMs`: the peer said when to come back (Slack's and HTTP's Retry-After).
 * Messages must not contain secrets (tokens, webhook URLs, passwords, routing keys).
 */
export class AlerterError extends Error {
  override name = 'AlerterError';
  readonly retryable: boolean;
  readonly alerter: string;
  readonly retryAfterMs: number | undefined;
  constructor(alerter: string, message: string, retryable: boolean, retryAfterMs?: number) {
    super(`${alerter}: ${message}`);
    this.alerter = alerter;
    this.retryable = retryable;
    this.retryAfterMs = retryAfterMs;
  }
}

export interface Alerter {
  readonly type: string;
  /** Resolves once the peer accepted the alert; throws AlerterError otherwise. */
  send(alert: AlertPayload): Promise<void>;
  /** Releases connections (SMTP pools, HTTP agents) when the engine stops or reloads. */
  close?(): Promise<void>;
}

export interface AlerterDeps {
  log: Logger;
  /** Where the stdout alerter writes; injected so tests and the demo can capture it. */
  out: (text: string) => void;
  /** The engine's clock (time, and waits for rate limits); the system clock unless injected, as tests do. */
  clock?: Clock;
  /** Environment for secrets given as variables (slack token etc.). */
  env?: NodeJS.ProcessEnv;
}

export type AlerterFactory = (ref: AlerterRef, rule: RuleDefinition, deps: AlerterDeps) => Alerter;

/**
 * The options an alerter reads: the rule's top-level options (ElastAlert2 puts `slack_*`,
 * `email`, ... there) overridden by the ones under this alerter's entry in `alert:`.
 */
export function alerterOptions(ref: AlerterRef, rule: RuleDefinition): Readonly<Record<string, unknown>> {
  return { ...rule.options, ...ref.options };
}

/** An error for a bad alerter option, in the form lint and the engine report: it names rule, file and option. */
export function optionError(rule: RuleDefinition, option: string, message: string): OptionError {
  return new OptionError(option, message, `${rule.file}: rule ${JSON.stringify(rule.name)}: ${option}: ${message}`);
}
