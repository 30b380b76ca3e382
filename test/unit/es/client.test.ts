import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { EsSettings } from '../../../src/config/load-config.ts';
import { clusterVersion, createEsClient, esCall, settingsFromConnection, type EsHandle } from '../../../src/es/client.ts';
import { EsError, type EsErrorKind } from '../../../src/es/errors.ts';

interface Seen {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
}
interface Reply {
  status: number;
  body: unknown;
  /** Elasticsearch marks its answers; other servers do not. */
  product?: boolean;
}

// A stand-in for Elasticsearch on 127.0.0.1: answers what `reply` says and records every request.
const seen: Seen[] = [];
let reply: Reply = { status: 200, body: {} };
let server: http.Server;
let base = '';

beforeAll(async () => {
  server = http.createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    req.resume();
    req.on('end', () => {
      res.writeHead(reply.status, {
        'content-type': 'application/json',
        ...(reply.product === false ? {} : { 'x-elastic-product': 'Elasticsearch' }),
      });
      res.end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
beforeEach(() => {
  seen.length = 0;
  reply = { status: 200, body: { version: { number: '8.19.21' } } };
});

const PASSWORD = 'Wrong-Secret-Password-123';
const settings = (over: Partial<EsSettings> = {}): EsSettings => ({ url: base, verifyCerts: true, requestTimeoutMs: 5000, ...over });

/** Runs one call through a fresh client and always closes it. */
async function withClient<T>(s: EsSettings, run: (handle: EsHandle) => Promise<T>): Promise<T> {
  const handle = createEsClient(s);
  try {
    return await run(handle);
  } finally {
    await handle.close();
  }
}

const failureOf = async (promise: Promise<unknown>): Promise<EsError> => {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EsError);
  return error as EsError;
};

// The transport waits 1-2 s between connection retries; tests take that wait away, not the retry.
const noBackoff = { retryBackoff: () => 0 };

describe('createEsClient authentication', () => {
  const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
  const cases: [reason: string, over: Partial<EsSettings>, header: string | undefined][] = [
    ['username and password send basic auth', { username: 'elastic', password: 'changeme' }, basic('elastic', 'changeme')],
    ['a username with an empty password still sends basic auth', { username: 'anon' }, basic('anon', '')],
    ['an API key sends an ApiKey header', { apiKey: 'a2V5LWlkOmtleS1zZWNyZXQ=' }, 'ApiKey a2V5LWlkOmtleS1zZWNyZXQ='],
    ['a bearer token sends a Bearer header', { bearer: 'eyJhbGciOi.token' }, 'Bearer eyJhbGciOi.token'],
    ['an API key wins over a username and password', { apiKey: 'a2V5', username: 'elastic', password: 'changeme' }, 'ApiKey a2V5'],
    ['a bearer token wins over a username and password', { bearer: 'tok', username: 'elastic', password: 'changeme' }, 'Bearer tok'],
    ['no credentials send no Authorization header', {}, undefined],
  ];

  it.each(cases)('%s', async (_reason, over, header) => {
    const body = await withClient(settings(over), (es) => esCall(es, 'pinging', (c) => c.info()));
    expect(body).toMatchObject({ version: { number: '8.19.21' } });
    expect(seen).toHaveLength(1);
    expect(seen[0]?.headers.authorization).toBe(header);
  });

  it('sends the credentials written into the URL as basic auth, and hides them from the handle', async () => {
    const url = base.replace('http://', 'http://elastic:in-url-pw@');
    await withClient(settings({ url }), async (es) => {
      expect(es.url).toBe(base.replace('http://', 'http://***:***@'));
      expect(es.secrets).toContain('in-url-pw');
      await esCall(es, 'pinging', (c) => c.info());
    });
    expect(seen[0]?.headers.authorization).toBe(basic('elastic', 'in-url-pw'));
  });

  it('reports the version of the node from the nodes API, not GET /', async () => {
    reply = { status: 200, body: { nodes: { abc123: { version: '8.19.21' } } } };
    expect(await withClient(settings(), clusterVersion)).toBe('8.19.21');
    expect(seen.map((s) => `${s.method} ${s.url}`)).toEqual(['GET /_nodes/_local/_none?filter_path=nodes.*.version']);
  });
});

describe('createEsClient failures', () => {
  const esBody = (status: number, type: string, reason: string): unknown => ({
    error: { type, reason, root_cause: [{ type, reason }] },
    status,
  });
  const cases: [reason: string, reply: Reply, kind: EsErrorKind, retryable: boolean, attempts: number, message: string][] = [
    [
      '401 is an auth error, permanent, with the reason and without the password',
      { status: 401, body: esBody(401, 'security_exception', 'unable to authenticate user [elastic] for REST request [/]') },
      'auth',
      false,
      1,
      'pinging: HTTP 401 security_exception: unable to authenticate user [elastic] for REST request [/]',
    ],
    [
      '403 is forbidden, permanent',
      { status: 403, body: esBody(403, 'security_exception', 'action [cluster:monitor/main] is unauthorized for user [elastic]') },
      'forbidden',
      false,
      1,
      'pinging: HTTP 403 security_exception: action [cluster:monitor/main] is unauthorized for user [elastic]',
    ],
    [
      '429 is rate limiting, retryable, and not retried by the client',
      { status: 429, body: esBody(429, 'es_rejected_execution_exception', 'rejected execution') },
      'rate_limited',
      true,
      1,
      'pinging: HTTP 429 es_rejected_execution_exception: rejected execution',
    ],
    [
      '503 is unavailable, retryable, and retried once by the client',
      { status: 503, body: esBody(503, 'cluster_block_exception', 'blocked by: [SERVICE_UNAVAILABLE/1/state not recovered]') },
      'unavailable',
      true,
      2,
      'pinging: HTTP 503 cluster_block_exception: blocked by: [SERVICE_UNAVAILABLE/1/state not recovered]',
    ],
    [
      '400 is a bad request, permanent',
      { status: 400, body: esBody(400, 'illegal_argument_exception', 'request [/] contains unrecognized parameter') },
      'bad_request',
      false,
      1,
      'pinging: HTTP 400 illegal_argument_exception: request [/] contains unrecognized parameter',
    ],
    [
      '404 is not found, permanent',
      { status: 404, body: esBody(404, 'resource_not_found_exception', 'no such thing') },
      'not_found',
      false,
      1,
      'pinging: HTTP 404 resource_not_found_exception: no such thing',
    ],
    [
      'a 200 answer from a server that is not Elasticsearch is refused',
      { status: 200, body: { hello: 'world' }, product: false },
      'not_elasticsearch',
      false,
      1,
      'pinging: the server is not Elasticsearch',
    ],
  ];

  it.each(cases)('%s', async (_reason, r, kind, retryable, attempts, message) => {
    reply = r;
    const error = await withClient(settings({ username: 'elastic', password: PASSWORD }), (es) =>
      failureOf(esCall(es, 'pinging', (c) => c.info())),
    );
    expect({ kind: error.kind, retryable: error.retryable, message: error.message }).toEqual({ kind, retryable, message });
    expect(seen).toHaveLength(attempts);
    expect(JSON.stringify(error)).not.toContain(PASSWORD);
  });

  it('classifies a closed port as a retryable connection error without the credentials of the URL', async () => {
    const error = await withClient(settings({ url: 'http://user:secret@127.0.0.1:1' }), (es) =>
      failureOf(esCall(es, 'pinging', (c) => c.info(undefined, noBackoff))),
    );
    expect(error.kind).toBe('connection');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^pinging: cannot connect \(.*ECONNREFUSED/);
    expect(error.message).not.toContain('secret');
  });

  it('classifies a closed port as a connection error without the password of the settings', async () => {
    const error = await withClient(settings({ url: 'http://127.0.0.1:1', username: 'u', password: PASSWORD }), (es) =>
      failureOf(esCall(es, 'pinging', (c) => c.info(undefined, noBackoff))),
    );
    expect(error.kind).toBe('connection');
    expect(error.message).not.toContain(PASSWORD);
  });
});

describe('createEsClient TLS files', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logwarden-tls-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: [reason: string, over: Partial<EsSettings>, message: string][] = [
    [
      'a missing CA file',
      { caCertPath: path.join(dir, 'missing-ca.pem') },
      `cannot read the CA certificate file for Elasticsearch (ENOENT): ${path.join(dir, 'missing-ca.pem')}`,
    ],
    [
      'a CA path that is a folder (an error that carries no path of its own)',
      { caCertPath: dir },
      `cannot read the CA certificate file for Elasticsearch (EISDIR): ${dir}`,
    ],
    [
      'a missing client certificate',
      { clientCertPath: path.join(dir, 'client.pem') },
      `cannot read the client certificate file for Elasticsearch (ENOENT): ${path.join(dir, 'client.pem')}`,
    ],
    [
      'a missing client key',
      { clientKeyPath: path.join(dir, 'client.key') },
      `cannot read the client key file for Elasticsearch (ENOENT): ${path.join(dir, 'client.key')}`,
    ],
  ];
  it.each(cases)('names %s and why it cannot be read', (_reason, over, message) => {
    let thrown: unknown;
    try {
      createEsClient(settings(over));
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(EsError);
    expect((thrown as EsError).message).toBe(message);
    expect((thrown as EsError).retryable).toBe(false);
  });

  it('rejects a URL it cannot parse as a permanent error', () => {
    expect(() => createEsClient(settings({ url: 'not a url' }))).toThrow(EsError);
  });
});

describe('settingsFromConnection', () => {
  const cases: [reason: string, connection: Parameters<typeof settingsFromConnection>[0], expected: EsSettings][] = [
    ['a bare URL gets the defaults', { url: 'http://h:9200' }, { url: 'http://h:9200', verifyCerts: true, requestTimeoutMs: 20_000 }],
    [
      'a username brings its password',
      { url: 'http://h:9200', username: 'u', password: 'p' },
      { url: 'http://h:9200', username: 'u', password: 'p', verifyCerts: true, requestTimeoutMs: 20_000 },
    ],
    [
      'a username without a password gets an empty one',
      { url: 'http://h:9200', username: 'u' },
      { url: 'http://h:9200', username: 'u', password: '', verifyCerts: true, requestTimeoutMs: 20_000 },
    ],
    [
      'an API key and a CA are kept',
      { url: 'https://h', apiKey: 'k', caCertPath: '/ca.pem' },
      { url: 'https://h', apiKey: 'k', caCertPath: '/ca.pem', verifyCerts: true, requestTimeoutMs: 20_000 },
    ],
  ];
  it.each(cases)('%s', (_reason, connection, expected) => {
    expect(settingsFromConnection(connection)).toEqual(expected);
  });
});
