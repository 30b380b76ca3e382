/**
 * The email alerter (ElastAlert2's `email`): one SMTP session per alert, a text/plain part with
 * the alert text and an HTML part with a table of key fields and the escaped text.
 * Options, defaults and the deliberate differences from ElastAlert2 are described in options.ts
 * (recipients, TLS), format.ts (subject, HTML) and transport.ts (errors).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import { alertSubject } from '../../src/alert/text.ts';
import { lookupField } from '../../src/pycompat/index.ts';
import { AlerterError, alerterOptions, optionError, type Alerter, type AlerterFactory, type AlertPayload } from '../types.ts';
import { formatEmail, headerText, type FormatContext } from './format.ts';
import { parseEmailOptions, recipientsFromField, type EmailOptions, type MailAddress } from './options.ts';
import { classifySmtpError, cleanText, sendOnce, type SendOutcome } from './transport.ts';
import { systemClock } from '../../src/schedule/clock.ts';

export { htmlEscape, headerText } from './format.ts';
export type { EmailOptions } from './options.ts';

const TYPE = 'email';

function nodemailerAddress(a: MailAddress): string | { name: string; address: string } {
  return a.name === undefined ? a.address : { name: headerText(a.name), address: a.address };
}

/** A stable Message-ID per alert, so a retried alert that did get through once can be recognised as the same mail. */
function messageId(alertId: string, from: string): string {
  const domain = from.slice(from.lastIndexOf('@') + 1);
  const id = alertId.replace(/[^A-Za-z0-9._-]/g, '-') || 'alert';
  return `<${id}.logwarden@${domain}>`;
}

export const createEmailAlerter: AlerterFactory = (ref, rule, deps): Alerter => {
  const fail = (option: string, message: string): Error => optionError(rule, option, message);
  const options: EmailOptions = parseEmailOptions(alerterOptions(ref, rule), { env: deps.env ?? process.env }, fail);
  for (const warning of options.warnings) deps.log.warn({ rule: rule.name, file: rule.file }, warning);
  const formatCtx: FormatContext = {
    format: options.format,
    ruleName: rule.name,
    queryKeyFields: rule.queryKey,
    // The payload's subject was built from the rule's options; so is the choice of title.
    defaultTitle: Object.hasOwn(rule.options, 'alert_subject')
      ? undefined
      : (alert, escape) => alertSubject(rule, alert.match, { defaultTitle: 'email', escape }),
  };

  /** `email`, unless email_from_field names acceptable recipients in this match. */
  const recipients = (alert: AlertPayload): string[] => {
    if (options.fromField === undefined || options.addDomain === undefined) return options.to;
    const found = recipientsFromField(lookupField(alert.match, options.fromField), options.addDomain);
    if (found === undefined) return options.to;
    if (Array.isArray(found)) return found;
    deps.log.warn(
      { rule: rule.name, alert_id: alert.alertId, field: options.fromField },
      `email_from_field value refused (${found.refused}); sending to the rule's email recipients instead`,
    );
    return options.to;
  };

  return {
    type: TYPE,
    async send(alert: AlertPayload): Promise<void> {
      const to = recipients(alert);
      const content = formatEmail(alert, formatCtx);
      if (content.htmlFellBack) {
        deps.log.warn(
          { rule: rule.name, alert_id: alert.alertId },
          'email_format: html: no document value in the alert text was marked for escaping; the HTML part shows the text escaped instead',
        );
      }
      let attachments: SendMailOptions['attachments'];
      if (options.format === 'html' && options.images.length > 0) {
        try {
          // Read here rather than by nodemailer, whose file access is turned off.
          attachments = options.images.map((img) => ({ cid: img.cid, filename: path.basename(img.file), content: readFileSync(img.file) }));
        } catch (error) {
          throw new AlerterError(
            TYPE,
            `cannot read an inline image: ${cleanText(error instanceof Error ? error.message : String(error))}`,
            false,
          );
        }
      }
      const mail: SendMailOptions = {
        from: nodemailerAddress(options.from),
        // The envelope sender is the bare address (ElastAlert2 uses from_addr for both).
        envelope: { from: options.from.address, to: [...to, ...options.cc, ...options.bcc] },
        to,
        ...(options.cc.length > 0 ? { cc: options.cc } : {}),
        // Bcc recipients are in the envelope only; no Bcc header is written.
        replyTo: options.replyTo ? nodemailerAddress(options.replyTo) : to,
        subject: content.subject,
        text: content.text,
        html: content.html,
        textEncoding: 'quoted-printable',
        messageId: messageId(alert.alertId, options.from.address),
        date: new Date((deps.clock ?? systemClock).now()),
        headers: {
          // RFC 3834: no vacation or out-of-office replies to an alert.
          'Auto-Submitted': 'auto-generated',
          'X-Auto-Response-Suppress': 'All',
        },
        ...(attachments ? { attachments } : {}),
      };
      const smtp = options.smtp;
      let outcome: SendOutcome;
      try {
        outcome = await sendOnce(smtp, mail, 2 * smtp.timeoutMs);
      } catch (error) {
        const c = classifySmtpError(error, smtp);
        throw new AlerterError(TYPE, c.message, c.retryable);
      }
      if (outcome.rejected.length > 0) {
        // The server took the mail for the others; sending it again would duplicate it for them.
        deps.log.warn(
          { rule: rule.name, alert_id: alert.alertId, rejected: outcome.rejected },
          `${smtp.host}:${smtp.port} accepted the alert but refused some recipients`,
        );
      }
      deps.log.info({ rule: rule.name, alert_id: alert.alertId, to, cc: options.cc, bcc: options.bcc.length }, 'Sent email');
    },
  };
};
