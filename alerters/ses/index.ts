/**
 * ElastAlert2's `ses` alerter: a plain-text mail through Amazon SES with the official AWS SDK
 * (`SendEmail`: `Source` = `ses_from_addr`, To `ses_email`, Cc, Bcc, Reply-To, subject and the
 * alert text in UTF-8). The subject is `alert_subject` when the rule sets one, else
 * "ElastAlert 2: <rule>" plus " - <query_key value>".
 *
 * Differences, on purpose:
 * - `ses_email_from_field` follows the email alerter's rule (alerters/email/options.ts): a
 *   document may only name `<user>@<ses_email_add_domain>`, so it needs `ses_email_add_domain`;
 *   any other value sends to `ses_email` (ElastAlert2 mails whatever address the document holds).
 * - Addresses are checked when the rule loads. The subject is one line without controls (at most
 *   2,048 characters); the text loses bidi and control characters and is cut at 256 KiB.
 * - One attempt per send, errors classified as for sns (a refused address, MessageRejected, is
 *   permanent); the secret key is never shown.
 */
import { SendEmailCommand, SESClient } from '@aws-sdk/client-ses';
import { capBytes, capText, displayText } from '../../src/alert/display.ts';
import { lookupField, pyStr } from '../../src/pycompat/index.ts';
import { isValidAddress, recipientsFromField } from '../email/options.ts';
import { awsConnection, awsFailure } from '../kit/aws.ts';
import { readOptions } from '../kit/options.ts';
import { optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { sesSchema } from './schema.ts';

interface SesOptions {
  ses_email: string | string[];
  ses_from_addr: string;
  ses_cc?: string | string[];
  ses_bcc?: string | string[];
  ses_email_reply_to?: string | string[];
  ses_email_from_field?: string;
  ses_email_add_domain?: string;
  ses_aws_access_key_id?: string;
  ses_aws_secret_access_key?: string;
  ses_aws_region?: string;
  ses_aws_profile?: string;
  ses_endpoint_url?: string;
}

export const SES_LIMITS = { subjectChars: 2048, textBytes: 256 * 1024 } as const;

export const createSesAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<SesOptions>(sesSchema, ref, rule);
  const addresses = (option: keyof SesOptions): string[] => {
    const list = [(o[option] as string | string[] | undefined) ?? []].flat();
    for (const a of list) if (!isValidAddress(a)) throw optionError(rule, option, `${JSON.stringify(a)} is not an email address`);
    return list;
  };
  const to = addresses('ses_email');
  const cc = addresses('ses_cc');
  const bcc = addresses('ses_bcc');
  const replyTo = addresses('ses_email_reply_to');
  const from = /^(.*<)?([^<>]+)>?$/.exec(o.ses_from_addr.trim())?.[2] ?? '';
  if (!isValidAddress(from) || /[\r\n]/.test(o.ses_from_addr))
    throw optionError(rule, 'ses_from_addr', 'must be an address or "Name <address>"');
  const addDomain = o.ses_email_add_domain?.replace(/^@/, '').toLowerCase();
  if (o.ses_email_from_field !== undefined && !addDomain)
    throw optionError(rule, 'ses_email_from_field', 'needs ses_email_add_domain: a document may only name <user>@<that domain>');
  const { config, secrets } = awsConnection(rule, o as unknown as Record<string, unknown>, 'ses');
  const client = new SESClient(config);

  const recipients = (alert: AlertPayload): string[] => {
    if (o.ses_email_from_field === undefined || !addDomain) return to;
    const found = recipientsFromField(lookupField(alert.match, o.ses_email_from_field), addDomain);
    if (Array.isArray(found)) return found;
    if (found)
      deps.log.warn(
        { rule: rule.name, alert_id: alert.alertId },
        `ses_email_from_field value refused (${found.refused}); sending to ses_email instead`,
      );
    return to;
  };
  const subjectOf = (alert: AlertPayload): string => {
    const qk = rule.queryKey?.length === 1 && rule.queryKey[0] ? lookupField(alert.match, rule.queryKey[0]) : undefined;
    const title =
      rule.options['alert_subject'] !== undefined
        ? alert.subject
        : `ElastAlert 2: ${rule.name}${qk !== undefined && qk !== null && qk !== '' ? ` - ${pyStr(qk)}` : ''}`;
    return capText(displayText(title).replace(/\s+/g, ' ').trim(), SES_LIMITS.subjectChars);
  };

  return {
    type: 'ses',
    async send(alert) {
      const command = new SendEmailCommand({
        Source: o.ses_from_addr.trim(),
        Destination: { ToAddresses: recipients(alert), CcAddresses: cc, BccAddresses: bcc },
        Message: {
          Subject: { Charset: 'UTF-8', Data: subjectOf(alert) },
          Body: { Text: { Charset: 'UTF-8', Data: capBytes(displayText(alert.text), SES_LIMITS.textBytes) } },
        },
        ReplyToAddresses: replyTo,
      });
      try {
        await client.send(command);
      } catch (error) {
        throw awsFailure('ses', error, secrets);
      }
    },
    async close() {
      client.destroy();
    },
  };
};
