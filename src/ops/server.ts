import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { formatDuration, parseDuration } from '../config/duration.ts';
import type { Engine } from '../engine.ts';
import { EsError } from '../es/errors.ts';
import type { Logger } from '../log.ts';
import { requestedSilenceKey } from '../suppress/realert.ts';
import { describeHealth } from '../writeback/health.ts';
import { APP_CSS, APP_JS } from './assets.ts';
import { safeJson } from './html.ts';
import type { Metrics } from './metrics.ts';
import { errorPage, overviewPage, rulePage, silencesPage, type PageContext } from './pages.ts';
import { authorizeWrite, hostAllowed, type OpsSettings } from './settings.ts';
import { StatusData } from './status-data.ts';
import { backgroundClock, systemClock, type Clock } from '../schedule/clock.ts';

export interface OpsServerOptions {
  settings: OpsSettings;
  engine: Engine;
  metrics: Metrics;
  log: Logger;
  /** Time for readiness caching; the system clock unless a test drives one. */
  clock?: Clock;
  /** Probes come every few seconds from every kubelet; one readiness check per this many ms reaches Elasticsearch. */
  readinessCacheMs?: number;
  /** Longest a readiness check waits for Elasticsearch (below the probe's own timeout). */
  readinessTimeoutMs?: number;
  /** While `run` still waits for Elasticsearch at start: why it is not ready yet (undefined once started). */
  starting?: () => string | undefined;
}

export interface OpsServer {
  /** http://host:port as bound (the port the kernel chose when 0 was asked for). */
  url: string;
  port: number;
  close(): Promise<void>;
}

export interface Readiness {
  ready: boolean;
  /** Why not ready, for people: one sentence per failed check. */
  reasons: string[];
  checks: { elasticsearch: 'ok' | 'unreachable' | 'error'; writeback: 'ok' | 'missing' | 'wrong' | 'unknown'; rules: number };
}

/** Longest silence the page may set: a forgotten silence should not hide a rule for a year. */
const MAX_SILENCE_MS = 90 * 24 * 3_600_000;
const MAX_BODY_BYTES = 8 * 1024;
const DEFAULT_SILENCE_REASON = 'silenced from the status page';

/**
 * Security headers for every response. The CSP allows only our own script and stylesheet (no
 * inline code), no framing, no form posts (the script sends writes with fetch), no plugins.
 */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

/**
 * The ops server: /metrics, /healthz, /readyz and (unless `status_page: false`) the status page
 * with its JSON API. Plain node:http; every route is a GET (or HEAD) except the two writes.
 */
