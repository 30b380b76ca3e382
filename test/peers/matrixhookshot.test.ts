/**
 * The matrixhookshot alerter against a real HTTP server shaped like a hookshot generic webhook
 * (`POST /webhook/<id>`, JSON `text` / `html` / `username`; hookshot renders `text` as Markdown).
 */
import { describe, expect, it } from '@jest/globals';
import { createMatrixHookshotAlerter } from '../../alerters/matrixhookshot/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const HOOK = '/webhook/hOoKsHoT-4f9c2e8a-sEcReT';
const kit = kitHarness('matrixhookshot', createMatrixHookshotAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"ok":true}' });

describe('matrixhookshot against a hookshot webhook peer', () => {
  it("posts ElastAlert2's {text, username, html}; matrixhookshot_text replaces the alert text", async () => {
    const p = await peer();
    await kit.alerter({ matrixhookshot_webhook_url: `${p.url}${HOOK}`, matrixhookshot_username: 'LogWarden' }).send(alertOf(MATCH));
    await kit
      .alerter({ matrixhookshot_webhook_url: [`${p.url}${HOOK}`], matrixhookshot_text: 'Alert!', matrixhookshot_html: '<b>Alert!</b>' })
      .send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe(HOOK);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({ text: 'SSH brute force\n\nuser: bob\n', username: 'LogWarden' });
    expect(JSON.parse(p.requests[1]?.body ?? '')).toEqual({ text: 'Alert!', html: '<b>Alert!</b>' });
  });

  it('a value cannot notify @room, link, format or add HTML; 1 MB is cut to 32 KiB', async () => {
    const p = await peer();
    const a = kit.alerter({ matrixhookshot_webhook_url: `${p.url}${HOOK}` });
    await a.send(alertWith('@room <img src=x> [x](https://evil.example) **b**'));
    expect((JSON.parse(p.requests[0]?.body ?? '') as { text: string }).text).toBe(
      'user: @\u2060room \\<img src=x\\> \\[x\\]\\(https://evil\\.example\\) \\*\\*b\\*\\*\n',
    );
    await a.send(alertWith('z'.repeat(1024 * 1024), { user: 'z' }));
    const text = (JSON.parse(p.requests[1]?.body ?? '') as { text: string }).text;
    expect(Buffer.byteLength(text)).toBeLessThanOrEqual(32 * 1024);
    expect(text).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
  });

  it('429 is retryable after Retry-After, 404 permanent; the hook id never shows', async () => {
    const p = await peer();
    const a = kit.alerter({ matrixhookshot_webhook_url: `${p.url}${HOOK}` });
    p.replies.push({ status: 429, headers: { 'Retry-After': '2' }, body: '{"errcode":"M_LIMIT_EXCEEDED"}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })))).toMatchObject({ retryable: true, retryAfterMs: 2000 });
    p.replies.push({ status: 404, body: `{"ok":false,"error":"Unknown webhook ${HOOK}"}` });
    const gone = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(gone.retryable).toBe(false);
    expect(gone.message).not.toContain('hOoKsHoT');
  });
});
