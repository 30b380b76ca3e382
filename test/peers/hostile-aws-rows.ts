/**
 * Rows of test/peers/hostile-all-alerters.test.ts for the alerters that publish to a message
 * service rather than to a person's screen: sns, sqs and ses against moto's server (a local
 * AWS-compatible service, started once for the file and read back through its own APIs), and
 * stomp against the local STOMP 1.2 broker. What each service stored or the broker received is
 * checked: the SNS notification and the SQS message stay the JSON they were, the SES mail's
 * subject and recipients cannot be given a header or an address by a value, and no value can
 * add a STOMP frame header or frame.
 *
 * Each row also has the suite's failure check: the AWS alerters are pointed, for that one send,
 * at a local HTTP peer that refuses while quoting the secret key; the broker refuses with an
 * ERROR frame quoting the password, or drops the connection.
 */
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createAlerters } from '../../alerters/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { capBytes, displayText } from '../../src/alert/display.ts';
import { silentLogger } from '../../src/log.ts';
import { ManualClock } from '../../src/schedule/clock.ts';
import type { HostileValue } from '../support/hostile.ts';
import { T0 } from '../unit/alerters/slack-fixtures.ts';
import { startPeer } from './http-peer.ts';
import type { Harness, SuiteTools } from './hostile-kit-rows.ts';
import { startMoto, type Moto } from './moto-server.ts';
import { startBroker, STOMP_LOGIN, STOMP_PASSWORD } from './stomp-broker.ts';

/** The suite's checks these rows use, beyond the kit's. */
export interface AwsSuiteTools extends SuiteTools {
  exact(where: string, got: unknown, want: string): string[];
}

interface Row {
  alerter: string;
  why: string;
  secret: boolean;
  start(): Promise<Harness>;
}

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'hOsTiLe/AwS+5ecretKey0123456789abcdefGHIJ';
const credentials = { accessKeyId: KEY_ID, secretAccessKey: SECRET };
const REGION = 'us-east-1';

// moto takes a few seconds to start: one server for every row of the file, closed by closeAwsPeers.
let shared: Promise<Moto> | undefined;
const moto = (): Promise<Moto> => (shared ??= startMoto());

/** Stops the moto server the rows started (the suite's afterAll). */
export async function closeAwsPeers(): Promise<void> {
  const started = shared;
  shared = undefined;
  if (started) await (await started.catch(() => undefined))?.close();
}

const keys = (endpoint: string, prefix: string): Record<string, string> => ({
  [`${prefix}_endpoint_url`]: endpoint,
  [`${prefix}_aws_access_key_id`]: KEY_ID,
  [`${prefix}_aws_secret_access_key`]: SECRET,
});

/** A document value that names a recipient: the rule the email alerters document for email_from_field. */
const PLAIN_USER = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*$/;
// eslint-disable-next-line no-control-regex
const HEADER_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

function parseObject(where: string, text: string): Record<string, unknown> | string {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : `${where}: JSON but not an object`;
  } catch (error) {
    return `${where}: not JSON: ${(error as Error).message}`;
  }
}

/** What a medium stored for one alert: `read` gives everything stored since the last call. */
interface Medium {
  /** The rule's alerter options for moto's endpoint. */
  options: Record<string, unknown>;
  read(): Promise<string[]>;
  check(hv: HostileValue, payload: Parameters<Harness['deliver']>[1], stored: string): string[];
  close(): Promise<void>;
}

