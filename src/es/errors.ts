import { errors } from '@elastic/elasticsearch';
import { redact } from '../escape/index.ts';

export type EsErrorKind =
  | 'connection'
  | 'timeout'
  | 'rate_limited'
  | 'unavailable'
  | 'auth'
  | 'forbidden'
  | 'not_found'
  | 'bad_request'
  | 'conflict'
  | 'not_elasticsearch'
  | 'unknown';

const RETRYABLE: ReadonlySet<EsErrorKind> = new Set(['connection', 'timeout', 'rate_limited', 'unavailable']);

/**
 * A failed Elasticsearch call, classified: `retryable` says whether trying the same request
 * later can succeed (cluster down, overloaded, 429, 5xx) or whether it cannot until something
 * is changed (a query Elasticsearch rejects, wrong credentials). The message is redacted.
 */
export class EsError extends Error {
  override name = 'EsError';
  readonly kind: EsErrorKind;
  readonly retryable: boolean;
  readonly status: number | undefined;
  /** Elasticsearch's own error type, e.g. "parsing_exception". */
  readonly esType: string | undefined;

  constructor(kind: EsErrorKind, message: string, status?: number, esType?: string) {
    super(message);
    this.kind = kind;
    this.retryable = RETRYABLE.has(kind);
    this.status = status;
    this.esType = esType;
  }
}

interface EsErrorBody {
  error?:
    | { type?: string; reason?: string; root_cause?: { type?: string; reason?: string }[]; caused_by?: { type?: string; reason?: string } }
    | string;
  status?: number;
}

function reasonOf(body: unknown): { type?: string; reason?: string } {
  // A proxy in front of Elasticsearch may answer in plain text (or HTML): its first words still help.
  if (typeof body === 'string') {
    const text = body.replace(/\s+/g, ' ').trim();
    return text ? { reason: text.length > 200 ? `${text.slice(0, 197)}...` : text } : {};
  }
  const b = body as EsErrorBody | undefined;
  if (!b || typeof b !== 'object') return {};
  if (typeof b.error === 'string') return { reason: b.error };
  const err = b.error;
  if (!err) return {};
  const root = err.root_cause?.[0];
  // "all shards failed" says nothing: the root cause carries the parse error a rule author needs.
  const parts = [err.reason, err.caused_by?.reason, root?.reason].filter((p, i, all): p is string => Boolean(p) && all.indexOf(p) === i);
  const reason = parts.join(': ') || undefined;
  return { type: err.type ?? root?.type, reason };
}

function kindForStatus(status: number): EsErrorKind {
  if (status === 429) return 'rate_limited';
  if (status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not_found';
  if (status === 409) return 'conflict';
  if (status >= 500) return 'unavailable';
  if (status >= 400) return 'bad_request';
  return 'unknown';
}

/** Turns whatever the client threw into an EsError; `what` says what we were doing ("searching logs-*"). */
export function classifyEsError(error: unknown, what: string, secrets: readonly (string | undefined)[] = []): EsError {
  if (error instanceof EsError) return error;
  const say = (kind: EsErrorKind, detail: string, status?: number, esType?: string): EsError =>
    new EsError(kind, redact(`${what}: ${detail}`, secrets), status, esType);

  if (error instanceof errors.ResponseError) {
    const status = error.statusCode ?? 0;
    const { type, reason } = reasonOf(error.body);
    const detail = `HTTP ${status}${type ? ` ${type}` : ''}${reason ? `: ${reason}` : ''}`;
    return say(kindForStatus(status), detail, status, type);
  }
  if (error instanceof errors.TimeoutError) return say('timeout', 'request timed out');
  if (error instanceof errors.NoLivingConnectionsError) return say('connection', 'no Elasticsearch node is reachable');
  if (error instanceof errors.ConnectionError) {
    // A TLS handshake answered in plain HTTP: OpenSSL's "wrong version number" helps nobody.
    if (/wrong version number|WRONG_VERSION_NUMBER|http request|packet length too long/i.test(error.message)) {
      return say('connection', 'cannot connect: the cluster does not speak TLS here — try http:// instead of https:// (or use_ssl: false)');
    }
    return say('connection', `cannot connect (${error.message})`);
  }
  if (error instanceof errors.ProductNotSupportedError) return say('not_elasticsearch', 'the server is not Elasticsearch');
  if (error instanceof errors.RequestAbortedError) return say('timeout', 'request aborted');
  const message = error instanceof Error ? error.message : String(error);
  return say('unknown', message);
}

/**
 * The failure of one item of a bulk request, classified by its own status: a 429 or 5xx can be
 * tried again, a mapping error (400) cannot until the index is fixed, and saying "retryable" about
 * it would hide a rule that can never record its alert again (issue #16).
 */
export function bulkItemError(
  what: string,
  item: { status: number; error?: { type?: string | null; reason?: string | null } | undefined },
  secrets: readonly (string | undefined)[] = [],
): EsError {
  const type = item.error?.type ?? undefined;
  const detail = `HTTP ${item.status}${type ? ` ${type}` : ''}${item.error?.reason ? `: ${item.error.reason}` : ''}`;
  return new EsError(kindForStatus(item.status), redact(`${what}: ${detail}`, secrets), item.status, type);
}
