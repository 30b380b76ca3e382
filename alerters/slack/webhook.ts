/**
 * Incoming webhooks (ElastAlert2's transport): one JSON POST per webhook URL and channel.
 * The URL is the credential, so it never appears in an error: targets are named "webhook 2".
 * Slack answers 200 "ok", or a status with a short text code (400 invalid_payload,
 * 404 channel_not_found, 410 channel_is_archived, 403 action_prohibited, 429 with Retry-After, 5xx).
 */
import { HttpFailure, type HttpClient, type HttpResult } from '../http.ts';
import { AlerterError } from '../types.ts';

export interface WebhookPostOptions {
  /** How this target is named in errors ("webhook 1"), never the URL. */
  label: string;
  /** The kit's HTTP client with this rule's timeout, TLS settings and proxy. */
  client: HttpClient;
}

/** Resolves when Slack accepted the message; throws AlerterError otherwise (retryable when it may work later). */
export async function postWebhook(url: string, payload: unknown, opts: WebhookPostOptions): Promise<void> {
  let answer: HttpResult;
  try {
    // Every answer is read here: Slack's short error codes say more than the status.
    answer = await opts.client.post(
      new URL(url),
      JSON.stringify(payload),
      { 'Content-Type': 'application/json; charset=utf-8' },
      { accept: () => true },
    );
  } catch (error) {
    const detail = error instanceof HttpFailure ? error.detail : String(error);
    throw new AlerterError('slack', `${opts.label}: ${transportProblem(detail, opts.client.timeoutMs)}`, true);
  }
  const { status, body } = answer;
  if (status >= 200 && status < 300) return;
  const reason = slackCode(body);
  const what = `${opts.label}: HTTP ${status}${reason ? ` ${reason}` : ''}`;
  if (status === 429) throw new AlerterError('slack', `${what} (rate limited)`, true, answer.retryAfterMs);
  if (status >= 500 || status === 408) throw new AlerterError('slack', what, true);
  if (status >= 300 && status < 400) throw new AlerterError('slack', `${what}: unexpected redirect, check the webhook URL`, false);
  throw new AlerterError('slack', what, false);
}

/**
 * Slack's error codes are short snake_case words; anything else (an HTML page from a proxy, which
 * might echo the request path and so the secret part of the URL) is left out of the message.
 */
export function slackCode(body: string): string | undefined {
  const text = body.trim();
  return /^[a-z][a-z0-9_]{0,63}$/.test(text) ? text : undefined;
}

/** What went wrong before any answer, without the URL (fetch's messages do not carry it, causes may). For the Web API's fetch. */
export function connectionProblem(error: unknown, timeoutMs: number): string {
  // Duck-typed: fetch's DOMException and errors from another realm fail `instanceof Error`.
  const e = typeof error === 'object' && error !== null ? (error as { name?: unknown; cause?: { code?: unknown } }) : undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = e?.cause?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? `connection failed (${code})` : 'connection failed';
}

/**
 * The same for the kit's HTTP client (webhooks), whose message names only scheme and host: of
 * that only the error code is kept ("connection failed (ECONNREFUSED)").
 */
export function transportProblem(detail: string, timeoutMs: number): string {
  if (/timed out after/.test(detail)) return `no answer within ${timeoutMs / 1000} s`;
  if (/certificate not trusted/.test(detail))
    return 'connection failed (certificate not trusted: see slack_ca_certs / slack_ignore_ssl_errors)';
  const code = /\b(E[A-Z0-9_]{2,40})\b/.exec(detail)?.[1];
  return code ? `connection failed (${code})` : 'connection failed';
}