export async function startOpsServer(opts: OpsServerOptions): Promise<OpsServer> {
  const clock = opts.clock ?? systemClock;
  const now = (): number => clock.now();
  const data = new StatusData(opts.engine, opts.metrics);
  const readiness = readinessChecker(opts, now);
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      opts.log.error({ path: req.url }, `ops server: ${error instanceof Error ? error.message : String(error)}`);
      if (!res.headersSent) send(res, 500, 'text/plain; charset=utf-8', 'internal error\n');
      else res.destroy();
    });
  });
  // Slow or idle clients must not hold sockets: these are small, quick requests.
  server.headersTimeout = 10_000;
  server.requestTimeout = 30_000;
  server.keepAliveTimeout = 5_000;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const method = req.method ?? 'GET';
    if (!hostAllowed(opts.settings.bind, req.headers.host)) {
      sendJson(res, 421, { error: 'this server answers only to localhost names (it is bound to loopback)' });
      return;
    }
    const url = new URL(req.url ?? '/', 'http://localhost');
    // Segments are decoded one by one, so a rule name with "/" (%2F) stays one segment.
    const rawSegments = url.pathname.split('/').slice(1);
    let segments: string[];
    try {
      segments = rawSegments.map((s) => decodeURIComponent(s));
    } catch {
      sendJson(res, 400, { error: 'malformed path' });
      return;
    }
    const path = url.pathname;
    const read = method === 'GET' || method === 'HEAD';

    if (path === '/healthz') return only(read, res, () => send(res, 200, 'text/plain; charset=utf-8', 'ok\n'));
    if (path === '/readyz') {
      return only(read, res, async () => {
        const r = await readiness();
        sendJson(res, r.ready ? 200 : 503, r);
      });
    }
    if (path === '/metrics') {
      return only(read, res, async () => send(res, 200, opts.metrics.registry.contentType, await opts.metrics.registry.metrics()));
    }
    if (!opts.settings.statusPage) {
      sendJson(res, 404, { error: 'not found (the status page is off: status_page: false)' });
      return;
    }
    const ctx = (): PageContext => ({ nowMs: now(), actions: opts.settings.actions });
    const page = async (render: () => Promise<string | undefined>): Promise<void> => {
      try {
        const body = await render();
        if (body === undefined) send(res, 404, 'text/html; charset=utf-8', errorPage(404, 'No such rule is loaded.', ctx()).value);
        else send(res, 200, 'text/html; charset=utf-8', body);
      } catch (error) {
        if (!(error instanceof EsError)) throw error;
        // EsError messages are redacted; the page escapes them like any other text.
        send(res, 503, 'text/html; charset=utf-8', errorPage(503, `Elasticsearch: ${error.message}`, ctx()).value);
      }
    };
    const api = async (produce: () => Promise<{ status?: number; body: unknown }>): Promise<void> => {
      try {
        const { status, body } = await produce();
        sendJson(res, status ?? 200, body);
      } catch (error) {
        if (error instanceof HttpError) sendJson(res, error.status, { error: error.message });
        else if (error instanceof EsError) sendJson(res, 503, { error: `Elasticsearch: ${error.message}` });
        else throw error;
      }
    };

    if (path === '/static/app.js') return only(read, res, () => send(res, 200, 'text/javascript; charset=utf-8', APP_JS));
    if (path === '/static/app.css') return only(read, res, () => send(res, 200, 'text/css; charset=utf-8', APP_CSS));
    if (path === '/') return only(read, res, () => page(async () => overviewPage(await data.rules(now()), ctx()).value));
    if (path === '/silences') {
      return only(read, res, () => page(async () => silencesPage(await data.silences(now()), opts.engine.ruleNames(), ctx()).value));
    }
    if (segments.length === 2 && segments[0] === 'rules' && segments[1]) {
      const name = segments[1];
      return only(read, res, () =>
        page(async () => {
          const detail = await data.rule(name, now());
          return detail ? rulePage(detail, ctx()).value : undefined;
        }),
      );
    }
    if (path === '/api/rules') return only(read, res, () => api(async () => ({ body: { rules: await data.rules(now()) } })));
    if (segments.length === 3 && segments[0] === 'api' && segments[1] === 'rules' && segments[2]) {
      const name = segments[2];
      return only(read, res, () =>
        api(async () => {
          const detail = await data.rule(name, now());
          if (!detail) throw new HttpError(404, 'no such rule is loaded');
          return { body: detail };
        }),
      );
    }
    if (path === '/api/silences') {
      if (read) return api(async () => ({ body: { silences: await data.silences(now()) } }));
      if (method === 'POST') return api(async () => ({ status: 201, body: await createSilence(req) }));
      return methodNotAllowed(res, 'GET, HEAD, POST');
    }
    if (segments.length === 3 && segments[0] === 'api' && segments[1] === 'silences' && segments[2]) {
      const key = segments[2];
      if (method === 'DELETE') return api(async () => removeSilence(req, key));
      return methodNotAllowed(res, 'DELETE');
    }
    sendJson(res, 404, { error: 'not found' });
  }

  function authorize(req: IncomingMessage): void {
    const auth = authorizeWrite(opts.settings, req.headers.authorization);
    if (!auth.ok) throw new HttpError(auth.status, auth.reason);
    // The token already stops cross-site writes; a foreign Origin is refused as well, in case a
    // token ever ends up in a place another page can read it from.
    const origin = req.headers.origin;
    if (origin !== undefined && origin !== 'null') {
      let originHost: string | undefined;
      try {
        originHost = new URL(origin).host;
      } catch {
        originHost = undefined;
      }
      if (originHost !== req.headers.host) throw new HttpError(403, 'cross-origin writes are refused');
    }
  }

  async function createSilence(req: IncomingMessage): Promise<unknown> {
    authorize(req);
    const input = await readJson(req);
    const rule = input['rule'];
    if (typeof rule !== 'string' || rule === '') throw new HttpError(400, 'rule: required');
    const definition = opts.engine.ruleDefinition(rule);
    if (!definition) throw new HttpError(404, `rule: no such rule is loaded`);
    const key = input['key'];
    if (key !== undefined && (typeof key !== 'string' || key === '' || key.length > 512))
      throw new HttpError(400, 'key: a non-empty text of up to 512 characters, or absent for the whole rule');
    const reasonIn = input['reason'];
    if (reasonIn !== undefined && (typeof reasonIn !== 'string' || reasonIn.length > 500))
      throw new HttpError(400, 'reason: a text of up to 500 characters');
    const duration = parseDuration(input['duration'] ?? '1h');
    if (typeof duration !== 'number') throw new HttpError(400, `duration: ${duration.error}`);
    if (duration <= 0 || duration > MAX_SILENCE_MS) throw new HttpError(400, `duration: between 1s and ${formatDuration(MAX_SILENCE_MS)}`);
    // The keys the engine checks: the whole-rule key, or the realert key of this query_key value.
    const silence = requestedSilenceKey(rule, definition.options, key);
    // A reason marks the silence as manual: matches it suppresses count as suppressed_silence, not realert.
    const reason = typeof reasonIn === 'string' && reasonIn.trim() !== '' ? reasonIn : DEFAULT_SILENCE_REASON;
    const at = now();
    await opts.engine.stores.silences.set({ key: silence, untilMs: at + duration, exponent: 0, reason }, at, true);
    opts.log.info(
      { silence, until: new Date(at + duration).toISOString(), remote: req.socket.remoteAddress },
      `silence set from the status page: ${silence}`,
    );
    return { key: silence, until: new Date(at + duration).toISOString(), reason };
  }

  async function removeSilence(req: IncomingMessage, key: string): Promise<{ status: number; body: unknown }> {
    authorize(req);
    const removed = await opts.engine.stores.silences.delete(key);
    opts.log.info({ silence: key, removed, remote: req.socket.remoteAddress }, `silence removed from the status page: ${key}`);
    return { status: removed ? 200 : 404, body: { key, removed } };
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.settings.port, opts.settings.bind, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return { url: `http://${host}:${address.port}`, port: address.port, close: () => closeServer(server) };
}

