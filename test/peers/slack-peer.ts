/**
 * A local stand-in for Slack, speaking both protocols the Slack alerter uses:
 *  - the Web API: `POST /api/chat.postMessage`, form or JSON body, `Authorization: Bearer`;
 *    answers `{ok: true, channel, ts}` or `{ok: false, error}` (HTTP 200), 429 with Retry-After;
 *  - incoming webhooks: `POST /services/...` with JSON; answers `ok`, or a status with a text code.
 * Tests script answers with `reply`; every request is recorded with the fake clock's time.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface PeerRequest {
  path: string;
  headers: http.IncomingHttpHeaders;
  /** Form fields or JSON, with the JSON-encoded form fields (blocks, attachments) decoded. */
  body: Record<string, unknown>;
  raw: string;
  /** The fake clock's time when the request arrived. */
  atMs: number;
}

export interface PeerReply {
  status?: number;
  headers?: Record<string, string>;
  body: string | Record<string, unknown>;
}

export class SlackPeer {
  readonly requests: PeerRequest[] = [];
  /** Returns the answer to a request, or undefined for the normal success answer. */
  reply: (request: PeerRequest) => PeerReply | undefined = () => undefined;
  readonly token: string;
  readonly #server: http.Server;
  readonly #now: () => number;
  #ts = 0;
  /** Requests that never get an answer (timeout tests), ended on close. */
  readonly #hanging: http.ServerResponse[] = [];

  private constructor(server: http.Server, token: string, now: () => number) {
    this.#server = server;
    this.token = token;
    this.#now = now;
  }

  static async start(options: { token?: string; now?: () => number } = {}): Promise<SlackPeer> {
    const server = http.createServer();
    const peer = new SlackPeer(server, options.token ?? 'xoxb-peer-0000-sEcReTtOkEn', options.now ?? Date.now);
    server.on('request', (req, res) => peer.#handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  /** The Web API base URL for `slack_api_url`. */
  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  /** Leaves the next matching requests unanswered. */
  hang = false;

  async close(): Promise<void> {
    for (const res of this.#hanging) res.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }

  #handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const raw = Buffer.concat(chunks).toString('utf8');
      const request: PeerRequest = {
        path: req.url ?? '',
        headers: req.headers,
        body: parseBody(req.headers['content-type'] ?? '', raw),
        raw,
        atMs: this.#now(),
      };
      this.requests.push(request);
      if (this.hang) {
        this.#hanging.push(res);
        return;
      }
      const answer = req.method !== 'POST' ? { status: 405, body: 'method_not_allowed' } : this.#answer(request);
      const body = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body);
      const type = typeof answer.body === 'string' ? 'text/plain; charset=utf-8' : 'application/json; charset=utf-8';
      res.writeHead(answer.status ?? 200, { 'content-type': type, ...answer.headers });
      res.end(body);
    });
  }

  #answer(request: PeerRequest): PeerReply {
    if (request.path === '/api/chat.postMessage') {
      const scripted = this.reply(request);
      if (scripted) return scripted;
      if (request.headers.authorization !== `Bearer ${this.token}`) return { body: { ok: false, error: 'invalid_auth' } };
      const channel = String(request.body.channel ?? '');
      if (channel === '') return { body: { ok: false, error: 'channel_not_found' } };
      const id = /^[CDG][A-Z0-9]+$/.test(channel) ? channel : `C${channel.replace(/[^a-z0-9]/gi, '').toUpperCase()}`;
      return {
        body: { ok: true, channel: id, ts: `1714564800.${String(++this.#ts).padStart(6, '0')}`, message: { text: request.body.text } },
      };
    }
    if (request.path.startsWith('/services/')) return this.reply(request) ?? { body: 'ok' };
    return { status: 404, body: 'not_found' };
  }
}

function parseBody(contentType: string, raw: string): Record<string, unknown> {
  if (contentType.startsWith('application/json')) return JSON.parse(raw) as Record<string, unknown>;
  const body: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(raw)) {
    // WebClient sends objects and arrays as JSON inside form fields.
    body[key] = key === 'blocks' || key === 'attachments' || key === 'metadata' ? JSON.parse(value) : value;
  }
  return body;
}
