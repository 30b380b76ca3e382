/**
 * ElastAlert2's `sqs` alerter: sends the alert to an Amazon SQS queue with the official AWS SDK
 * (`SendMessage` to `sqs_queue_url`), the body being ElastAlert2's JSON:
 * `{"rule_name", "matches": [<match>], "text": <alert text>}`, the text cut at 128,000
 * characters and left out when the body would pass SQS's 256 KiB (ElastAlert2's rules).
 *
 * Differences, on purpose:
 * - When the body is still too large without the text (a huge document), the match is replaced
 *   by a note and the text is kept (ElastAlert2's send would fail for ever).
 * - U+FFFE and U+FFFF, which SQS refuses in a message, are sent as JSON escapes.
 * - A FIFO queue (`.fifo`) gets the rule name as message group and the alert id as deduplication
 *   id, so a retry within SQS's 5-minute window is not a second message (ElastAlert2 cannot send
 *   to FIFO queues).
 * - One attempt per send, errors classified as for sns; the secret key is never shown.
 */
import { createHash } from 'node:crypto';
import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { httpUrl } from '../http.ts';
import { awsConnection, awsFailure } from '../kit/aws.ts';
import { readOptions } from '../kit/options.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { sqsSchema } from './schema.ts';

interface SqsOptions {
  sqs_queue_url: string;
  sqs_aws_access_key_id?: string;
  sqs_aws_secret_access_key?: string;
  sqs_aws_region?: string;
  sqs_aws_profile?: string;
  sqs_endpoint_url?: string;
}

export const SQS_LIMITS = { textChars: 128_000, bodyBytes: 256_000 } as const;

const encode = (value: unknown): string => JSON.stringify(value).replace(/[\ufffe\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16)}`);

/** ElastAlert2's message body, within SQS's size. */
export function sqsBody(ruleName: string, alert: AlertPayload): string {
  const text =
    alert.text.length > SQS_LIMITS.textChars
      ? `${alert.text.slice(0, SQS_LIMITS.textChars)}\n*message was cropped according to SQS limits!*`
      : alert.text;
  const full = encode({ rule_name: ruleName, matches: [alert.match], text });
  if (Buffer.byteLength(full) <= SQS_LIMITS.bodyBytes) return full;
  const noText = encode({ rule_name: ruleName, matches: [alert.match], text: 'Text message omitted due to SQS size limit.' });
  if (Buffer.byteLength(noText) <= SQS_LIMITS.bodyBytes) return noText;
  return encode({ rule_name: ruleName, matches: [{ note: 'match omitted: larger than the SQS message size limit' }], text });
}

export const createSqsAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<SqsOptions>(sqsSchema, ref, rule);
  const queue = httpUrl(rule, 'sqs_queue_url', o.sqs_queue_url).href;
  const { config, secrets } = awsConnection(rule, o as unknown as Record<string, unknown>, 'sqs');
  const client = new SQSClient(config);
  const fifo = queue.endsWith('.fifo');

  return {
    type: 'sqs',
    async send(alert) {
      const fifoIds = fifo
        ? { MessageGroupId: rule.name.slice(0, 128), MessageDeduplicationId: createHash('sha256').update(alert.alertId).digest('hex') }
        : {};
      try {
        await client.send(new SendMessageCommand({ QueueUrl: queue, MessageBody: sqsBody(rule.name, alert), ...fifoIds }));
      } catch (error) {
        throw awsFailure('sqs', error, secrets);
      }
    },
    async close() {
      client.destroy();
    },
  };
};
