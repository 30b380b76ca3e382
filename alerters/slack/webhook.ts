/**
 * Incoming webhooks (ElastAlert2's transport): one JSON POST per webhook URL and channel.
 * The URL is the credential, so it never appears in an error: targets are named "webhook 2".
 * Slack answers 200 "ok", or a status with a short text code (400 invalid_payload,
 * 404 channel_not_found, 410 channel_is_archived, 403 action_prohibited, 429 with Retry-After, 5xx).
 */
import { parseRetryAfter } from '../http.ts';
import { AlerterError } from '../types.ts';

export interface WebhookPostOptions {
  /** How this target is named in errors ("webhook 1"), never the URL. */
  label: string;
  timeoutMs: number;
  now: () => number;
  /** Node's fetch unless a test swaps it. */
  fetch?: typeof fetch;
}

/** Resolves when Slack accepted the message; throws AlerterError otherwise (retryable when it may work later). */
export async function postWebhook(url: string, payload: unknown, opts: WebhookPostOptions): Promise<void> {
  const doFetch = opts.fetch ?? fetch;
  let response: Response;
  try {
    response = await doFetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json; charset=utf-8' },
      body: JSON.stringify(payload),
      // A redirect would resend the payload elsewhere; Slack's webhooks do not redirect.
      redirect: 'manual',
      signal: AbortSignal.timeout(opts.timeoutMs),
    });
  } catch (error) {
    throw new AlerterError('slack', `${opts.label}: ${connectionProblem(error, opts.timeoutMs)}`, true);
  }
  let body = '';
  try {
    body = await response.text();
  } catch {
    // The status says enough; a body cut short is not worth failing a delivered message for.
  }
  if (response.status >= 200 && response.status < 300) return;
  const reason = slackCode(body);
  const what = `${opts.label}: HTTP ${response.status}${reason ? ` ${reason}` : ''}`;
  if (response.status === 429) {
    throw new AlerterError('slack', `${what} (rate limited)`, true, parseRetryAfter(response.headers.get('retry-after') ?? undefined, opts.now()));
  }
  if (response.status >= 500 || response.status === 408) throw new AlerterError('slack', what, true);
  if (response.status >= 300 && response.status < 400) throw new AlerterError('slack', `${what}: unexpected redirect, check the webhook URL`, false);
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

/** What went wrong before any answer, without the URL (fetch's messages do not carry it, causes may). */
export function connectionProblem(error: unknown, timeoutMs: number): string {
  // Duck-typed: fetch's DOMException and errors from another realm fail `instanceof Error`.
  const e = typeof error === 'object' && error !== null ? (error as { name?: unknown; cause?: { code?: unknown } }) : undefined;
  if (e?.name === 'TimeoutError' || e?.name === 'AbortError') return `no answer within ${timeoutMs / 1000} s`;
  const code = e?.cause?.code;
  return typeof code === 'string' && /^[A-Z0-9_]{2,40}$/.test(code) ? `connection failed (${code})` : 'connection failed';
}
