/**
 * A real HTTP(S) server on 127.0.0.1 (port 0) for the HTTP alerter peer tests: records every
 * request byte for byte and answers from a script (status, headers, body, or never).
 */
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  /** Path and query as requested. */
  path: string;
  headers: http.IncomingHttpHeaders;
  /** The body exactly as received (UTF-8). */
  body: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string;
}

export interface Peer {
  /** Base URL, e.g. http://127.0.0.1:40123 */
  url: string;
  requests: Received[];
  /** Answers for the next requests, in order; afterwards `fallback`. */
  replies: (Reply | 'hang')[];
  fallback: Reply | 'hang';
  /** Resolves when `n` requests have arrived. */
  waitFor(n: number): Promise<void>;
  close(): Promise<void>;
}

const TLS_DIR = new URL('./fixtures/http-tls/', import.meta.url);
export const TEST_CA_FILE = new URL('ca.pem', TLS_DIR).pathname;

export async function startPeer(options: { tls?: boolean; fallback?: Reply | 'hang' } = {}): Promise<Peer> {
  const requests: Received[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  const peer: Peer = {
    url: '',
    requests,
    replies: [],
    fallback: options.fallback ?? { status: 200, body: '{"ok":true}' },
    waitFor: (n) => (requests.length >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    close: async () => undefined,
  };
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      requests.push({ method: req.method ?? '', path: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      for (const w of waiters.filter((x) => requests.length >= x.n)) w.resolve();
      const reply = peer.replies.shift() ?? peer.fallback;
      if (reply === 'hang') return;
      res.writeHead(reply.status, { 'Content-Type': 'application/json', ...reply.headers });
      res.end(reply.body ?? '');
    });
  };
  const server = options.tls
    ? https.createServer(
        { cert: readFileSync(new URL('server.pem', TLS_DIR)), key: readFileSync(new URL('server-key.pem', TLS_DIR)) },
        handler,
      )
    : http.createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  peer.url = `${options.tls ? 'https' : 'http'}://127.0.0.1:${port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}

/** Runs `fn` and returns what it threw (failing the test when it did not throw). */
export async function thrown(fn: () => Promise<unknown>): Promise<Error & { retryable?: boolean; retryAfterMs?: number | undefined }> {
  try {
    await fn();
  } catch (error) {
    return error as Error & { retryable?: boolean; retryAfterMs?: number };
  }
  throw new Error('expected a failure, but it succeeded');
}
