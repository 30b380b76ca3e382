/**
 * The lark alerter against a real HTTP server shaped like a Lark / Feishu custom bot
 * (`POST /open-apis/bot/v2/hook/<id>`): HTTP 200 with `{"code", "msg"}`, 19001 for a bad hook,
 * 11232 when rate limited, 9499 for a request over 20 KB.
 */
import { describe, expect, it } from '@jest/globals';
import { createLarkAlerter } from '../../alerters/lark/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const BOT = 'c0ffee00-1234-4abc-9def-lArKsEcReT';
const kit = kitHarness('lark', createLarkAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"code":0,"msg":"success","data":{}}' });
const options = (p: Peer) => ({ lark_bot_id: BOT, lark_api_url: `${p.url}/open-apis/bot/v2/hook` });

describe('lark against a Lark custom bot peer', () => {
  it("posts ElastAlert2's {msg_type, content: {title, text}} to <base>/<bot id>", async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe(`/open-apis/bot/v2/hook/${BOT}`);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({
      msg_type: 'text',
      content: { title: 'SSH brute force', text: 'SSH brute force\n\nuser: bob\n' },
    });
  });

  it('a value cannot form an <at> tag; controls go; 1 MB keeps the request under 20 KB', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertWith('<at user_id="all">everyone</at>\u202E\u0007'));
    const body = JSON.parse(p.requests[0]?.body ?? '') as { content: { title: string; text: string } };
    expect(body.content.text).toBe('user: <\u2060at user_id="all">everyone<\u2060/at>\n');
    expect(body.content.title).not.toMatch(/<(?!\u2060)/);
    await kit.alerter(options(p)).send(alertWith('x'.repeat(1024 * 1024)));
    expect(Buffer.byteLength(p.requests[1]?.body ?? '')).toBeLessThan(20 * 1024);
    expect(p.requests[1]?.body).toMatch(/\[… truncated: \d+ more characters not shown\]"\}\}$/);
  });

  it('code 11232 (rate limited) is retryable, 19001 permanent, HTTP 5xx retryable; the bot id never shows', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    p.replies.push({ status: 200, body: '{"code":11232,"msg":"frequency limited psm[lark.oapi.app_platform_runtime]appID[1]"}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })))).toMatchObject({ retryable: true });
    p.replies.push({ status: 200, body: `{"code":19001,"msg":"param invalid: incoming webhook access token invalid ${BOT}"}` });
    const bad = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(bad.retryable).toBe(false);
    expect(bad.message).not.toContain(BOT);
    p.replies.push({ status: 502, body: '' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a3' })))).toMatchObject({ retryable: true });
  });
});
