import { afterEach, describe, expect, it } from '@jest/globals';
import { createPagerDutyAlerter } from '../../alerters/pagerduty/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { alertOf, hostileValues, httpRule, MATCH, refOf } from '../unit/alerters/http-fixtures.ts';
import { startPeer, thrown, type Peer } from './http-peer.ts';
import { ManualClock } from '../../src/schedule/clock.ts';

const KEY = 'R0UT1NGKEY0123456789abcdefABCDEF';
const ACCEPTED = { status: 202, body: '{"status":"success","message":"Event processed","dedup_key":"SSH brute force:bob"}' };

const peers: Peer[] = [];
const alerters: Alerter[] = [];
afterEach(async () => {
  await Promise.all(alerters.splice(0).map((a) => a.close?.()));
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

async function pagerduty(
  options: Record<string, unknown> = {},
  peerOptions: Parameters<typeof startPeer>[0] = {},
): Promise<{ peer: Peer; alerter: Alerter }> {
  const peer = await startPeer({ fallback: ACCEPTED, ...peerOptions });
  peers.push(peer);
  const rule = httpRule('pagerduty', {
    pagerduty_service_key: KEY,
    pagerduty_client_name: 'LogWarden',
    pagerduty_api_url: peer.url,
    ...options,
  });
  const alerter = createPagerDutyAlerter(refOf(rule), rule, {
    log: silentLogger(),
    out: () => undefined,
    clock: new ManualClock(Date.parse('2024-05-01T12:00:00Z')),
  });
  alerters.push(alerter);
  return { peer, alerter };
}

describe('pagerduty against a local Events API v2', () => {
  it('posts the exact event to /v2/enqueue; 202 is accepted', async () => {
    const { peer, alerter } = await pagerduty({ pagerduty_v2_payload_component: 'sshd' });
    await alerter.send(alertOf(MATCH, { queryKey: 'bob', severity: 'medium', text: 'Body' }));
    expect(peer.requests).toHaveLength(1);
    expect(peer.requests[0]?.path).toBe('/v2/enqueue');
    expect(peer.requests[0]?.headers['content-type']).toBe('application/json');
    expect(peer.requests[0]?.body).toBe(
      `{"routing_key":"${KEY}","event_action":"trigger","dedup_key":"SSH brute force:bob","client":"LogWarden",` +
        `"payload":{"summary":"SSH brute force","source":"ElastAlert","severity":"warning","timestamp":"2024-05-01T12:00:00.000Z","component":"sshd",` +
        `"custom_details":{"information":"Body","match":${JSON.stringify(MATCH)}}}}`,
    );
  });

  it('a resolve for the same query key carries the same dedup key as the trigger', async () => {
    const { peer, alerter } = await pagerduty();
    const { alerter: resolver } = await pagerduty({ pagerduty_event_type: 'resolve', pagerduty_api_url: peer.url });
    await alerter.send(alertOf(MATCH, { queryKey: 'bob' }));
    await resolver.send(alertOf(MATCH, { queryKey: 'bob' }));
    const [trigger, resolve] = peer.requests.map((r) => JSON.parse(r.body) as { event_action: string; dedup_key: string });
    expect([trigger?.event_action, resolve?.event_action]).toEqual(['trigger', 'resolve']);
    expect(resolve?.dedup_key).toBe(trigger?.dedup_key);
  });

  it('the hostile corpus arrives byte for byte in custom_details and the summary', async () => {
    const { peer, alerter } = await pagerduty();
    const hostile = hostileValues();
    const subject = String(hostile['script']) + String(hostile['jinja']);
    await alerter.send(alertOf(hostile, { subject, text: String(hostile['control']) }));
    const body = peer.requests[0]?.body ?? '';
    expect(body).toContain(`"custom_details":{"information":${JSON.stringify(hostile['control'])},"match":${JSON.stringify(hostile)}}`);
    const parsed = JSON.parse(body) as { payload: { summary: string; custom_details: { match: Record<string, unknown> } } };
    expect(parsed.payload.summary).toBe(subject);
    expect(parsed.payload.custom_details.match['long']).toBe(hostile['long']);
  });

  const failures: {
    why: string;
    reply: { status: number; headers?: Record<string, string>; body?: string };
    retryable: boolean;
    retryAfterMs?: number;
    message: string;
  }[] = [
    {
      why: '400 invalid event: permanent, the key removed from the quoted answer',
      reply: {
        status: 400,
        body: `{"status":"invalid event","message":"Event object is invalid","errors":["routing_key ${KEY} is not valid"]}`,
      },
      retryable: false,
      message:
        'HTTP 400 Bad Request: {"status":"invalid event","message":"Event object is invalid","errors":["routing_key *** is not valid"]}',
    },
    {
      why: "429 without Retry-After: PagerDuty's advised 30 s",
      reply: { status: 429, body: 'Request Limit Exceeded' },
      retryable: true,
      retryAfterMs: 30_000,
      message: 'HTTP 429 Too Many Requests: Request Limit Exceeded',
    },
    {
      why: '429 with Retry-After',
      reply: { status: 429, headers: { 'Retry-After': '7' } },
      retryable: true,
      retryAfterMs: 7000,
      message: 'HTTP 429 Too Many Requests',
    },
    { why: '500: retryable', reply: { status: 500 }, retryable: true, message: 'HTTP 500 Internal Server Error' },
    { why: '502: retryable', reply: { status: 502 }, retryable: true, message: 'HTTP 502 Bad Gateway' },
    { why: '403: permanent', reply: { status: 403 }, retryable: false, message: 'HTTP 403 Forbidden' },
  ];
  it.each(failures)('$why', async ({ reply, retryable, retryAfterMs, message }) => {
    const { peer, alerter } = await pagerduty();
    peer.replies.push(reply);
    const error = await thrown(() => alerter.send(alertOf(MATCH)));
    expect(error.retryable).toBe(retryable);
    expect(error.retryAfterMs).toBe(retryAfterMs);
    expect(error.message).toBe(`pagerduty: POST to ${peer.url} failed: ${message}`);
    expect(error.message).not.toContain(KEY);
  });

  it('a silent peer times out after pagerduty_timeout (retryable)', async () => {
    const { peer, alerter } = await pagerduty({ pagerduty_timeout: 0.2 }, { fallback: 'hang' });
    const error = await thrown(() => alerter.send(alertOf(MATCH)));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`pagerduty: POST to ${peer.url} timed out after 0.2s`);
  });
});
