import { afterEach, describe, expect, it } from '@jest/globals';
import { createPostAlerter } from '../../alerters/post/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { ALERT_ID, alertOf, hostileValues, httpRule, MATCH, refOf } from '../unit/alerters/http-fixtures.ts';
import { startPeer, TEST_CA_FILE, thrown, type Peer } from './http-peer.ts';
import { startProxy } from './proxy-peer.ts';
import { ManualClock } from '../../src/schedule/clock.ts';

const TOKEN = 's3cr3t-T0KEN-abcdef';
const NOW = Date.parse('2024-05-01T12:00:00Z');

const peers: Peer[] = [];
const alerters: Alerter[] = [];
afterEach(async () => {
  await Promise.all(alerters.splice(0).map((a) => a.close?.()));
  await Promise.all(peers.splice(0).map((p) => p.close()));
});

async function peer(options: Parameters<typeof startPeer>[0] = {}): Promise<Peer> {
  const p = await startPeer(options);
  peers.push(p);
  return p;
}

function alerter(type: 'post' | 'post2', options: Record<string, unknown>): Alerter {
  const rule = httpRule(type, options);
  const a = createPostAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(NOW) });
  alerters.push(a);
  return a;
}

/** Nothing secret in a message: the URL token, its path, the header key. */
function expectNoSecrets(message: string): void {
  expect(message).not.toContain(TOKEN);
  expect(message).not.toContain('/hook/');
  expect(message).not.toContain('X-API-KEY-VALUE');
}

