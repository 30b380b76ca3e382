/**
 * ElastAlert2's `sns` alerter: publishes the alert to an Amazon SNS topic with the official AWS
 * SDK (`Publish`: `TopicArn`, `Subject` = the alert subject, else "ElastAlert: <rule>",
 * `Message` = the alert text). Credentials: `sns_aws_access_key_id` with
 * `sns_aws_secret_access_key`, else `sns_aws_profile`, else the SDK's default chain (environment,
 * instance role); region `sns_aws_region` (us-east-1).
 *
 * Differences, on purpose:
 * - The secret key is used as the secret (ElastAlert2 2.31 passes the key id twice).
 * - SNS refuses a subject that is not one line of at most 100 ASCII characters: the subject is
 *   made one line, other characters become "?", and it is cut at 100 ("..." at the end). The
 *   message loses bidi and control characters (email and SMS subscribers read it) and is cut at
 *   250 KiB, under SNS's 256 KiB.
 * - One attempt per send; throttling, 5xx and network errors are retryable, refused credentials,
 *   a missing topic and invalid parameters are permanent. Keys never appear in messages.
 */
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { capBytes, displayText } from '../../src/alert/display.ts';
import { awsConnection, awsFailure } from '../kit/aws.ts';
import { readOptions } from '../kit/options.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { snsSchema } from './schema.ts';

interface SnsOptions {
  sns_topic_arn: string;
  sns_aws_access_key_id?: string;
  sns_aws_secret_access_key?: string;
  sns_aws_region?: string;
  sns_aws_profile?: string;
  sns_endpoint_url?: string;
}

export const SNS_LIMITS = { subject: 100, messageBytes: 250 * 1024 } as const;

/** A subject SNS accepts: one line of printable ASCII, at most 100 characters. */
export function snsSubject(text: string): string {
  const line = displayText(text)
    .replace(/\s+/g, ' ')
    .replace(/[^\x20-\x7e]/g, '?')
    .trim();
  const safe = line === '' ? 'ElastAlert' : line;
  return safe.length <= SNS_LIMITS.subject ? safe : `${safe.slice(0, SNS_LIMITS.subject - 3)}...`;
}

export const createSnsAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<SnsOptions>(snsSchema, ref, rule);
  const { config, secrets } = awsConnection(rule, o as unknown as Record<string, unknown>, 'sns');
  const client = new SNSClient(config);
  const subjectOf = (alert: AlertPayload): string =>
    snsSubject(rule.options['alert_subject'] === undefined ? `ElastAlert: ${rule.name}` : alert.subject);

  return {
    type: 'sns',
    async send(alert) {
      const command = new PublishCommand({
        TopicArn: o.sns_topic_arn,
        Subject: subjectOf(alert),
        Message: capBytes(displayText(alert.text), SNS_LIMITS.messageBytes),
      });
      try {
        await client.send(command);
      } catch (error) {
        throw awsFailure('sns', error, secrets);
      }
    },
    async close() {
      client.destroy();
    },
  };
};
