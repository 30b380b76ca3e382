/**
 * The line alerter against a real HTTP server shaped like the LINE Messaging API push endpoint
 * (`POST /v2/bot/message/push`, Bearer token, text at most 5,000 characters, `X-Line-Retry-Key`
 * answered with 409 when that key was already accepted, 429 when rate limited).
 */
import { describe, expect, it } from '@jest/globals';
import { createLineAlerter, retryKey } from '../../alerters/line/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer, type Received } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const TOKEN = 'lInEcHaNnElToKeN+abc/def=';
const kit = kitHarness('line', createLineAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"sentMessages":[{"id":"1","quoteToken":"q"}]}' });
const options = (p: Peer) => ({ line_channel_access_token: TOKEN, line_to: 'U4af4980629', line_api_url: p.url });

/** What the Messaging API refuses with 400 / 401. */
function lineProblems(req: Received): string[] {
  if (req.headers.authorization !== `Bearer ${TOKEN}`) return ['401 Authentication failed'];
  const key = String(req.headers['x-line-retry-key'] ?? '');
  if (!/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(key)) return ['400 The retry key must be a UUID'];
  const body = JSON.parse(req.body) as { messages: { text: string }[] };
  return body.messages.some((m) => m.text.length > 5000) ? ['400 messages[0].text: Length must be between 0 and 5000'] : [];
}

describe('line against a Messaging API peer', () => {
  it("pushes ElastAlert2's text message to line_to with the token and a retry key", async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe('/v2/bot/message/push');
    expect(lineProblems(p.requests[0]!)).toEqual([]);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({
      to: 'U4af4980629',
      messages: [{ type: 'text', text: 'SSH brute force\n\nuser: bob\n' }],
    });
  });

  it('a retry of one alert carries the same retry key, and 409 (already accepted) counts as sent', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    p.replies.push('hang');
    const lost = kit.alerter({ ...options(p), line_timeout: 0.2 });
    await thrown(() => lost.send(alertOf(MATCH)));
    p.replies.push({
      status: 409,
      headers: { 'x-line-accepted-request-id': 'r1' },
      body: '{"message":"The retry key is already accepted"}',
    });
    await a.send(alertOf(MATCH));
    expect(p.requests.map((r) => r.headers['x-line-retry-key'])).toEqual([
      retryKey(alertOf(MATCH).alertId),
      retryKey(alertOf(MATCH).alertId),
    ]);
    await a.send(alertOf(MATCH, { alertId: 'other' }));
    expect(p.requests[2]?.headers['x-line-retry-key']).not.toBe(p.requests[0]?.headers['x-line-retry-key']);
  });

  it('text loses controls, 1 MB is cut to 5,000 characters; 401 permanent, 429 retryable; the token never shows', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    await a.send(alertWith(`\u202E\u0007${'l'.repeat(1024 * 1024)}`));
    expect(lineProblems(p.requests[0]!)).toEqual([]);
    expect(p.requests[0]?.body).toMatch(/"text":"user: l+\\n\[… truncated: \d+ more characters not shown\]"/);
    p.replies.push({ status: 401, body: `{"message":"Authentication failed. Confirm that the access token ${TOKEN} is valid."}` });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toContain(TOKEN);
    p.replies.push({ status: 429, headers: { 'Retry-After': '1' }, body: '{"message":"The API rate limit has been exceeded."}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 1000 });
  });
});
