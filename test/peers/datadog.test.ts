/** The datadog alerter against a real HTTP server checking Datadog's Events API v1 (Post an event). */
import { describe, expect, it } from '@jest/globals';
import { createDatadogAlerter } from '../../alerters/datadog/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const API_KEY = 'dd-api-key-0123456789abcdef';
const APP_KEY = 'dd-app-key-fedcba9876543210';
const kit = kitHarness('datadog', createDatadogAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 202, body: '{"status":"ok","event":{"id":1}}' });
const alerter = (p: Peer) => kit.alerter({ datadog_api_key: API_KEY, datadog_app_key: APP_KEY, datadog_api_url: `${p.url}/api/v1/events` });

describe('datadog against an Events API peer', () => {
  it('posts {title, text} with both keys as headers', async () => {
    const p = await peer();
    await alerter(p).send(alertOf(MATCH));
    const [req] = p.requests;
    expect(req?.path).toBe('/api/v1/events');
    expect(req?.headers['dd-api-key']).toBe(API_KEY);
    expect(req?.headers['dd-application-key']).toBe(APP_KEY);
    expect(JSON.parse(req?.body ?? '')).toEqual({ title: 'SSH brute force', text: 'SSH brute force\n\nuser: bob\n' });
  });

  it('a document value notifies nobody, cannot switch on Markdown, and is cut to 100 / 4,000 characters', async () => {
    const p = await peer();
    const fill = (escape: (s: string) => string) => ({
      subject: escape('@pagerduty-oncall'),
      text: `${escape('%%%\n[x](https://evil.example) @slack-soc')}${'w'.repeat(10_000)}`,
    });
    await alerter(p).send(alertOf({}, { ...fill((s) => s), render: fill }));
    const body = JSON.parse(p.requests[0]?.body ?? '') as { title: string; text: string };
    expect(body.title).toBe('@\u2060pagerduty-oncall');
    expect(body.text.startsWith(' %%%')).toBe(true);
    expect(body.text).toContain('@\u2060slack-soc');
    expect(body.text.length).toBeLessThanOrEqual(4000);
    expect(body.text).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
    await alerter(p).send(alertWith('x'.repeat(200)));
    expect((JSON.parse(p.requests[1]?.body ?? '') as { title: string }).title).toHaveLength(100);
  });

  it('403 is permanent, 429 retryable, and neither key shows', async () => {
    const p = await peer();
    const a = alerter(p);
    p.replies.push({ status: 403, body: `{"errors":["Forbidden for ${API_KEY} / ${APP_KEY}"]}` });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toContain(API_KEY);
    expect(denied.message).not.toContain(APP_KEY);
    p.replies.push({ status: 429, headers: { 'Retry-After': '4' }, body: '' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 4000 });
  });
});
