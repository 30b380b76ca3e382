import { afterEach, describe, expect, it } from '@jest/globals';
import { createHiveAlerter } from '../../alerters/hivealerter/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { ALERT_ID, alertOf, hostileValues, httpRule, refOf, T0 } from '../unit/alerters/http-fixtures.ts';
import { startPeer, TEST_CA_FILE, thrown, type Peer } from './http-peer.ts';
import { ManualClock } from '../../src/schedule/clock.ts';

const APIKEY = 'hive-API-key-0123456789abcdef';
const CREATED = { status: 201, body: '{"_id":"~123","status":"New"}' };
const MATCH = {
  source: { ip: '203.0.113.9' },
  file: { hash: { sha256: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' } },
  user: 'bob',
};

const peers: Peer[] = [];
const alerters: Alerter[] = [];
afterEach(async () => {
  await Promise.all(alerters.splice(0).map((a) => a.close?.()));
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

async function hive(
  options: Record<string, unknown> = {},
  connection: Record<string, unknown> = {},
  peerOptions: Parameters<typeof startPeer>[0] = {},
): Promise<{ peer: Peer; alerter: Alerter }> {
  const peer = await startPeer({ fallback: CREATED, ...peerOptions });
  peers.push(peer);
  const url = new URL(peer.url);
  const rule = httpRule('hivealerter', {
    hive_connection: { hive_host: `${url.protocol}//${url.hostname}`, hive_port: Number(url.port), hive_apikey: APIKEY, ...connection },
    hive_alert_config: { type: 'external', source: 'logwarden', tlp: 2, tags: ['ssh', 'user'] },
    hive_observable_data_mapping: [{ ip: 'source.ip' }, { hash: 'file.hash.sha256', tags: ['malware'] }],
    ...options,
  });
  const alerter = createHiveAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(T0) });
  alerters.push(alerter);
  return { peer, alerter };
}

describe('hivealerter against a local TheHive API', () => {
  it('POSTs the exact alert to /api/alert with the API key as a Bearer token; 201 is accepted', async () => {
    const { peer, alerter } = await hive();
    await alerter.send(alertOf(MATCH, { subject: 'SSH brute force from 203.0.113.9', text: 'Body', severity: 'critical' }));
    expect(peer.requests).toHaveLength(1);
    const [req] = peer.requests;
    expect(req?.path).toBe('/api/alert');
    expect(req?.headers['authorization']).toBe(`Bearer ${APIKEY}`);
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.body).toBe(
      '{"artifacts":[{"data":"203.0.113.9","dataType":"ip","message":null,"tags":[],"tlp":2},' +
        '{"data":"e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855","dataType":"hash","message":null,"tags":["malware"],"tlp":2}],' +
        `"customFields":{},"date":${T0},"description":"Body","severity":4,"source":"logwarden","sourceRef":"${ALERT_ID}",` +
        '"tags":["ssh","bob"],"title":"SSH brute force from 203.0.113.9","tlp":2,"type":"external"}',
    );
  });

  it('the hostile corpus arrives byte for byte in description, title, tags and observables', async () => {
    const { peer, alerter } = await hive({
      hive_alert_config: { type: 'external', source: 'logwarden', title: '{0}', title_args: ['jinja'], tags: ['jndi'] },
      hive_observable_data_mapping: [{ other: 'format' }, { other: 'json' }, { other: 'unicode' }],
    });
    const hostile = hostileValues();
    await alerter.send(alertOf(hostile, { text: String(hostile['long']) + String(hostile['backslashes']) }));
    const body = peer.requests[0]?.body ?? '';
    expect(body).toContain(`"description":${JSON.stringify(String(hostile['long']) + String(hostile['backslashes']))}`);
    expect(body).toContain(`"title":${JSON.stringify(hostile['jinja'])}`);
    expect(body).toContain(`"tags":[${JSON.stringify(hostile['jndi'])}]`);
    const parsed = JSON.parse(body) as { artifacts: { data: string }[] };
    expect(parsed.artifacts.map((a) => a.data)).toEqual([hostile['format'], hostile['json'], hostile['unicode']]);
  });

  it('"already exists" for our own sourceRef means an earlier attempt got through: accepted', async () => {
    const { peer, alerter } = await hive();
    peer.replies.push({ status: 400, body: `{"type":"CreateError","message":"Alert external:logwarden:${ALERT_ID} already exists"}` });
    await alerter.send(alertOf(MATCH));
    expect(peer.requests).toHaveLength(1);
  });

  it('"already exists" for a configured sourceRef is a real conflict: permanent', async () => {
    const { peer, alerter } = await hive({ hive_alert_config: { type: 'external', source: 'logwarden', sourceRef: 'static' } });
    peer.replies.push({ status: 400, body: '{"type":"CreateError","message":"Alert already exists"}' });
    const error = await thrown(() => alerter.send(alertOf(MATCH)));
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(
      `hivealerter: POST to ${peer.url} failed: HTTP 400 Bad Request: {"type":"CreateError","message":"Alert already exists"}`,
    );
  });

  const failures: {
    why: string;
    reply: { status: number; headers?: Record<string, string>; body?: string };
    retryable: boolean;
    retryAfterMs?: number;
    message: string;
  }[] = [
    {
      why: '401 (bad key, echoed): permanent, key removed',
      reply: { status: 401, body: `{"type":"AuthenticationError","message":"Authentication failure for Bearer ${APIKEY}"}` },
      retryable: false,
      message: 'HTTP 401 Unauthorized: {"type":"AuthenticationError","message":"Authentication failure for Bearer ***"}',
    },
    {
      why: '400 invalid attribute: permanent',
      reply: { status: 400, body: '{"type":"AttributeCheckingError","message":"tlp: invalid"}' },
      retryable: false,
      message: 'HTTP 400 Bad Request: {"type":"AttributeCheckingError","message":"tlp: invalid"}',
    },
    {
      why: '429 with Retry-After',
      reply: { status: 429, headers: { 'Retry-After': '3' } },
      retryable: true,
      retryAfterMs: 3000,
      message: 'HTTP 429 Too Many Requests',
    },
    { why: '500: retryable', reply: { status: 500 }, retryable: true, message: 'HTTP 500 Internal Server Error' },
  ];
  it.each(failures)('$why', async ({ reply, retryable, retryAfterMs, message }) => {
    const { peer, alerter } = await hive();
    peer.replies.push(reply);
    const error = await thrown(() => alerter.send(alertOf(MATCH)));
    expect(error.retryable).toBe(retryable);
    expect(error.retryAfterMs).toBe(retryAfterMs);
    expect(error.message).toBe(`hivealerter: POST to ${peer.url} failed: ${message}`);
    expect(error.message).not.toContain(APIKEY);
  });

  it('a silent TheHive times out after hive_timeout (retryable)', async () => {
    const { peer, alerter } = await hive({}, { hive_timeout: 0.2 }, { fallback: 'hang' });
    const error = await thrown(() => alerter.send(alertOf(MATCH)));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`hivealerter: POST to ${peer.url} timed out after 0.2s`);
  });

  it('TLS is verified by default; hive_verify takes a CA bundle path or false', async () => {
    const { alerter: strict } = await hive({}, {}, { tls: true });
    const error = await thrown(() => strict.send(alertOf(MATCH)));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain('(certificate not trusted: see hive_connection.hive_verify)');
    expect(error.message).not.toContain(APIKEY);
    const { peer: withCa, alerter: trusting } = await hive({}, { hive_verify: TEST_CA_FILE }, { tls: true });
    await trusting.send(alertOf(MATCH));
    const { peer: noVerify, alerter: lax } = await hive({}, { hive_verify: false }, { tls: true });
    await lax.send(alertOf(MATCH));
    expect([withCa.requests.length, noVerify.requests.length]).toEqual([1, 1]);
  });
});