describe('post against a real HTTP server', () => {
  it("sends the whole match as JSON with ElastAlert2's headers plus the rule's, to the URL as given", async () => {
    const p = await peer();
    await alerter('post', { http_post_url: `${p.url}/hook/${TOKEN}?a=1`, http_post_headers: { 'X-Api-Key': 'X-API-KEY-VALUE' } }).send(
      alertOf(MATCH),
    );
    expect(p.requests).toHaveLength(1);
    const [req] = p.requests;
    expect(req?.method).toBe('POST');
    expect(req?.path).toBe(`/hook/${TOKEN}?a=1`);
    expect(req?.body).toBe(JSON.stringify(MATCH));
    expect(req?.headers['content-type']).toBe('application/json');
    expect(req?.headers['accept']).toBe('application/json;charset=utf-8');
    expect(req?.headers['x-api-key']).toBe('X-API-KEY-VALUE');
    expect(req?.headers['user-agent']).toMatch(/^LogWarden\//);
    expect(req?.headers['content-length']).toBe(String(Buffer.byteLength(JSON.stringify(MATCH))));
  });

  it('post2: rendered payload and headers arrive exactly', async () => {
    const p = await peer();
    await alerter('post2', {
      http_post2_url: `${p.url}/hook/${TOKEN}`,
      http_post2_payload: '{"text": "{{ user.name }} from {{ _data[\'source.ip\'] }}", "hits": {{ num_hits }}}',
      http_post2_raw_fields: { tags: 'tags' },
      http_post2_headers: { 'X-User': '{{ user.name }}' },
    }).send(alertOf(MATCH));
    expect(p.requests[0]?.body).toBe('{"text":"bob from 10.0.0.1","hits":7,"tags":["a","b"]}');
    expect(p.requests[0]?.headers['x-user']).toBe('bob');
  });

  it('the hostile corpus arrives byte for byte (post and post2)', async () => {
    const p = await peer();
    const hostile = hostileValues();
    await alerter('post', { http_post_url: `${p.url}/a` }).send(alertOf(hostile));
    const payload: Record<string, string> = {};
    for (const key of Object.keys(hostile)) payload[`k_${key}`] = `{{ _data['${key}'] }}`;
    await alerter('post2', { http_post2_url: `${p.url}/b`, http_post2_payload: payload }).send(alertOf(hostile));
    expect(p.requests[0]?.body).toBe(JSON.stringify(hostile));
    const received = JSON.parse(p.requests[1]?.body ?? '{}') as Record<string, unknown>;
    for (const [key, value] of Object.entries(hostile)) {
      if (typeof value === 'string') expect(received[`k_${key}`]).toBe(value);
    }
  });

  it('a document value that would inject a header line is refused, and nothing is sent', async () => {
    const p = await peer();
    const error = await thrown(() =>
      alerter('post2', { http_post2_url: `${p.url}/hook/${TOKEN}`, http_post2_headers: { 'X-User': '{{ user }}' } }).send(
        alertOf({ user: 'bob\r\nX-Evil: 1' }),
      ),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`post2: not sent to ${p.url}: a header has a value with a line break, control or non-Latin-1 character`);
    expect(p.requests).toHaveLength(0);
  });
});

describe('post: answers and failures', () => {
  const rows: {
    why: string;
    reply: { status: number; headers?: Record<string, string>; body?: string };
    retryable: boolean;
    retryAfterMs?: number;
    message: string;
  }[] = [
    { why: '201 is accepted', reply: { status: 201 }, retryable: false, message: '' },
    { why: '204 is accepted', reply: { status: 204 }, retryable: false, message: '' },
    {
      why: '400: permanent, with the start of the body, echoed secrets removed',
      reply: { status: 400, body: `{"error":"bad payload for /hook/${TOKEN} with key X-API-KEY-VALUE"}` },
      retryable: false,
      message: 'HTTP 400 Bad Request: {"error":"bad payload for *** with key ***"}',
    },
    { why: '401: permanent', reply: { status: 401, body: 'nope' }, retryable: false, message: 'HTTP 401 Unauthorized: nope' },
    { why: '404: permanent', reply: { status: 404 }, retryable: false, message: 'HTTP 404 Not Found' },
    {
      why: '429 with Retry-After seconds',
      reply: { status: 429, headers: { 'Retry-After': '17' } },
      retryable: true,
      retryAfterMs: 17_000,
      message: 'HTTP 429 Too Many Requests',
    },
    {
      why: '429 with Retry-After as an HTTP date',
      reply: { status: 429, headers: { 'Retry-After': 'Wed, 01 May 2024 12:01:00 GMT' } },
      retryable: true,
      retryAfterMs: 60_000,
      message: 'HTTP 429',
    },
    { why: '429 without Retry-After', reply: { status: 429 }, retryable: true, message: 'HTTP 429' },
    { why: '408: retryable', reply: { status: 408 }, retryable: true, message: 'HTTP 408 Request Timeout' },
    {
      why: '500: retryable',
      reply: { status: 500, body: '<html>oops</html>' },
      retryable: true,
      message: 'HTTP 500 Internal Server Error: <html>oops</html>',
    },
    {
      why: '503 with Retry-After',
      reply: { status: 503, headers: { 'Retry-After': '5' } },
      retryable: true,
      retryAfterMs: 5000,
      message: 'HTTP 503 Service Unavailable',
    },
    {
      why: '302: permanent, redirects are not followed',
      reply: { status: 302, headers: { Location: 'http://elsewhere.example/' } },
      retryable: false,
      message: 'HTTP 302 Found (redirects are not followed: configure the final address)',
    },
  ];
  it.each(rows)('$why', async ({ reply, retryable, retryAfterMs, message }) => {
    const p = await peer();
    p.replies.push(reply);
    const a = alerter('post', { http_post_url: `${p.url}/hook/${TOKEN}`, http_post_headers: { 'X-Api-Key': 'X-API-KEY-VALUE' } });
    if (reply.status < 300) {
      await a.send(alertOf(MATCH));
      return;
    }
    const error = await thrown(() => a.send(alertOf(MATCH)));
    expect(error.name).toBe('AlerterError');
    expect(error.retryable).toBe(retryable);
    expect(error.retryAfterMs).toBe(retryAfterMs);
    expect(error.message.startsWith(`post: POST to ${p.url} failed: `)).toBe(true);
    expect(error.message).toContain(message);
    expectNoSecrets(error.message);
  });

  it('quotes at most 200 characters of a long error body', async () => {
    const p = await peer();
    p.replies.push({ status: 422, body: `${'e'.repeat(1000)}${TOKEN}` });
    const error = await thrown(() => alerter('post', { http_post_url: `${p.url}/hook/${TOKEN}` }).send(alertOf(MATCH)));
    expect(error.message).toBe(`post: POST to ${p.url} failed: HTTP 422 Unprocessable Entity: ${'e'.repeat(200)}...`);
  });

  it('a peer that never answers times out (retryable) after http_post_timeout', async () => {
    const p = await peer({ fallback: 'hang' });
    const started = Date.now();
    const error = await thrown(() =>
      alerter('post', { http_post_url: `${p.url}/hook/${TOKEN}`, http_post_timeout: 0.3 }).send(alertOf(MATCH)),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`post: POST to ${p.url} timed out after 0.3s`);
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('a closed port is a retryable connection error', async () => {
    const p = await peer();
    const url = `${p.url}/hook/${TOKEN}`;
    await p.close();
    peers.splice(peers.indexOf(p), 1);
    const error = await thrown(() => alerter('post', { http_post_url: url }).send(alertOf(MATCH)));
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(new RegExp(`^post: POST to ${p.url.replace(/[.]/g, '\\.')} failed: .*ECONNREFUSED`));
    expectNoSecrets(error.message);
  });
});

describe('post: several URLs', () => {
  it('all receive the alert; after a partial failure only the failed URL is retried', async () => {
    const ok = await peer();
    const flaky = await peer();
    flaky.replies.push({ status: 503 });
    const a = alerter('post', { http_post_url: [`${ok.url}/hook/${TOKEN}`, `${flaky.url}/hook/${TOKEN}`] });
    const error = await thrown(() => a.send(alertOf(MATCH)));
    expect(error.retryable).toBe(true);
    expect(error.message).toBe(`post: 1 of 2 URLs failed: POST to ${flaky.url} failed: HTTP 503 Service Unavailable`);
    await a.send(alertOf(MATCH));
    expect(ok.requests).toHaveLength(1);
    expect(flaky.requests).toHaveLength(2);
    // A new alert goes everywhere again.
    await a.send(alertOf(MATCH, { alertId: `${ALERT_ID}-2` }));
    expect(ok.requests).toHaveLength(2);
  });

  it('a permanent failure on one URL is reported once the others are done, and not retried', async () => {
    const ok = await peer();
    const bad = await peer();
    const flaky = await peer();
    bad.fallback = { status: 404 };
    flaky.replies.push({ status: 500 });
    const a = alerter('post', { http_post_url: [`${ok.url}/x`, `${bad.url}/hook/${TOKEN}`, `${flaky.url}/y`] });
    const first = await thrown(() => a.send(alertOf(MATCH)));
    expect(first.retryable).toBe(true);
    const second = await thrown(() => a.send(alertOf(MATCH)));
    expect(second.retryable).toBe(false);
    expect(second.message).toBe(`post: 1 of 3 URLs failed: POST to ${bad.url} failed: HTTP 404 Not Found`);
    expect([ok.requests.length, bad.requests.length, flaky.requests.length]).toEqual([1, 1, 2]);
  });
});

describe('post over TLS', () => {
  it('an untrusted certificate fails (retryable) with a hint; http_post_ca_certs or http_post_ignore_ssl_errors make it work', async () => {
    const p = await peer({ tls: true });
    const url = `${p.url}/hook/${TOKEN}`;
    const error = await thrown(() => alerter('post', { http_post_url: url }).send(alertOf(MATCH)));
    expect(error.retryable).toBe(true);
    expect(error.message).toContain(`post: POST to ${p.url} failed: `);
    expect(error.message).toContain('(certificate not trusted: see http_post_ca_certs / http_post_ignore_ssl_errors)');
    expectNoSecrets(error.message);
    await alerter('post', { http_post_url: url, http_post_ca_certs: TEST_CA_FILE }).send(alertOf(MATCH));
    await alerter('post2', { http_post2_url: url, http_post2_ignore_ssl_errors: true }).send(alertOf(MATCH));
    expect(p.requests).toHaveLength(2);
  });
});

describe('post through http_post_proxy (a real CONNECT proxy)', () => {
  const PROXY_PASSWORD = 'pr0xy-PaSsWoRd-77';

  it('tunnels https:// through the proxy with its credentials, and still verifies the peer certificate', async () => {
    const p = await peer({ tls: true });
    const proxy = await startProxy({ credentials: `ops:${PROXY_PASSWORD}` });
    try {
      const proxyUrl = proxy.url.replace('http://', `http://ops:${PROXY_PASSWORD}@`);
      await alerter('post', { http_post_url: `${p.url}/hook/${TOKEN}`, http_post_ca_certs: TEST_CA_FILE, http_post_proxy: proxyUrl }).send(
        alertOf(MATCH),
      );
      expect(p.requests).toHaveLength(1);
      expect(p.requests[0]?.body).toBe(JSON.stringify(MATCH));
      expect(proxy.seen).toEqual([
        { target: new URL(p.url).host, proxyAuthorization: `Basic ${Buffer.from(`ops:${PROXY_PASSWORD}`).toString('base64')}` },
      ]);

      // Through the tunnel the peer's certificate is still checked: without the CA it fails.
      const untrusted = await thrown(() =>
        alerter('post', { http_post_url: `${p.url}/hook/${TOKEN}`, http_post_proxy: proxyUrl }).send(alertOf(MATCH)),
      );
      expect(untrusted.retryable).toBe(true);
      expect(untrusted.message).toContain('certificate not trusted');
      expect(untrusted.message).not.toContain(PROXY_PASSWORD);
    } finally {
      await proxy.close();
    }
  });

  it('a proxy that refuses the credentials (407) is a permanent failure that never shows them', async () => {
    const p = await peer({ tls: true });
    const proxy = await startProxy({ credentials: 'ops:right' });
    try {
      const proxyUrl = proxy.url.replace('http://', `http://ops:${PROXY_PASSWORD}@`);
      const error = await thrown(() =>
        alerter('post', { http_post_url: `${p.url}/hook/${TOKEN}`, http_post_ca_certs: TEST_CA_FILE, http_post_proxy: proxyUrl }).send(
          alertOf(MATCH),
        ),
      );
      expect(error.retryable).toBe(false);
      expect(error.message).toContain('HTTP 407 Proxy Authentication Required');
      expect(error.message).toContain('the proxy refused');
      expect(error.message).not.toContain(PROXY_PASSWORD);
      expect(error.message).not.toContain(Buffer.from(`ops:${PROXY_PASSWORD}`).toString('base64'));
      expectNoSecrets(error.message);
      expect(p.requests).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });

  it('http:// addresses go direct, as ElastAlert2\'s proxies={"https": ...}', async () => {
    const p = await peer();
    const proxy = await startProxy();
    try {
      await alerter('post', { http_post_url: `${p.url}/hook/${TOKEN}`, http_post_proxy: proxy.url }).send(alertOf(MATCH));
      expect(p.requests).toHaveLength(1);
      expect(proxy.seen).toHaveLength(0);
    } finally {
      await proxy.close();
    }
  });
});
