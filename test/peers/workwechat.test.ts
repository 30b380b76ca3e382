/**
 * The workwechat alerter against a real HTTP server shaped like a WeCom group robot
 * (`POST /cgi-bin/webhook/send?key=<key>`): it answers HTTP 200 with `{"errcode", "errmsg"}`,
 * refuses text over 2,048 bytes and markdown over 4,096 bytes (errcode 40058), and says 45009
 * when more than 20 messages a minute arrive.
 */
import { describe, expect, it } from '@jest/globals';
import { createWorkWechatAlerter } from '../../alerters/workwechat/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer, type Received } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const KEY = '693axxx6-7aoc-4bc4-97a0-0ec2sifa5aaa';
const OK = { status: 200, body: '{"errcode":0,"errmsg":"ok"}' };
const kit = kitHarness('workwechat', createWorkWechatAlerter);
const peer = (): Promise<Peer> => kit.peer(OK);
const options = (p: Peer, more: Record<string, unknown> = {}) => ({
  work_wechat_bot_id: KEY,
  work_wechat_api_url: `${p.url}/cgi-bin/webhook/send`,
  ...more,
});

/** WeCom's checks on a robot message; empty when it would accept it. */
function wecomProblems(req: Received): string[] {
  if (new URL(req.path, 'http://x').searchParams.get('key') !== KEY) return ['93000 invalid webhook url'];
  const body = JSON.parse(req.body) as { msgtype: 'text' | 'markdown'; text?: { content: string }; markdown?: { content: string } };
  const content = body[body.msgtype]?.content ?? '';
  const limit = body.msgtype === 'text' ? 2048 : 4096;
  return Buffer.byteLength(content) > limit ? [`40058 content exceeds ${limit} bytes`] : [];
}

describe('workwechat against a WeCom robot peer', () => {
  it('text (default) and markdown messages with the key in the query', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertOf(MATCH));
    await kit.alerter(options(p, { work_wechat_msgtype: 'markdown' })).send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe(`/cgi-bin/webhook/send?key=${KEY}`);
    expect(p.requests.flatMap(wecomProblems)).toEqual([]);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({ msgtype: 'text', text: { content: 'SSH brute force\n\nuser: bob\n' } });
    expect(JSON.parse(p.requests[1]?.body ?? '')).toEqual({ msgtype: 'markdown', markdown: { content: 'SSH brute force\n\nuser: bob\n' } });
  });

  it('markdown: a value cannot mention, link, colour or format; 1 MB is cut to the documented bytes', async () => {
    const p = await peer();
    await kit
      .alerter(options(p, { work_wechat_msgtype: 'markdown' }))
      .send(alertWith('<@zhangsan> <font color="warning">x</font> [a](https://evil.example) **b**'));
    expect((JSON.parse(p.requests[0]?.body ?? '') as { markdown: { content: string } }).markdown.content).toBe(
      'user: \\<@zhangsan\\> \\<font color="warning"\\>x\\</font\\> \\[a\\]\\(https://evil\\.example\\) \\*\\*b\\*\\*\n',
    );
    await kit.alerter(options(p)).send(alertWith('漢'.repeat(1024 * 1024)));
    await kit.alerter(options(p, { work_wechat_msgtype: 'markdown' })).send(alertWith('漢'.repeat(1024 * 1024)));
    expect(p.requests.flatMap(wecomProblems)).toEqual([]);
    expect(p.requests[1]?.body).toMatch(/\[… truncated: \d+ more characters not shown\]"\}\}$/);
  });

  it('errcode 45009 (rate limit) is retryable; 93000 (bad key) permanent; HTTP 429 waits for Retry-After; the key never shows', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    p.replies.push({ status: 200, body: '{"errcode":45009,"errmsg":"api freq out of limit"}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })))).toMatchObject({ retryable: true });
    p.replies.push({ status: 200, body: `{"errcode":93000,"errmsg":"invalid webhook url, key ${KEY}"}` });
    const bad = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(bad.retryable).toBe(false);
    expect(bad.message).toContain('errcode 93000: invalid webhook url');
    expect(bad.message).not.toContain(KEY);
    p.replies.push({ status: 429, headers: { 'Retry-After': '20' }, body: '' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a3' })))).toMatchObject({ retryable: true, retryAfterMs: 20_000 });
  });
});
