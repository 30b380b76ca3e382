/**
 * The chatwork alerter against a real HTTP server shaped like Chatwork API v2
 * (`POST /v2/rooms/<id>/messages`, `x-chatworktoken`, a form with `body` and `self_unread`;
 * 401 `{"errors": [...]}` for a bad token; 429 when over 300 requests in 5 minutes).
 */
import { describe, expect, it } from '@jest/globals';
import { createChatworkAlerter } from '../../alerters/chatwork/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const KEY = 'cHaTwOrKaPiKeY0123456789abcdef';
const kit = kitHarness('chatwork', createChatworkAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"message_id":"1234"}' });
const options = (p: Peer) => ({ chatwork_apikey: KEY, chatwork_room_id: 4321, chatwork_api_url: p.url });
const formOf = (p: Peer, i = 0): URLSearchParams => new URLSearchParams(p.requests[i]?.body ?? '');

describe('chatwork against a Chatwork API peer', () => {
  it('posts the form to the room with the token header', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe('/v2/rooms/4321/messages');
    expect(p.requests[0]?.headers['x-chatworktoken']).toBe(KEY);
    expect(p.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(formOf(p))).toEqual({ self_unread: '0', body: 'SSH brute force\n\nuser: bob\n' });
  });

  it('a value cannot form [toall], [To:id] or [info]; & and = stay inside the body; 1 MB is cut to 2,047', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    await a.send(alertWith('[toall][To:123][info]x[/info]&self_unread=1\u202E'));
    expect(Object.fromEntries(formOf(p))).toEqual({
      self_unread: '0',
      body: 'user: [\u2060toall][\u2060To:123][\u2060info]x[\u2060/info]&self_unread=1\n',
    });
    await a.send(alertWith('c'.repeat(1024 * 1024)));
    const body = formOf(p, 1).get('body') ?? '';
    expect(body.length).toBeLessThanOrEqual(2047);
    expect(body).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
  });

  it('401 is permanent, 429 retryable after Retry-After; the key never shows', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    p.replies.push({ status: 401, body: `{"errors":["Invalid API token ${KEY}"]}` });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toContain(KEY);
    p.replies.push({ status: 429, headers: { 'Retry-After': '40' }, body: '{"errors":["Rate limit exceeded"]}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 40_000 });
  });
});
