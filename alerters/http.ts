/**
 * The one HTTP client of the alerter kit: what every HTTP alerter shares: a request with a
 * deadline, TLS settings from ElastAlert2's `*_ca_certs` / `*_ignore_ssl_errors` (verification on
 * by default), ElastAlert2's `*_proxy` (a CONNECT tunnel for https:// addresses, as `requests`
 * with `proxies={'https': ...}`), one Retry-After parser, the mapping of outcomes to retryable or
 * permanent AlerterErrors, and option helpers.
 *
 * Requests go through node:http / node:https rather than the global fetch: fetch can only take a
 * CA bundle or skip certificate checks through an undici dispatcher, and undici is not one of our
 * dependencies. AbortSignal.timeout still bounds the whole exchange (connect, send, answer).
 *
 * Secrets: a URL may be the credential (a token in its path or query), so messages name only
 * scheme and host. Bodies quoted from a peer are cut to 200 characters after every known secret
 * was removed from them.
 */
import { readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import path from 'node:path';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { redact } from '../src/escape/index.ts';
import { formatPython, lookupField, pyTruthy } from '../src/pycompat/index.ts';
import { ALERTER_SCHEMAS } from './schemas.ts';
import type { RuleDefinition } from '../src/rules/types.ts';
import { VERSION } from '../src/version.ts';
import { AlerterError, optionError } from './types.ts';
import { systemClock, type Clock } from '../src/schedule/clock.ts';

/** ElastAlert2's default for every `*_timeout`: 10 seconds. */
export const DEFAULT_TIMEOUT_MS = 10_000;
export const USER_AGENT = `LogWarden/${VERSION}`;
/** How much of a peer's answer is read: enough to quote an error, not enough to hold memory. */
const MAX_BODY_BYTES = 64 * 1024;
const QUOTED_BODY_CHARS = 200;

export interface TlsSettings {
  /** PEM certificates to trust instead of the system's; undefined: the system's. */
  ca?: string[] | undefined;
  rejectUnauthorized: boolean;
}

/** A failed POST: an AlerterError that also says what happened without the alerter prefix. */
export class HttpFailure extends AlerterError {
  /** The message without "alerter: ", for alerters that combine several failures. */
  readonly detail: string;
  /** The peer's status, when it answered. */
  readonly status: number | undefined;
  constructor(alerter: string, detail: string, retryable: boolean, retryAfterMs?: number, status?: number) {
    super(alerter, detail, retryable, retryAfterMs);
    this.detail = detail;
    this.status = status;
  }
}

/** What a POST that the peer accepted answered. */
export interface HttpResult {
  status: number;
  /** The first 64 KiB of the answer, as text. */
  body: string;
  /** The answer's Retry-After, for callers that `accept` a 429 to read its body. */
  retryAfterMs?: number | undefined;
  /** The answer's headers (Slack's Web API client reads them through its fetch). */
  headers: Readonly<http.IncomingHttpHeaders>;
}

export interface PostOptions {
  /** Values to remove from anything quoted in an error (keys, tokens, header values). */
  secrets?: readonly string[];
  /**
   * Treats a non-2xx answer as accepted (TheHive saying an alert with our sourceRef already
   * exists after an earlier attempt timed out).
   */
  accept?: (status: number, body: string) => boolean;
  /**
   * How much of the answer is read (default 64 KiB). A client that parses the answer (Slack's
   * chat.postMessage echoes the message, up to ~150 KB of blocks) needs all of it.
   */
  maxBodyBytes?: number;
}

export interface HttpClientOptions {
  /** The alerter type, which starts every error message. */
  alerter: string;
  timeoutMs: number;
  tls: TlsSettings;
  /** The option(s) to change when certificate verification fails, for the error message. */
  tlsHint?: string;
  /**
   * ElastAlert2's `*_proxy`: https:// requests go through a CONNECT tunnel to it (credentials in
   * its URL become Proxy-Authorization); http:// requests go direct, as ElastAlert2's
   * `proxies={'https': proxy}` does.
   */
  proxy?: URL | undefined;
  /** Where Retry-After dates are measured from; the system clock unless injected. */
  clock?: Clock | undefined;
}

/** Scheme and host (with port) of a URL: the only part of it that messages show. */
export function originOf(url: URL): string {
  return `${url.protocol}//${url.host}`;
}

/**
 * Every piece of a URL that may be a credential, for redaction: the URL itself, its path and
 * query, each path segment and query value, user and password, raw and percent-decoded.
 */
export function urlSecrets(url: URL): string[] {
  const out = new Set<string>([url.href, url.pathname + url.search, url.search.slice(1)]);
  for (const segment of url.pathname.split('/')) out.add(segment);
  for (const [name, value] of url.searchParams) {
    out.add(value);
    out.add(encodeURIComponent(value));
    out.add(`${name}=${value}`);
  }
  out.add(url.username);
  out.add(url.password);
  for (const s of [...out]) {
    try {
      out.add(decodeURIComponent(s));
    } catch {
      // not percent-encoded text: the raw form is already listed
    }
  }
  // Longest first, so a whole URL is replaced before its pieces.
  return [...out].filter((s) => s.length >= 4).sort((a, b) => b.length - a.length);
}

/** A proxy URL's secrets: its own, plus its credentials as a Proxy-Authorization header carries them. */
function proxySecrets(proxy: URL): string[] {
  const user = decodeURIComponent(proxy.username);
  const basic = Buffer.from(`${user}:${decodeURIComponent(proxy.password)}`).toString('base64');
  return [...urlSecrets(proxy), ...(user ? [basic] : [])];
}

/** Retry-After as milliseconds from now: delay-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | readonly string[] | undefined, nowMs: number): number | undefined {
  const text = (Array.isArray(value) ? value[0] : value)?.trim();
  if (!text) return undefined;
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  // An HTTP date names its month; Date.parse alone would read "-5" as a year.
  const at = /[A-Za-z]{3}/.test(text) ? Date.parse(text) : Number.NaN;
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** A peer's answer reduced to a short, single-line, secret-free quote. */
export function quoteBody(body: string, secrets: readonly string[]): string {
  // Redact before cutting, so a secret that straddles the cut cannot leave a visible half.
  const clean = redact(body, secrets)
    // eslint-disable-next-line no-control-regex
    .replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const chars = Array.from(clean);
  return chars.length > QUOTED_BODY_CHARS ? `${chars.slice(0, QUOTED_BODY_CHARS).join('')}...` : clean;
}

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// What Node accepts in a header value: tab, visible ASCII, and Latin-1 (no CR, LF or NUL).
const BAD_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** Why a header cannot be sent as it is, or undefined when it can. Never quotes the value. */
export function headerProblem(name: string, value: string): string | undefined {
  if (!HEADER_NAME.test(name)) return 'is not a valid header name';
  if (BAD_HEADER_VALUE.test(value)) return 'has a value with a line break, control or non-Latin-1 character';
  return undefined;
}

/**
 * POSTs bodies over one keep-alive agent per scheme (with this alerter's TLS settings) and turns
 * every outcome that is not acceptance into an HttpFailure: 429 (with Retry-After), 408, 5xx,
 * timeouts and connection errors are retryable; redirects and other 4xx are permanent.
 */
export class HttpClient {
  readonly alerter: string;
  readonly timeoutMs: number;
  private readonly tlsHint: string | undefined;
  private readonly clock: Clock;
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: http.Agent;
  private readonly proxySecrets: readonly string[];
  private readonly tls: TlsSettings;

  constructor(options: HttpClientOptions) {
    this.alerter = options.alerter;
    this.timeoutMs = options.timeoutMs;
    this.tlsHint = options.tlsHint;
    this.clock = options.clock ?? systemClock;
    this.httpAgent = new http.Agent({ keepAlive: true });
    const tls = { rejectUnauthorized: options.tls.rejectUnauthorized, ...(options.tls.ca ? { ca: options.tls.ca } : {}) };
    // The agent's options reach the TLS handshake with the peer inside the tunnel.
    this.httpsAgent = options.proxy
      ? new HttpsProxyAgent(options.proxy, { keepAlive: true, ...tls })
      : new https.Agent({ keepAlive: true, ...tls });
    this.tls = options.tls;
    this.proxySecrets = options.proxy ? proxySecrets(options.proxy) : [];
  }

  /** POSTs `body`; see `request`. */
  post(url: URL, body: string, headers: Readonly<Record<string, string>>, options: PostOptions = {}): Promise<HttpResult> {
    return this.request('POST', url, body, headers, options);
  }

  /** Sends one request and resolves with the answer when the peer accepted it (2xx or `accept`). */
  async request(
    method: string,
    url: URL,
    body: string | undefined,
    headers: Readonly<Record<string, string>>,
    options: PostOptions = {},
  ): Promise<HttpResult> {
    const where = originOf(url);
    const secrets = [...urlSecrets(url), ...this.proxySecrets, ...(options.secrets ?? [])];
    for (const [name, value] of Object.entries(headers)) {
      const problem = headerProblem(name, value);
      // The header comes from the rule or from the document; either way sending it later will not help.
      if (problem) throw new HttpFailure(this.alerter, `not sent to ${where}: a header ${problem}`, false);
    }
    let answer: { status: number; headers: http.IncomingHttpHeaders; body: string };
    try {
      answer = await this.exchange(method, url, body, headers, options.maxBodyBytes ?? MAX_BODY_BYTES);
    } catch (error) {
      throw this.transportFailure(method, error, where, secrets);
    }
    const { status } = answer;
    if ((status >= 200 && status < 300) || options.accept?.(status, answer.body)) {
      return {
        status,
        body: answer.body,
        retryAfterMs: parseRetryAfter(answer.headers['retry-after'], this.clock.now()),
        headers: answer.headers,
      };
    }

    const quoted = quoteBody(answer.body, secrets);
    const detail = `${method} to ${where} failed: HTTP ${status}${http.STATUS_CODES[status] ? ` ${http.STATUS_CODES[status]}` : ''}${quoted ? `: ${quoted}` : ''}`;
    if (status === 429 || status === 408 || status >= 500) {
      const retryAfterMs = parseRetryAfter(answer.headers['retry-after'], this.clock.now());
      throw new HttpFailure(this.alerter, detail, true, retryAfterMs, status);
    }
    if (status === 407) {
      throw new HttpFailure(this.alerter, `${detail} (the proxy refused: check the proxy option's credentials)`, false, undefined, status);
    }
    if (status >= 300 && status < 400) {
      throw new HttpFailure(this.alerter, `${detail} (redirects are not followed: configure the final address)`, false, undefined, status);
    }
    throw new HttpFailure(this.alerter, detail, false, undefined, status);
  }

  /** Releases pooled connections. */
  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private transportFailure(method: string, error: unknown, where: string, secrets: readonly string[]): HttpFailure {
    const err = error as NodeJS.ErrnoException | undefined;
    if (err?.name === 'AbortError' || err?.name === 'TimeoutError') {
      return new HttpFailure(this.alerter, `${method} to ${where} timed out after ${this.timeoutMs / 1000}s`, true);
    }
    const code = typeof err?.code === 'string' ? err.code : undefined;
    // Node refuses some requests before sending (a header it will not write): not a network problem.
    if (code?.startsWith('ERR_INVALID') || code === 'ERR_HTTP_INVALID_HEADER_VALUE') {
      return new HttpFailure(this.alerter, `not sent to ${where}: ${code}`, false);
    }
    const tls = code !== undefined && /CERT|SELF_SIGNED|UNABLE_TO_(GET|VERIFY)|ERR_TLS|HOSTNAME/.test(code);
    const message = redact(err instanceof Error ? err.message : String(error), secrets);
    const hint = tls && this.tlsHint ? ` (certificate not trusted: see ${this.tlsHint})` : '';
    // Certificate problems are usually configuration, but a peer renewing its certificate fixes
    // itself; retrying until alert_time_limit costs little and loses nothing.
    return new HttpFailure(this.alerter, `${method} to ${where} failed: ${message}${hint}`, true);
  }

  private exchange(
    method: string,
    url: URL,
    body: string | undefined,
    headers: Readonly<Record<string, string>>,
    maxBodyBytes: number,
  ): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: string }> {
    const payload = Buffer.from(body ?? '', 'utf8');
    const isHttps = url.protocol === 'https:';
    const request = isHttps ? https.request : http.request;
    return new Promise((resolve, reject) => {
      const req = request(
        url,
        {
          method,
          agent: isHttps ? this.httpsAgent : this.httpAgent,
          // Also per request: through a proxy tunnel, only these reach the handshake with the peer.
          ...(isHttps ? { rejectUnauthorized: this.tls.rejectUnauthorized, ...(this.tls.ca ? { ca: this.tls.ca } : {}) } : {}),
          headers: { 'User-Agent': USER_AGENT, ...headers, ...(body === undefined ? {} : { 'Content-Length': String(payload.length) }) },
          signal: AbortSignal.timeout(this.timeoutMs),
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          let settled = false;
          const finish = (): void => {
            if (settled) return;
            settled = true;
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') });
          };
          res.on('data', (chunk: Buffer) => {
            if (settled) return;
            chunks.push(chunk.subarray(0, maxBodyBytes - size));
            size += chunk.length;
            if (size >= maxBodyBytes) {
              finish();
              res.destroy();
            }
          });
          res.on('end', finish);
          res.on('error', (error) => {
            if (settled) return;
            settled = true;
            reject(error);
          });
          res.on('close', () => {
            if (settled) return;
            settled = true;
            reject(new Error('the connection closed before the answer was complete'));
          });
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : payload);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// Option helpers shared by the HTTP alerters.

type Options = Readonly<Record<string, unknown>>;

/** An http(s) URL option; the message never quotes the value (it may hold a token). */
export function httpUrl(rule: RuleDefinition, option: string, value: unknown): URL {
  if (typeof value !== 'string' || value.trim() === '') throw optionError(rule, option, 'must be an http:// or https:// URL');
  let url: URL;
  try {
    url = new URL(value.trim());
  } catch {
    throw optionError(rule, option, 'is not a valid URL (value hidden: it may hold a token)');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw optionError(rule, option, `must be an http:// or https:// URL, not ${url.protocol}`);
  return url;
}

/** One URL or a list of them (ElastAlert2's `http_post_url` takes both). */
export function httpUrls(rule: RuleDefinition, option: string, value: unknown): URL[] {
  const list = Array.isArray(value) ? value : [value];
  if (list.length === 0) throw optionError(rule, option, 'must name at least one URL');
  return list.map((v, i) => httpUrl(rule, Array.isArray(value) ? `${option}[${i}]` : option, v));
}

/** A `*_timeout` in seconds (fractions allowed) as milliseconds. */
export function timeoutOption(rule: RuleDefinition, opts: Options, option: string): number {
  const value = opts[option];
  if (value === undefined || value === null) return DEFAULT_TIMEOUT_MS;
  if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value))
    throw optionError(rule, option, 'must be a number of seconds greater than 0');
  return Math.round(value * 1000);
}

/** PEM certificates from a bundle file or from every file of a directory (as `requests` takes either). */
function readCa(rule: RuleDefinition, option: string, location: string): string[] {
  try {
    const files = statSync(location).isDirectory()
      ? readdirSync(location)
          .map((f) => path.join(location, f))
          .filter((f) => statSync(f).isFile())
      : [location];
    const pems = files.map((f) => readFileSync(f, 'utf8')).filter((text) => text.includes('-----BEGIN CERTIFICATE-----'));
    if (pems.length === 0) throw new Error('no PEM certificate found');
    return pems;
  } catch (error) {
    throw optionError(rule, option, `cannot read CA certificates from ${JSON.stringify(location)}: ${(error as Error).message}`);
  }
}

/**
 * ElastAlert2's verification rule: a `*_ca_certs` path is trusted (and wins); `*_ca_certs: true`
 * verifies with the system's CAs; otherwise `*_ignore_ssl_errors: true` turns verification off.
 */
export function tlsOptions(rule: RuleDefinition, opts: Options, caOption: string, ignoreOption: string): TlsSettings {
  const ca = opts[caOption];
  if (typeof ca === 'string' && ca !== '') return { ca: readCa(rule, caOption, ca), rejectUnauthorized: true };
  if (ca === true) return { rejectUnauthorized: true };
  if (ca !== undefined && ca !== null && ca !== false && ca !== '')
    throw optionError(rule, caOption, 'must be true or the path of a CA bundle or directory');
  const ignore = opts[ignoreOption];
  if (ignore !== undefined && ignore !== null && typeof ignore !== 'boolean')
    throw optionError(rule, ignoreOption, 'must be true or false');
  return { rejectUnauthorized: ignore !== true };
}

/** `requests`' `verify`: true / false, or a CA bundle path (TheHive's `hive_verify`). */
export function verifyOption(rule: RuleDefinition, option: string, value: unknown, fallback: boolean): TlsSettings {
  if (value === undefined || value === null) return { rejectUnauthorized: fallback };
  if (typeof value === 'boolean') return { rejectUnauthorized: value };
  if (typeof value === 'string' && value !== '') return { ca: readCa(rule, option, value), rejectUnauthorized: true };
  throw optionError(rule, option, 'must be true, false or the path of a CA bundle');
}

/**
 * ElastAlert2's `*_proxy`: an http:// or https:// proxy URL, optionally with credentials (or
 * with `login` / `password` options, as telegram_proxy_login). Messages never quote it.
 */
export function proxyOption(rule: RuleDefinition, opts: Options, option: string, login?: string, password?: string): URL | undefined {
  const value = opts[option];
  if (value === undefined || value === null || value === '') return undefined;
  const url = httpUrl(rule, option, value);
  const user = login ? opts[login] : undefined;
  if (typeof user === 'string' && user !== '') {
    url.username = encodeURIComponent(user);
    const pass = password ? opts[password] : undefined;
    if (typeof pass === 'string') url.password = encodeURIComponent(pass);
  }
  return url;
}

/**
 * A secret given inline, in a file (`<option>_file`, trimmed) or in an environment variable
 * (`<option>_env` names it). Exactly one may be set. Rule files may also write `${VAR}`.
 */
export function secretOption(
  rule: RuleDefinition,
  opts: Options,
  option: string,
  env: NodeJS.ProcessEnv,
  where = option,
): string | undefined {
  const given = [option, `${option}_file`, `${option}_env`].filter((o) => opts[o] !== undefined && opts[o] !== null);
  if (given.length > 1) throw optionError(rule, where, `set only one of ${given.join(', ')}`);
  const inline = opts[option];
  if (inline !== undefined && inline !== null) {
    if (typeof inline !== 'string' || inline === '')
      throw optionError(rule, where, 'must be a non-empty string (value hidden: it is a secret)');
    return inline;
  }
  const file = opts[`${option}_file`];
  if (file !== undefined && file !== null) {
    if (typeof file !== 'string' || file === '') throw optionError(rule, `${where}_file`, 'must be the path of a file');
    let text: string;
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (error) {
      throw optionError(rule, `${where}_file`, `cannot read ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
    }
    if (text === '') throw optionError(rule, `${where}_file`, `${JSON.stringify(file)} is empty`);
    return text;
  }
  const name = opts[`${option}_env`];
  if (name !== undefined && name !== null) {
    if (typeof name !== 'string' || name === '') throw optionError(rule, `${where}_env`, 'must name an environment variable');
    const value = env[name]?.trim();
    if (!value) throw optionError(rule, `${where}_env`, `environment variable ${name} is not set`);
    return value;
  }
  return undefined;
}

/** Header options: a mapping of names to scalar values, checked once at load. */
export function headersOption(rule: RuleDefinition, opts: Options, option: string): Record<string, string> {
  const value = opts[option];
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw optionError(rule, option, 'must map header names to values');
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    if (v !== null && typeof v === 'object') throw optionError(rule, option, `header ${JSON.stringify(name)} must have a text value`);
    const text = v === null || v === undefined ? '' : String(v);
    const problem = headerProblem(name, text);
    // The name is the author's; the value may be a key, so only the name is quoted.
    if (problem) throw optionError(rule, option, `header ${JSON.stringify(name)} ${problem}`);
    out[name] = text;
  }
  return out;
}

/** Sets an own property, even "__proto__" (a key that may come from a document). */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

// ---------------------------------------------------------------------------------------------
// ElastAlert2's "<option>_args" formatting (pagerduty_*_args, TheHive title_args, ...).

/**
 * Secret options of a rule that are not in an alerter's schema: ServiceNow's unprefixed
 * `password` (src/rules/alerter-options.ts). The rule's own connection secrets (es_password, ...)
 * are refused, so a rule that sets them never reaches an alerter. Listed here so that alerters do
 * not depend on src/rules, which joins the alerters' schemas; test/unit/alerters/http.test.ts
 * checks that every secret option a running rule can have is withheld.
 */
const RULE_SECRET_OPTIONS = ['password'];

let secretOptions: ReadonlySet<string> | undefined;
/** Built on first use: the alerters' schemas are complete only once every module is loaded. */
function isSecretOption(name: string): boolean {
  secretOptions ??= new Set([
    ...RULE_SECRET_OPTIONS,
    ...ALERTER_SCHEMAS.flatMap((s) =>
      Object.entries(s.options)
        .filter(([, schema]) => schema['x-secret'])
        .map(([option]) => option),
    ),
    'hive_connection',
    'pagerduty_service_key_file',
    'pagerduty_service_key_env',
  ]);
  return secretOptions.has(name) || /_(password|pass|token|secret)$/.test(name);
}

/**
 * A rule option by its ElastAlert2 name (ElastAlert2 looks args up in the rule dict when the
 * match lacks them), or the rule's own name/type/index. Secret options are never handed out.
 */
export function ruleValue(rule: RuleDefinition, name: string): unknown {
  if (isSecretOption(name)) return undefined;
  if (Object.hasOwn(rule.options, name)) {
    const value = rule.options[name];
    return value === null ? undefined : value;
  }
  const own: Record<string, unknown> = { name: rule.name, type: rule.type, index: rule.index };
  return own[name];
}

/** The missing-value marker: `alert_missing_value` or ElastAlert2's "<MISSING VALUE>". */
export function missingValue(rule: RuleDefinition, override?: unknown): string {
  if (typeof override === 'string') return override;
  const value = rule.options['alert_missing_value'];
  return typeof value === 'string' ? value : '<MISSING VALUE>';
}

/** A list-of-field-names option (`*_args`); undefined when not set. */
export function argsOption(rule: RuleDefinition, option: string, value: unknown): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) throw optionError(rule, option, 'must be a list of field names');
  return value as string[];
}

/**
 * Checks at load that `template` formats with `count` positional values, so a bad template is a
 * rule error rather than a failed alert.
 */
export function checkFormat(rule: RuleDefinition, option: string, template: string, count: number): void {
  try {
    formatPython(
      template,
      Array.from({ length: count }, () => ''),
    );
  } catch (error) {
    throw optionError(rule, option, `cannot be formatted with ${count} value(s): ${(error as Error).message}`);
  }
}

/**
 * ElastAlert2's formatting with args: each arg is the match's field, else a truthy rule option of
 * that name, else the missing marker; then `template.format(*values)`. The template is parsed once,
 * so a value containing "{0}" is inserted as text and never expanded.
 */
export function formatArgs(
  rule: RuleDefinition,
  match: Readonly<Record<string, unknown>>,
  template: string,
  args: readonly string[] | undefined,
  missing = missingValue(rule),
): string {
  if (!args) return template;
  const values = args.map((arg) => {
    const value = lookupField(match, arg);
    if (value !== undefined) return value;
    const fromRule = ruleValue(rule, arg);
    return pyTruthy(fromRule) ? fromRule : missing;
  });
  return formatPython(template, values);
}