/** A row for an AWS alerter: real sends go to moto; a failure is one send to a refusing local peer. */
function awsRow(tools: AwsSuiteTools, alerter: string, why: string, prefix: string, medium: (m: Moto) => Promise<Medium>): Row {
  return {
    alerter,
    why,
    secret: true,
    async start() {
      const m = await moto();
      const peer = await startPeer({ fallback: { status: 200, body: '' } });
      const store = await medium(m);
      const make = (endpoint: string): Alerter => {
        const rule = tools.ruleFor(alerter, { ...store.options, ...keys(endpoint, prefix) });
        const [a] = createAlerters(rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(T0), env: {} });
        if (!a) throw new Error('no alerter');
        return a;
      };
      const real = make(m.url);
      const refusing = make(peer.url);
      let failNext = false;
      const refuse = (status: number) => () => {
        failNext = true;
        peer.replies.push({ status, headers: { 'Content-Type': 'text/plain' }, body: `signature for ${KEY_ID}/${SECRET} refused` });
      };
      return {
        rule: tools.ruleFor(alerter, store.options),
        secrets: [SECRET],
        failures: [
          { what: 'HTTP 503 whose body quotes the secret key', arrange: refuse(503), retryable: true },
          { what: 'HTTP 403 whose body quotes the secret key', arrange: refuse(403), retryable: false },
        ],
        async deliver(hv, payload) {
          const a = failNext ? refusing : real;
          failNext = false;
          await a.send(payload);
          const stored = await store.read();
          if (stored.length !== 1) return [`expected one stored message, got ${stored.length}`];
          return store.check(hv, payload, stored[0] ?? '');
        },
        async close() {
          await Promise.all([real.close?.(), refusing.close?.()]);
          await store.close();
          await peer.close();
        },
      };
    },
  };
}

/** A queue on moto that keeps what it received out of sight once read (no redelivery within a run). */
async function sinkQueue(sqs: SQSClient, name: string): Promise<{ url: string; arn: string; read(): Promise<string[]> }> {
  const url = (await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: { VisibilityTimeout: '43200' } }))).QueueUrl ?? '';
  const arn =
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] ?? '';
  const read = async (): Promise<string[]> =>
    ((await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }))).Messages ?? []).map(
      (x) => x.Body ?? '',
    );
  return { url, arn, read };
}

/** The text a person reads: exact, without controls, templates as written. */
function textChecks(tools: AwsSuiteTools, where: string, hv: HostileValue, got: unknown, want: string): string[] {
  const text = typeof got === 'string' ? got : '';
  return [
    ...tools.exact(where, got, want),
    ...tools.invisibleControls(where, text),
    ...tools.readable(where, text, hv, (t) => t),
    ...tools.templateLiteral(hv, text),
  ];
}

function sns(tools: AwsSuiteTools): Row {
  return awsRow(
    tools,
    'sns',
    'SNS notification: one line of ASCII as subject, the text without controls, the envelope stays JSON for every subscriber',
    'sns',
    async (m) => {
      const client = new SNSClient({ region: REGION, endpoint: m.url, credentials });
      const sqs = new SQSClient({ region: REGION, endpoint: m.url, credentials });
      const topic = (await client.send(new CreateTopicCommand({ Name: 'hostile-sns' }))).TopicArn ?? '';
      const q = await sinkQueue(sqs, 'hostile-sns-sink');
      await client.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: q.arn }));
      return {
        options: { sns_topic_arn: topic },
        read: q.read,
        check(hv, payload, stored) {
          const envelope = parseObject('notification', stored);
          if (typeof envelope === 'string') return [envelope];
          const problems: string[] = [];
          if (envelope['TopicArn'] !== topic || envelope['Type'] !== 'Notification') problems.push('not a notification of the topic');
          const subject = String(envelope['Subject']);
          if (!/^[\x20-\x7e]{1,100}$/.test(subject))
            problems.push(`Subject is not one line of at most 100 ASCII characters: ${JSON.stringify(subject.slice(0, 60))}`);
          if (!subject.startsWith('Root login by')) problems.push(`Subject lost the rule's text: ${JSON.stringify(subject.slice(0, 60))}`);
          return [...problems, ...textChecks(tools, 'Message', hv, envelope['Message'], capBytes(displayText(payload.text), 250 * 1024))];
        },
        async close() {
          client.destroy();
          sqs.destroy();
        },
      };
    },
  );
}