async function only(allowed: boolean, res: ServerResponse, fn: () => void | Promise<void>): Promise<void> {
  if (!allowed) return methodNotAllowed(res, 'GET, HEAD');
  await fn();
}

function methodNotAllowed(res: ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendJson(res, 405, { error: 'method not allowed' });
}

function send(res: ServerResponse, status: number, contentType: string, body: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'Content-Type': contentType, 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const extra = status === 401 ? { 'WWW-Authenticate': 'Bearer realm="logwarden"' } : {};
  for (const [k, v] of Object.entries(extra)) res.setHeader(k, v);
  send(res, status, 'application/json; charset=utf-8', `${safeJson(body)}\n`);
}

/** A small JSON object body; only application/json, which a cross-site form cannot send. */
async function readJson(req: IncomingMessage): Promise<Record<string, unknown>> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  if (type !== 'application/json') throw new HttpError(415, 'expected Content-Type: application/json');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buf = chunk as Buffer;
    size += buf.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, `body larger than ${MAX_BODY_BYTES} bytes`);
    chunks.push(buf);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch {
    throw new HttpError(400, 'body is not JSON');
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw new HttpError(400, 'expected a JSON object');
  return parsed as Record<string, unknown>;
}

/**
 * Ready when Elasticsearch answers, every writeback index exists with the mapping LogWarden
 * needs, and at least one rule is loaded. Cached briefly and computed once at a time, so probes
 * and a flood of /readyz requests cost Elasticsearch two small requests per interval.
 */
function readinessChecker(opts: OpsServerOptions, now: () => number): () => Promise<Readiness> {
  const cacheMs = opts.readinessCacheMs ?? 2_000;
  const timeoutMs = opts.readinessTimeoutMs ?? 3_000;
  let cached: { at: number; value: Readiness } | undefined;
  let inFlight: Promise<Readiness> | undefined;
  const check = async (): Promise<Readiness> => {
    const rules = opts.engine.ruleNames().length;
    const reasons: string[] = [];
    const checks: Readiness['checks'] = { elasticsearch: 'ok', writeback: 'ok', rules };
    const transport = { requestTimeout: timeoutMs, maxRetries: 0 };
    const starting = opts.starting?.();
    if (starting) {
      checks.elasticsearch = 'unreachable';
      checks.writeback = 'unknown';
      reasons.push(starting);
      return { ready: false, reasons, checks };
    }
    try {
      const health = await opts.engine.stores.status.health(transport);
      if (health.missing.length > 0) checks.writeback = 'missing';
      else if (health.wrong.length > 0) checks.writeback = 'wrong';
      reasons.push(...describeHealth(health));
    } catch (error) {
      const e = error instanceof EsError ? error : undefined;
      checks.elasticsearch = e && e.retryable ? 'unreachable' : 'error';
      checks.writeback = 'unknown';
      reasons.push(`Elasticsearch: ${e ? e.message : String(error)}`);
    }
    if (rules === 0) reasons.push('no rules loaded');
    return { ready: reasons.length === 0, reasons, checks };
  };
  return async () => {
    const at = now();
    if (cached && at - cached.at < cacheMs) return cached.value;
    inFlight ??= check()
      .then((value) => {
        cached = { at: now(), value };
        return value;
      })
      .finally(() => {
        inFlight = undefined;
      });
    return inFlight;
  };
}

async function closeServer(server: Server): Promise<void> {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections (a browser, Prometheus) would hold close() open otherwise.
    server.closeIdleConnections();
    backgroundClock.setTimer(() => server.closeAllConnections(), 2_000);
  });
}
