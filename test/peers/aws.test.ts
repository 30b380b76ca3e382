/**
 * The sns, sqs and ses alerters through the official AWS SDK against moto's server (a local
 * AWS-compatible service, test/peers/moto-server.ts), and against a local HTTP peer answering as
 * AWS does when it throttles or refuses a signature.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateTopicCommand, SNSClient, SubscribeCommand } from '@aws-sdk/client-sns';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { CreateQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { createSesAlerter } from '../../alerters/ses/index.ts';
import { createSnsAlerter } from '../../alerters/sns/index.ts';
import { createSqsAlerter } from '../../alerters/sqs/index.ts';
import type { Alerter, AlerterFactory } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { alertOf, httpRule, MATCH, refOf } from '../unit/alerters/http-fixtures.ts';
import { startPeer, thrown } from './http-peer.ts';
import { alertWith } from './kit-support.ts';
import { startMoto, type Moto } from './moto-server.ts';

const KEY_ID = 'AKIAIOSFODNN7EXAMPLE';
const SECRET = 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
const creds = { accessKeyId: KEY_ID, secretAccessKey: SECRET };

let moto: Moto;
let sqs: SQSClient;
let sns: SNSClient;
const alerters: Alerter[] = [];
beforeAll(async () => {
  moto = await startMoto();
  sqs = new SQSClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
  sns = new SNSClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
}, 300_000);
afterAll(async () => {
  await Promise.all(alerters.map((a) => a.close?.()));
  sqs.destroy();
  sns.destroy();
  await moto.close();
});

function make(factory: AlerterFactory, type: string, options: Record<string, unknown>): Alerter {
  const rule = httpRule(type, options);
  const a = factory(refOf(rule), rule, { log: silentLogger(), out: () => undefined });
  alerters.push(a);
  return a;
}

async function queue(name: string): Promise<{ url: string; arn: string }> {
  const url =
    (await sqs.send(new CreateQueueCommand({ QueueName: name, ...(name.endsWith('.fifo') ? { Attributes: { FifoQueue: 'true' } } : {}) })))
      .QueueUrl ?? '';
  const arn =
    (await sqs.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.['QueueArn'] ?? '';
  return { url, arn };
}
async function received(url: string): Promise<string[]> {
  const r = await sqs.send(new ReceiveMessageCommand({ QueueUrl: url, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }));
  return (r.Messages ?? []).map((m) => m.Body ?? '');
}

describe('sns against moto', () => {
  it("publishes ElastAlert2's subject and the alert text to the topic (seen by a subscribed queue)", async () => {
    const topic = (await sns.send(new CreateTopicCommand({ Name: 'soc-alerts' }))).TopicArn ?? '';
    const q = await queue('sns-sink');
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: q.arn }));
    const options = { sns_topic_arn: topic, sns_aws_access_key_id: KEY_ID, sns_aws_secret_access_key: SECRET, sns_endpoint_url: moto.url };
    await make(createSnsAlerter, 'sns', options).send(alertOf(MATCH));
    await make(createSnsAlerter, 'sns', { ...options, alert_subject: 'x' }).send(alertWith(`Mallory\r\n\u202E${'ü'.repeat(200)}`));
    const [first, second] = (await received(q.url)).map((b) => JSON.parse(b) as { Subject: string; Message: string });
    expect(first).toMatchObject({ Subject: 'ElastAlert: SSH brute force', Message: 'SSH brute force\n\nuser: bob\n' });
    // One line of ASCII within 100 characters, or SNS refuses the publish.
    expect(second?.Subject).toMatch(/^Login by Mallory \?+\.\.\.$/);
    expect(second?.Subject).toHaveLength(100);
    expect(second?.Message.startsWith('user: Mallory\n\u00fc')).toBe(true);
  });

  it('a 1 MB value is cut under 256 KiB and SNS accepts it; a missing topic is permanent', async () => {
    const topic = (await sns.send(new CreateTopicCommand({ Name: 'big' }))).TopicArn ?? '';
    const q = await queue('big-sink');
    await sns.send(new SubscribeCommand({ TopicArn: topic, Protocol: 'sqs', Endpoint: q.arn }));
    await make(createSnsAlerter, 'sns', {
      sns_topic_arn: topic,
      sns_endpoint_url: moto.url,
      sns_aws_access_key_id: KEY_ID,
      sns_aws_secret_access_key: SECRET,
    }).send(alertWith('b'.repeat(1024 * 1024)));
    const [body] = await received(q.url);
    expect((JSON.parse(body ?? '{}') as { Message: string }).Message).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
    const missing = await thrown(() =>
      make(createSnsAlerter, 'sns', {
        sns_topic_arn: 'arn:aws:sns:us-east-1:123456789012:nope',
        sns_endpoint_url: moto.url,
        sns_aws_access_key_id: KEY_ID,
        sns_aws_secret_access_key: SECRET,
      }).send(alertOf(MATCH)),
    );
    expect(missing.retryable).toBe(false);
    expect(missing.message).toMatch(/^sns: HTTP 404: NotFound/);
  });
});

describe('sqs against moto', () => {
  it("sends ElastAlert2's JSON body; a document value stays data", async () => {
    const q = await queue('alerts');
    const a = make(createSqsAlerter, 'sqs', {
      sqs_queue_url: q.url,
      sqs_endpoint_url: moto.url,
      sqs_aws_access_key_id: KEY_ID,
      sqs_aws_secret_access_key: SECRET,
    });
    await a.send(alertOf(MATCH));
    const value = '"}],"x":"\u0000\ufffe\u202E{{7*7}}';
    await a.send(alertWith(value, { user: value }));
    const [first, second] = (await received(q.url)).map(
      (b) => JSON.parse(b) as { rule_name: string; matches: Record<string, unknown>[]; text: string },
    );
    expect(first).toEqual({ rule_name: 'SSH brute force', matches: [MATCH], text: 'SSH brute force\n\nuser: bob\n' });
    expect(second?.matches[0]?.['user']).toBe(value);
  });

  it('a 1 MB document keeps the body under 256 KB; a FIFO queue gets group and deduplication ids, so a retry is one message', async () => {
    const q = await queue('big');
    await make(createSqsAlerter, 'sqs', {
      sqs_queue_url: q.url,
      sqs_endpoint_url: moto.url,
      sqs_aws_access_key_id: KEY_ID,
      sqs_aws_secret_access_key: SECRET,
    }).send(alertWith('q'.repeat(1024 * 1024)));
    const [big] = await received(q.url);
    expect(Buffer.byteLength(big ?? '')).toBeLessThanOrEqual(256_000);
    expect((JSON.parse(big ?? '{}') as { matches: unknown[] }).matches).toEqual([
      { note: 'match omitted: larger than the SQS message size limit' },
    ]);
    const fifo = await queue('alerts.fifo');
    const a = make(createSqsAlerter, 'sqs', {
      sqs_queue_url: fifo.url,
      sqs_endpoint_url: moto.url,
      sqs_aws_access_key_id: KEY_ID,
      sqs_aws_secret_access_key: SECRET,
    });
    await a.send(alertOf(MATCH));
    await a.send(alertOf(MATCH));
    expect(await received(fifo.url)).toHaveLength(1);
  });
});

describe('ses against moto', () => {
  type Sent = { source: string; destinations: Record<string, string[]>; subject: string; body: string };
  const sent = async (): Promise<Sent[]> => ((await moto.get('/moto-api/data.json')) as { ses: { Message: Sent[] } }).ses.Message;
  const base = () => ({
    ses_email: 'soc@example.com',
    ses_from_addr: 'LogWarden <alerts@example.com>',
    ses_endpoint_url: moto.url,
    ses_aws_access_key_id: KEY_ID,
    ses_aws_secret_access_key: SECRET,
  });

  it("sends ElastAlert2's mail: from, to, cc, bcc, the default subject with the query key, the alert text", async () => {
    const ses = new SESClient({ region: 'us-east-1', endpoint: moto.url, credentials: creds });
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: 'alerts@example.com' }));
    ses.destroy();
    const before = (await sent()).length;
    const rule = { ...base(), ses_cc: ['ir@example.com'], ses_bcc: 'audit@example.com', ses_email_reply_to: 'soc-lead@example.com' };
    const r = httpRule('ses', rule, { queryKey: ['user.name'] });
    const a = createSesAlerter(refOf(r), r, { log: silentLogger(), out: () => undefined });
    alerters.push(a);
    await a.send(alertOf(MATCH));
    const [mail] = (await sent()).slice(before);
    expect(mail).toMatchObject({
      source: 'LogWarden <alerts@example.com>',
      subject: 'ElastAlert 2: SSH brute force - bob',
      body: 'SSH brute force\n\nuser: bob\n',
      destinations: { ToAddresses: ['soc@example.com'], CcAddresses: ['ir@example.com'], BccAddresses: ['audit@example.com'] },
    });
  });

  it('a document value cannot add a header or a recipient; ses_email_from_field names only <user>@<domain>', async () => {
    const before = (await sent()).length;
    const a = make(createSesAlerter, 'ses', {
      ...base(),
      alert_subject: 'x',
      ses_email_from_field: 'owner',
      ses_email_add_domain: 'example.com',
    });
    await a.send(alertWith('x\r\nBcc: victim@evil.example\u202E', { owner: 'victim@evil.example' }));
    await a.send(alertWith('y', { owner: 'alice' }));
    const [first, second] = (await sent()).slice(before);
    expect(first?.subject).toBe('Login by x Bcc: victim@evil.example');
    expect(first?.destinations).toEqual({ ToAddresses: ['soc@example.com'], CcAddresses: [], BccAddresses: [] });
    expect(second?.destinations).toEqual({ ToAddresses: ['alice@example.com'], CcAddresses: [], BccAddresses: [] });
    expect(() => make(createSesAlerter, 'ses', { ...base(), ses_email_from_field: 'owner' })).toThrow(
      'ses_email_from_field: needs ses_email_add_domain',
    );
    expect(() => make(createSesAlerter, 'ses', { ...base(), ses_cc: 'not an address' })).toThrow(
      'ses_cc: "not an address" is not an email address',
    );
  });

  it('an unverified sender is refused for good; the secret never shows', async () => {
    const denied = await thrown(() =>
      make(createSesAlerter, 'ses', { ...base(), ses_from_addr: 'nobody@example.org' }).send(alertOf(MATCH)),
    );
    expect(denied.retryable).toBe(false);
    expect(denied.message).toMatch(/^ses: HTTP 400: MessageRejected/);
    expect(denied.message).not.toContain(SECRET);
  });
});

describe('AWS errors', () => {
  it('throttling and an unreachable endpoint are retryable; a refused signature is permanent and the secret never shows', async () => {
    const peer = await startPeer({
      fallback: {
        status: 400,
        headers: { 'Content-Type': 'text/xml' },
        body: '<ErrorResponse><Error><Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message></Error><RequestId>1</RequestId></ErrorResponse>',
      },
    });
    try {
      const options = {
        sns_topic_arn: 'arn:aws:sns:us-east-1:123456789012:t',
        sns_endpoint_url: peer.url,
        sns_aws_access_key_id: KEY_ID,
        sns_aws_secret_access_key: SECRET,
        sns_timeout: 2,
      };
      expect(await thrown(() => make(createSnsAlerter, 'sns', options).send(alertOf(MATCH)))).toMatchObject({ retryable: true });
      peer.fallback = {
        status: 403,
        headers: { 'Content-Type': 'text/xml' },
        body: `<ErrorResponse><Error><Type>Sender</Type><Code>SignatureDoesNotMatch</Code><Message>expected ${SECRET}</Message></Error></ErrorResponse>`,
      };
      const denied = await thrown(() => make(createSnsAlerter, 'sns', options).send(alertOf(MATCH)));
      expect(denied.retryable).toBe(false);
      expect(denied.message).toContain('SignatureDoesNotMatch');
      expect(denied.message).not.toContain(SECRET);
    } finally {
      await peer.close();
    }
    const gone = await thrown(() =>
      make(createSqsAlerter, 'sqs', {
        sqs_queue_url: 'http://127.0.0.1:9/1/q',
        sqs_endpoint_url: 'http://127.0.0.1:9',
        sqs_aws_access_key_id: KEY_ID,
        sqs_aws_secret_access_key: SECRET,
      }).send(alertOf(MATCH)),
    );
    expect(gone.retryable).toBe(true);
  });
});
