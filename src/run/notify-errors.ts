import { parseEmailOptions } from '../../alerters/email/options.ts';
import { sendOnce } from '../../alerters/email/transport.ts';
import type { LogWardenConfig } from '../config/load-config.ts';
import { EsError } from '../es/errors.ts';
import type { Logger } from '../log.ts';
import type { RuleDefinition } from '../rules/types.ts';

const asList = (v: unknown): string[] =>
  typeof v === 'string' ? [v] : Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];

/** Sends one mail about a failed run; never throws (a failed notice is logged). */
export type ErrorNotifier = (rule: RuleDefinition, error: Error, disabled: boolean) => Promise<void>;

/**
 * ElastAlert2's notify_email: a mail to these addresses (plus the rule's own notify_email) when a
 * rule's run fails, through config.yaml's SMTP settings (smtp_host, default localhost as in
 * ElastAlert2; smtp_port, smtp_ssl, smtp_auth_file, from_addr, email_reply_to, read as the email
 * alerter reads them). Without notify_all_errors only failures that are not a passing cluster
 * problem are mailed (ElastAlert2 mails uncaught errors), so an outage does not flood the inbox.
 * Undefined when notify_email is not set.
 */
export function errorNotifier(config: LogWardenConfig, log: Logger, env: NodeJS.ProcessEnv = process.env): ErrorNotifier | undefined {
  const recipients = config.notifyEmail;
  if (recipients.length === 0) return undefined;
  const d = config.ruleDefaults;
  return async (rule, error, disabled) => {
    const passing = error instanceof EsError && error.retryable;
    if (passing && !config.notifyAllErrors) return;
    const to = [...new Set([...recipients, ...asList(rule.options['notify_email'])])];
    try {
      const opts = parseEmailOptions(
        {
          smtp_host: 'localhost',
          ...pick(d, [
            'smtp_host',
            'smtp_port',
            'smtp_ssl',
            'smtp_auth_file',
            'smtp_cert_file',
            'smtp_key_file',
            'smtp_starttls',
            'smtp_ca_certs',
            'smtp_verify_certs',
            'smtp_timeout',
            'from_addr',
            'email_reply_to',
          ]),
          email: to,
        },
        { env },
        (option, message) => new Error(`${option}: ${message}`),
      );
      const text = [
        `Rule "${rule.name}" (${rule.file}) failed: ${error.message}`,
        disabled ? 'The rule is disabled until its file changes (disable_rules_on_error).' : 'The rule keeps its schedule.',
      ].join('\n\n');
      await sendOnce(
        opts.smtp,
        {
          from: opts.from,
          to: to.join(', '),
          replyTo: opts.replyTo ?? to.join(', '),
          subject: `LogWarden: rule ${rule.name} failed`,
          text,
        },
        opts.smtp.timeoutMs,
      );
    } catch (sendError) {
      log.warn(
        `could not mail notify_email about rule "${rule.name}": ${sendError instanceof Error ? sendError.message : String(sendError)}`,
      );
    }
  };
}

function pick(from: Readonly<Record<string, unknown>>, keys: readonly string[]): Record<string, unknown> {
  return Object.fromEntries(keys.filter((k) => from[k] !== undefined).map((k) => [k, from[k]]));
}
