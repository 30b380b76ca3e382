/**
 * The webex_webhook alerter against a real HTTP server shaped like Webex's incoming webhooks
 * (`POST /v1/webhooks/incoming/<id>`, JSON `text` or `markdown`, at most 7,439 bytes; 429 with
 * Retry-After; 404 for an unknown id).
 */
import { describe, expect, it } from '@jest/globals';
import { createWebexWebhookAlerter } from '../../alerters/webex_webhook/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const ID = 'Y2lzY29zcGFyazovL3VzL1dFQkhPT0svd2ViZXhzZWNyZXQ';
const kit = kitHarness('webex_webhook', createWebexWebhookAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 204 });
const options = (p: Peer, more: Record<string, unknown> = {}) => ({
  webex_webhook_id: ID,
  webex_webhook_api_url: `${p.url}/v1/webhooks/incoming`,
  ...more,
});

describe('webex_webhook against a Webex incoming webhook peer', () => {
  it('posts {text} (default) or {markdown} to <base>/<id>', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertOf(MATCH));
    await kit.alerter(options(p, { webex_webhook_msgtype: 'markdown' })).send(alertOf(MATCH));
    expect(p.requests.map((r) => r.path)).toEqual([`/v1/webhooks/incoming/${ID}`, `/v1/webhooks/incoming/${ID}`]);
    expect(p.requests[0]?.headers['content-type']).toBe('application/json');
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({ text: 'SSH brute force\n\nuser: bob\n' });
    expect(JSON.parse(p.requests[1]?.body ?? '')).toEqual({ markdown: 'SSH brute force\n\nuser: bob\n' });
  });

  it('markdown: a value cannot mention <@all>, link or format; plain text keeps it as written without controls', async () => {
    const p = await peer();
    const value = '<@all> [x](https://evil.example) **b** \u202Eq\r\n';
    await kit.alerter(options(p, { webex_webhook_msgtype: 'markdown' })).send(alertWith(value));
    await kit.alerter(options(p)).send(alertWith(value));
    expect((JSON.parse(p.requests[0]?.body ?? '') as { markdown: string }).markdown).toBe(
      'user: \\<@all\\> \\[x\\]\\(https://evil\\.example\\) \\*\\*b\\*\\* q\n\n',
    );
    expect((JSON.parse(p.requests[1]?.body ?? '') as { text: string }).text).toBe('user: <@all> [x](https://evil.example) **b** q\n\n');
  });

  it('a 1 MB value is cut under 7,439 bytes with a visible mark', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertWith('漢'.repeat(1024 * 1024)));
    expect(Buffer.byteLength(p.requests[0]?.body ?? '')).toBeLessThanOrEqual(7439);
    expect(p.requests[0]?.body).toMatch(/\[… truncated: \d+ more characters not shown\]"\}$/);
  });

  it('429 with Retry-After is retryable; 404 is permanent; the id never shows', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    p.replies.push({ status: 429, headers: { 'Retry-After': '12' }, body: '{"message":"Too Many Requests"}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })))).toMatchObject({ retryable: true, retryAfterMs: 12_000 });
    p.replies.push({ status: 404, body: `{"message":"Webhook ${ID} not found","trackingId":"x"}` });
    const gone = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(gone.retryable).toBe(false);
    expect(gone.message).not.toContain(ID);
  });
});
