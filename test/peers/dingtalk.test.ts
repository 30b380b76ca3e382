/**
 * The dingtalk alerter against a real HTTP server shaped like a DingTalk group robot
 * (`POST /robot/send?access_token=[&timestamp=&sign=]`): it checks the signature as DingTalk
 * does (HMAC-SHA256 of "<timestamp>\n<secret>", within an hour of its clock) and answers HTTP 200
 * with `{"errcode", "errmsg"}`: 310000 for a bad signature, 130101 when sending too fast.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createDingTalkAlerter } from '../../alerters/dingtalk/index.ts';
import { alertOf, MATCH, T0 } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer, type Received } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const TOKEN = 'dInGtAlKaCcEsStOkEn0123456789';
const SECRET = 'SECd1n9t4lk5e6r7e8t9';
const kit = kitHarness('dingtalk', createDingTalkAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"errcode":0,"errmsg":"ok"}' });
const options = (p: Peer, more: Record<string, unknown> = {}) => ({
  dingtalk_access_token: TOKEN,
  dingtalk_api_url: `${p.url}/robot/send`,
  ...more,
});

/** DingTalk's check of a signed request, computed independently of the alerter. */
function signProblems(req: Received, now: number): string[] {
  const q = new URL(req.path, 'http://x').searchParams;
  if (q.get('access_token') !== TOKEN) return ['300001 token is not exist'];
  const ts = Number(q.get('timestamp'));
  const expected = createHmac('sha256', SECRET).update(`${ts}\n${SECRET}`).digest('base64');
  if (q.get('sign') !== expected || Math.abs(now - ts) > 3_600_000) return ['310000 sign not match'];
  return [];
}

describe('dingtalk against a DingTalk robot peer', () => {
  it('text by default; signed with dingtalk_sign on the engine clock', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertOf(MATCH));
    await kit.alerter(options(p, { dingtalk_sign: SECRET }), T0).send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe(`/robot/send?access_token=${TOKEN}`);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({ msgtype: 'text', text: { content: 'SSH brute force\n\nuser: bob\n' } });
    expect(signProblems(p.requests[1]!, T0)).toEqual([]);
    expect(new URL(p.requests[1]?.path ?? '', 'http://x').searchParams.get('timestamp')).toBe(String(T0));
  });

  it('markdown and both action cards as ElastAlert2 builds them; values escaped', async () => {
    const p = await peer();
    const btns = [{ title: 'Kibana', actionURL: 'https://kibana.example' }];
    await kit.alerter(options(p, { dingtalk_msgtype: 'markdown' })).send(alertWith('[x](https://evil.example)'));
    await kit
      .alerter(options(p, { dingtalk_msgtype: 'single_action_card', dingtalk_single_url: 'https://kibana.example' }))
      .send(alertOf(MATCH));
    await kit
      .alerter(options(p, { dingtalk_msgtype: 'action_card', dingtalk_btn_orientation: '1', dingtalk_btns: btns }))
      .send(alertOf(MATCH));
    const [md, single, card] = p.requests.map((r) => JSON.parse(r.body) as unknown);
    expect(md).toEqual({
      msgtype: 'markdown',
      markdown: { title: 'Login by [x](https://evil.example)', text: 'user: \\[x\\]\\(https://evil\\.example\\)\n' },
    });
    expect(single).toEqual({
      msgtype: 'actionCard',
      actionCard: {
        title: 'SSH brute force',
        text: 'SSH brute force\n\nuser: bob\n',
        singleTitle: 'elastalert',
        singleURL: 'https://kibana.example',
      },
    });
    expect(card).toEqual({
      msgtype: 'actionCard',
      actionCard: { title: 'SSH brute force', text: 'SSH brute force\n\nuser: bob\n', btnOrientation: '1', btns },
    });
  });

  it('a 1 MB value is cut to 20,000 bytes; controls removed', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertWith(`\u202E${'漢'.repeat(1024 * 1024)}`));
    const { text } = JSON.parse(p.requests[0]?.body ?? '') as { text: { content: string } };
    expect(Buffer.byteLength(text.content)).toBeLessThanOrEqual(20_000);
    expect(text.content).toMatch(/^user: 漢+\n\[… truncated: \d+ more characters not shown\]$/);
  });

  it('errcode 130101 is retryable, 310000 permanent; neither token nor secret shows', async () => {
    const p = await peer();
    const a = kit.alerter(options(p, { dingtalk_sign: SECRET }));
    p.replies.push({ status: 200, body: '{"errcode":130101,"errmsg":"send too fast, exceed 20 times per minute"}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })))).toMatchObject({ retryable: true });
    p.replies.push({ status: 200, body: `{"errcode":310000,"errmsg":"sign not match, ${SECRET} ${TOKEN}"}` });
    const bad = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(bad.retryable).toBe(false);
    expect(bad.message).toContain('errcode 310000');
    expect(bad.message).not.toContain(SECRET);
    expect(bad.message).not.toContain(TOKEN);
  });
});
