/**
 * The yzj alerter against a real HTTPS server shaped like a Yunzhijia robot
 * (`POST /gateway/robot/webhook/send?yzjtype=&yzjtoken=`, `{"content"}`), reached through
 * `yzj_custom_loc` as a private deployment is; it answers `{"success": false, ...}` to refuse.
 */
import { describe, expect, it } from '@jest/globals';
import { createYzjAlerter } from '../../alerters/yzj/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { TEST_CA_FILE, thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const TOKEN = 'yZjToKeN-5f4e3d2c1b';
const kit = kitHarness('yzj', createYzjAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"success":true,"errorCode":0,"error":null}' }, true);
const options = (p: Peer, more: Record<string, unknown> = {}) => ({
  yzj_token: TOKEN,
  yzj_custom_loc: new URL(p.url).host,
  yzj_ca_certs: TEST_CA_FILE,
  ...more,
});

describe('yzj against a Yunzhijia robot peer', () => {
  it('posts {content} over HTTPS to the custom location with type and token in the query', async () => {
    const p = await peer();
    await kit.alerter(options(p, { yzj_type: 2 })).send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe(`/gateway/robot/webhook/send?yzjtype=2&yzjtoken=${TOKEN}`);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({ content: 'SSH brute force\n\nuser: bob\n' });
  });

  it('a value arrives as plain text without controls; 1 MB is cut to 4,000 characters', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertWith('@all\u202E\u001b[2J\r\nx'));
    expect((JSON.parse(p.requests[0]?.body ?? '') as { content: string }).content).toBe('user: @all[2J\nx\n');
    await kit.alerter(options(p)).send(alertWith('y'.repeat(1024 * 1024)));
    const cut = (JSON.parse(p.requests[1]?.body ?? '') as { content: string }).content;
    expect(cut.length).toBeLessThanOrEqual(4000);
    expect(cut).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
  });

  it('{"success": false} is permanent, 429 waits for Retry-After; the token never shows; a bad location is refused', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    p.replies.push({ status: 200, body: `{"success":false,"errorCode":100,"error":"invalid token ${TOKEN}"}` });
    const bad = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(bad.retryable).toBe(false);
    expect(bad.message).toContain('invalid token');
    expect(bad.message).not.toContain(TOKEN);
    p.replies.push({ status: 429, headers: { 'Retry-After': '5' }, body: '' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 5000 });
    expect(() => kit.alerter({ yzj_token: TOKEN, yzj_custom_loc: 'evil.example/x?' })).toThrow('yzj_custom_loc: must be a host name');
  });
});
