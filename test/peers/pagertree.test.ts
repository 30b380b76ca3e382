/** The pagertree alerter against a real HTTP server shaped like a PagerTree ElastAlert integration endpoint. */
import { describe, expect, it } from '@jest/globals';
import { createPagerTreeAlerter } from '../../alerters/pagertree/index.ts';
import { ALERT_ID, alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const PATH = '/integration/int_pTsEcReT123';
const kit = kitHarness('pagertree', createPagerTreeAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"status":"ok"}' });

describe('pagertree against an integration peer', () => {
  it("posts ElastAlert2's create event; the Id is the alert's, the same on a retry", async () => {
    const p = await peer();
    const a = kit.alerter({ pagertree_integration_url: `${p.url}${PATH}` });
    p.replies.push({ status: 503, body: '' });
    await thrown(() => a.send(alertOf(MATCH)));
    await a.send(alertOf(MATCH));
    expect(p.requests.map((r) => r.path)).toEqual([PATH, PATH]);
    expect(p.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual(
      [0, 1].map(() => ({ event_type: 'create', Id: ALERT_ID, Title: 'SSH brute force', Description: 'SSH brute force\n\nuser: bob\n' })),
    );
  });

  it('values lose controls; a 1 MB value is cut to 64 KiB with a mark', async () => {
    const p = await peer();
    const a = kit.alerter({ pagertree_integration_url: `${p.url}${PATH}` });
    await a.send(alertWith('x\u202E\u0000\r\ny'));
    expect(JSON.parse(p.requests[0]?.body ?? '')).toMatchObject({ Title: 'Login by x\ny', Description: 'user: x\ny\n' });
    await a.send(alertWith('d'.repeat(1024 * 1024)));
    const { Description } = JSON.parse(p.requests[1]?.body ?? '') as { Description: string };
    expect(Buffer.byteLength(Description)).toBeLessThanOrEqual(64 * 1024);
    expect(Description).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
  });

  it('429 waits for Retry-After; 404 is permanent; the integration id never shows', async () => {
    const p = await peer();
    const a = kit.alerter({ pagertree_integration_url: `${p.url}${PATH}` });
    p.replies.push({ status: 429, headers: { 'Retry-After': '9' }, body: '' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })))).toMatchObject({ retryable: true, retryAfterMs: 9000 });
    p.replies.push({ status: 404, body: `{"errors":["integration int_pTsEcReT123 not found"]}` });
    const gone = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(gone.retryable).toBe(false);
    expect(gone.message).not.toContain('pTsEcReT');
  });
});
