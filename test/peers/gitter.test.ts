/** The gitter alerter against a real HTTP server shaped like a Gitter activity webhook (JSON {message, level}). */
import { describe, expect, it } from '@jest/globals';
import { createGitterAlerter } from '../../alerters/gitter/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const PATH = '/e/gItTeRhOoK0123456789';
const kit = kitHarness('gitter', createGitterAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: 'OK' });

describe('gitter against an activity webhook peer', () => {
  it("posts ElastAlert2's {message, level} (level error by default)", async () => {
    const p = await peer();
    await kit.alerter({ gitter_webhook_url: `${p.url}${PATH}` }).send(alertOf(MATCH));
    await kit.alerter({ gitter_webhook_url: `${p.url}${PATH}`, gitter_msg_level: 'info' }).send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe(PATH);
    expect(p.requests.map((r) => JSON.parse(r.body) as unknown)).toEqual([
      { message: 'SSH brute force\n\nuser: bob\n', level: 'error' },
      { message: 'SSH brute force\n\nuser: bob\n', level: 'info' },
    ]);
  });

  it('a value cannot mention @/all or format; 1 MB is cut to 4,096 characters', async () => {
    const p = await peer();
    const a = kit.alerter({ gitter_webhook_url: `${p.url}${PATH}` });
    await a.send(alertWith('@/all [x](https://evil.example) **b**\u202E'));
    expect((JSON.parse(p.requests[0]?.body ?? '') as { message: string }).message).toBe(
      'user: @\u2060/all \\[x\\]\\(https://evil\\.example\\) \\*\\*b\\*\\*\n',
    );
    await a.send(alertWith('g'.repeat(1024 * 1024)));
    const { message } = JSON.parse(p.requests[1]?.body ?? '') as { message: string };
    expect(message.length).toBeLessThanOrEqual(4096);
    expect(message).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
  });

  it('429 waits for Retry-After; 401 is permanent; the hook never shows', async () => {
    const p = await peer();
    const a = kit.alerter({ gitter_webhook_url: `${p.url}${PATH}` });
    p.replies.push({ status: 429, headers: { 'Retry-After': '3' }, body: '' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })))).toMatchObject({ retryable: true, retryAfterMs: 3000 });
    p.replies.push({ status: 401, body: `unknown hook ${PATH}` });
    const bad = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(bad.retryable).toBe(false);
    expect(bad.message).not.toContain('gItTeR');
  });
});