const CROPPED = '\n*message was cropped according to SQS limits!*';
const TEXT_OMITTED = 'Text message omitted due to SQS size limit.';

function sqs(tools: AwsSuiteTools): Row {
  return awsRow(
    tools,
    'sqs',
    "ElastAlert2's JSON body: the match arrives as the same JSON, values and field names byte for byte, within 256 KB",
    'sqs',
    async (m) => {
      const client = new SQSClient({ region: REGION, endpoint: m.url, credentials });
      const q = await sinkQueue(client, 'hostile-sqs');
      return {
        options: { sqs_queue_url: q.url },
        read: q.read,
        check(_hv, payload, stored) {
          const body = parseObject('message body', stored);
          if (typeof body === 'string') return [body];
          const problems: string[] = [];
          if (Object.keys(body).join() !== 'rule_name,matches,text')
            problems.push(`keys ${JSON.stringify(Object.keys(body))}, not rule_name, matches, text`);
          problems.push(...tools.exact('rule_name', body['rule_name'], 'Root login'));
          if (JSON.stringify(body['matches']) !== JSON.stringify([payload.match]))
            problems.push('matches: not the recorded match, byte for byte');
          // ElastAlert2's size rules: the text is cropped at 128,000 characters, and left out when the body would pass 256 KB.
          const text = payload.text.length > 128_000 ? `${payload.text.slice(0, 128_000)}${CROPPED}` : payload.text;
          const fits = Buffer.byteLength(JSON.stringify({ rule_name: 'Root login', matches: [payload.match], text })) <= 256_000;
          problems.push(...tools.exact('text', body['text'], fits ? text : TEXT_OMITTED));
          if (Buffer.byteLength(stored) > 256_000) problems.push(`${Buffer.byteLength(stored)} bytes > 256 KB`);
          return problems;
        },
        async close() {
          client.destroy();
        },
      };
    },
  );
}

const SES_TO = 'soc@example.com';
const SES_FROM = 'LogWarden <alerts@example.com>';

function ses(tools: AwsSuiteTools): Row {
  return awsRow(
    tools,
    'ses',
    'SES mail: no CR/LF, control or bidi character in the subject, no recipient but the configured ones or <user>@<domain>',
    'ses',
    async (m) => {
      const client = new SESClient({ region: REGION, endpoint: m.url, credentials });
      await client.send(new VerifyEmailIdentityCommand({ EmailAddress: 'alerts@example.com' }));
      client.destroy();
      type Sent = { source: string; destinations: Record<string, string[]>; subject: string; body: string };
      const all = async (): Promise<Sent[]> => ((await m.get('/moto-api/data.json')) as { ses?: { Message?: Sent[] } }).ses?.Message ?? [];
      let seen = (await all()).length;
      return {
        options: {
          ses_email: SES_TO,
          ses_from_addr: SES_FROM,
          ses_cc: 'ir@example.com',
          ses_bcc: 'audit@example.com',
          ses_email_reply_to: 'soc-lead@example.com',
          ses_email_from_field: 'user.name',
          ses_email_add_domain: 'example.com',
        },
        async read() {
          const sent = await all();
          const fresh = sent.slice(seen);
          seen = sent.length;
          return fresh.map((s) => JSON.stringify(s));
        },
        check(hv, payload, stored) {
          const mail = JSON.parse(stored) as Sent;
          const problems: string[] = [];
          if (mail.source !== SES_FROM) problems.push(`source is ${JSON.stringify(mail.source)}`);
          const to = PLAIN_USER.test(hv.value) && hv.value.length <= 64 ? `${hv.value}@example.com` : SES_TO;
          const want = { ToAddresses: [to], CcAddresses: ['ir@example.com'], BccAddresses: ['audit@example.com'] };
          if (JSON.stringify(mail.destinations) !== JSON.stringify(want))
            problems.push(`recipients ${JSON.stringify(mail.destinations)}, expected ${JSON.stringify(want)}`);
          const subject = String(mail.subject);
          if (HEADER_UNSAFE.test(subject))
            problems.push(`the subject holds a line break, control or bidi character: ${JSON.stringify(subject.slice(0, 60))}`);
          if (!subject.startsWith('Root login by') || subject.length > 2048)
            problems.push(`the subject is not the rule's, within 2,048 characters: ${JSON.stringify(subject.slice(0, 60))}`);
          return [...problems, ...textChecks(tools, 'body', hv, mail.body, capBytes(displayText(payload.text), 256 * 1024))];
        },
        async close() {
          return undefined;
        },
      };
    },
  );
}

