import { describe, expect, it } from '@jest/globals';
import { WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError } from '@slack/web-api';
import { webApiFailure } from '../../../alerters/slack/webapi.ts';
import { redact } from '../../../src/escape/index.ts';
import { parseRetryAfter } from '../../../alerters/http.ts';
import { connectionProblem, slackCode } from '../../../alerters/slack/webhook.ts';

const TOKEN = 'xoxb-42-secret';

function failure(error: unknown): { message: string; retryable: boolean; retryAfterMs: number | undefined; slackCode: string | undefined } {
  const e = webApiFailure(error, 'channel #sec', 10_000, [TOKEN]);
  return { message: e.message, retryable: e.retryable, retryAfterMs: e.retryAfterMs, slackCode: e.slackCode };
}

describe('Web API failures', () => {
  it('makes a 429 retryable after Slack’s Retry-After', () => {
    expect(failure(new WebAPIRateLimitedError(3))).toEqual({
      message: 'slack: channel #sec: rate limited by Slack (HTTP 429)',
      retryable: true,
      retryAfterMs: 3000,
      slackCode: 'ratelimited',
    });
  });

  it('makes Slack’s transient errors retryable and the others permanent, with the reason', () => {
    expect(failure(new WebAPIPlatformError({ ok: false, error: 'internal_error' }))).toMatchObject({
      retryable: true,
      slackCode: 'internal_error',
    });
    expect(failure(new WebAPIPlatformError({ ok: false, error: 'ratelimited', response_metadata: { retryAfter: 7 } }))).toMatchObject({
      retryable: true,
      retryAfterMs: 7000,
    });
    for (const code of [
      'channel_not_found',
      'not_in_channel',
      'invalid_auth',
      'account_inactive',
      'token_revoked',
      'no_permission',
      'is_archived',
      'msg_too_long',
      'invalid_blocks',
    ]) {
      const f = failure(new WebAPIPlatformError({ ok: false, error: code }));
      expect(f).toMatchObject({ retryable: false, slackCode: code });
      expect(f.message).toMatch(new RegExp(`^slack: channel #sec: ${code}`));
    }
    expect(failure(new WebAPIPlatformError({ ok: false, error: 'not_in_channel' })).message).toBe(
      'slack: channel #sec: not_in_channel (invite the bot to the channel)',
    );
  });

  it('does not quote an error "code" that is not one (a proxy page in place of JSON)', () => {
    expect(failure(new WebAPIPlatformError({ ok: false, error: `<html>${TOKEN}</html>` })).message).toBe(
      'slack: channel #sec: unknown_error',
    );
  });

  it('makes 5xx, timeouts and connection errors retryable, other HTTP errors permanent', () => {
    expect(failure(new WebAPIHTTPError(503, 'Service Unavailable', {}, 'down'))).toMatchObject({
      message: 'slack: channel #sec: HTTP 503',
      retryable: true,
    });
    expect(failure(new WebAPIHTTPError(404, 'Not Found', {}, ''))).toMatchObject({
      message: 'slack: channel #sec: HTTP 404',
      retryable: false,
    });
    const timeout = new DOMException('The operation was aborted due to timeout', 'TimeoutError');
    expect(failure(new WebAPIRequestError(timeout))).toMatchObject({
      message: 'slack: channel #sec: no answer within 10 s',
      retryable: true,
    });
    const refused = new TypeError('fetch failed', { cause: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) });
    expect(failure(new WebAPIRequestError(refused))).toMatchObject({
      message: 'slack: channel #sec: connection failed (ECONNREFUSED)',
      retryable: true,
    });
  });

  it('treats WebClient’s plain errors as retryable, without the token', () => {
    expect(
      failure(new Error('Retry header did not contain a valid timeout (url: http://x/api/chat.postMessage, retry-after header: soon)')),
    ).toMatchObject({ retryable: true, retryAfterMs: undefined });
    const f = failure(new Error(`boom ${TOKEN} xoxp-999-other`));
    expect(f.retryable).toBe(true);
    expect(f.message).not.toContain(TOKEN);
    expect(f.message).not.toContain('xoxp-999-other');
  });

  it('redacts given secrets and anything shaped like a Slack token', () => {
    expect(redact(`a ${TOKEN} b xoxa-2-abc`, [TOKEN])).toBe('a *** b ***');
  });
});

describe('webhook helpers', () => {
  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2024-05-01T12:00:00Z');
    expect(parseRetryAfter('3', now)).toBe(3000);
    expect(parseRetryAfter('Wed, 01 May 2024 12:00:10 GMT', now)).toBe(10_000);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });

  it('quotes only what looks like a Slack error code', () => {
    expect(slackCode('invalid_payload\n')).toBe('invalid_payload');
    expect(slackCode('<html>Cannot POST /services/T0/B0/secret</html>')).toBeUndefined();
  });

  it('describes connection problems without the URL', () => {
    expect(connectionProblem(new DOMException('timeout', 'TimeoutError'), 2500)).toBe('no answer within 2.5 s');
    expect(connectionProblem(new TypeError('fetch failed https://hooks.slack.com/services/T0/B0/secret'), 1000)).toBe('connection failed');
  });
});