/** The headers a SEND carries; no value from a document is among them, so none can add one. */
const SEND_HEADERS = ['destination', 'content-type', 'receipt', 'content-length'];

function stomp(tools: AwsSuiteTools): Row {
  return {
    alerter: 'stomp',
    why: 'STOMP frames: a value with NUL, LF or ":" stays inside the one length-framed JSON body; no frame header or frame is added',
    secret: true,
    async start() {
      const broker = await startBroker();
      // A SEND whose receipt header a value had split would wait for its receipt: 2 s, not 10.
      const rule = tools.ruleFor('stomp', {
        stomp_hostname: '127.0.0.1',
        stomp_hostport: String(broker.port),
        stomp_login: STOMP_LOGIN,
        stomp_password: STOMP_PASSWORD,
        stomp_timeout: 2,
      });
      const [alerter] = createAlerters(rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(T0), env: {} });
      if (!alerter) throw new Error('no alerter');
      return {
        rule,
        secrets: [STOMP_PASSWORD],
        failures: [
          { what: 'the connection dropped after the SEND', arrange: () => broker.next.push('drop'), retryable: true },
          { what: 'an ERROR frame that quotes the password', arrange: () => broker.next.push('error'), retryable: false },
        ],
        async deliver(hv, payload) {
          const before = broker.connections.length;
          await alerter.send(payload);
          const connections = broker.connections.slice(before);
          if (connections.length !== 1) return [`expected one connection, got ${connections.length}`];
          const frames = connections[0] ?? [];
          // DISCONNECT is written as the connection closes: it may or may not be read.
          const commands = frames.map((f) => f.command).join(' ');
          if (commands !== 'CONNECT SEND' && commands !== 'CONNECT SEND DISCONNECT')
            return [`frames ${JSON.stringify(commands.slice(0, 80))}, not CONNECT, SEND (, DISCONNECT)`];
          const send = frames[1];
          if (!send) return ['no SEND'];
          const problems: string[] = [];
          const want: Record<string, string> = {
            destination: '/queue/ALERT',
            'content-type': 'application/json;charset=utf-8',
            receipt: `logwarden-${payload.alertId}`,
            'content-length': String(Buffer.byteLength(send.body)),
          };
          if (JSON.stringify(Object.keys(send.headers)) !== JSON.stringify(SEND_HEADERS))
            problems.push(`SEND headers ${JSON.stringify(Object.keys(send.headers)).slice(0, 120)}, not ${JSON.stringify(SEND_HEADERS)}`);
          for (const name of SEND_HEADERS) problems.push(...tools.exact(`header ${name}`, send.headers[name], want[name] ?? ''));
          const body = parseObject('SEND body', send.body);
          if (typeof body === 'string') return [...problems, body];
          if (JSON.stringify(body['matches']) !== JSON.stringify([payload.match]))
            problems.push('matches: not the recorded match, byte for byte');
          problems.push(
            ...tools.exact('match (the query key)', body['match'], hv.value),
            ...tools.exact('body', body['body'], payload.text),
          );
          return problems;
        },
        async close() {
          await alerter.close?.();
          await broker.close();
        },
      };
    },
  };
}

/** The rows, in the order of docs/alerters.md. */
export function awsRows(tools: AwsSuiteTools): Row[] {
  return [sns(tools), sqs(tools), ses(tools), stomp(tools)];
}
