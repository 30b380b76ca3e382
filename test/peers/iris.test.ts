/**
 * The iris alerter against a real HTTPS server shaped like DFIR-IRIS's API (`POST /alerts/add`,
 * Bearer token, 200 `{"status": "success", "data": ...}`; 400 `{"status": "error", "message"}`;
 * 401 for a bad token).
 */
import { describe, expect, it } from '@jest/globals';
import { createIrisAlerter } from '../../alerters/iris/index.ts';
import { alertOf, MATCH, T0 } from '../unit/alerters/http-fixtures.ts';
import { TEST_CA_FILE, thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const TOKEN = 'iRiS-aPi-ToKeN-B0a1c2d3e4f5';
const kit = kitHarness('iris', createIrisAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"status":"success","data":{"alert_id":1}}' }, true);
const options = (p: Peer, more: Record<string, unknown> = {}) => ({
  iris_host: new URL(p.url).host,
  iris_api_token: TOKEN,
  iris_ca_cert: TEST_CA_FILE,
  ...more,
});

describe('iris against a DFIR-IRIS peer', () => {
  it("adds ElastAlert2's alert over HTTPS with the token, defaults and event time", async () => {
    const p = await peer();
    await kit.alerter(options(p), T0).send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe('/alerts/add');
    expect(p.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({
      alert_title: 'SSH brute force',
      alert_description: 'SSH brute force\n\nuser: bob\n',
      alert_source: 'ElastAlert2',
      alert_severity_id: 1,
      alert_status_id: 2,
      alert_source_event_time: '2024-05-01T12:00:00',
      alert_note: null,
      alert_tags: null,
      alert_customer_id: 1,
    });
  });

  it('IOCs from document fields (missing ones left out), context from fields or rule options, match timestamp', async () => {
    const p = await peer();
    await kit
      .alerter(
        options(p, {
          iris_overwrite_timestamp: true,
          iris_alert_source_link: 'https://kibana.example',
          iris_alert_tags: 'ssh,brute',
          iris_customer_id: 3,
          iris_iocs: [
            { ioc_value: 'source.ip', ioc_type_id: 79, ioc_tlp_id: 2, ioc_description: 'attacker' },
            { ioc_value: 'missing.field', ioc_type_id: 1 },
          ],
          iris_alert_context: { user: 'user.name', index: 'index', none: 'nothing.here' },
        }),
      )
      .send(alertOf(MATCH));
    expect(JSON.parse(p.requests[0]?.body ?? '')).toMatchObject({
      alert_source_event_time: '2024-05-01T12:00:00Z',
      alert_source_link: 'https://kibana.example',
      alert_tags: 'ssh,brute',
      alert_customer_id: 3,
      alert_iocs: [{ ioc_value: '10.0.0.1', ioc_type_id: 79, ioc_tlp_id: 2, ioc_description: 'attacker' }],
      alert_context: { user: 'bob', index: 'logs-*', none: '' },
    });
  });

  it('the description escapes Markdown and is cut at 64 KiB; an IOC value arrives exactly', async () => {
    const p = await peer();
    const value = '[x](https://evil.example) <img src=x>';
    await kit.alerter(options(p, { iris_iocs: [{ ioc_value: 'user' }] })).send(alertWith(value));
    const body = JSON.parse(p.requests[0]?.body ?? '') as { alert_description: string; alert_iocs: { ioc_value: string }[] };
    expect(body.alert_description).toBe('user: \\[x\\]\\(https://evil\\.example\\) \\<img src=x\\>\n');
    expect(body.alert_iocs[0]?.ioc_value).toBe(value);
    await kit.alerter(options(p)).send(alertWith('i'.repeat(1024 * 1024)));
    const cut = (JSON.parse(p.requests[1]?.body ?? '') as { alert_description: string }).alert_description;
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(64 * 1024);
    expect(cut).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
  });

  it('401 and 400 are permanent, 503 retryable; the token never shows; case mode and a bad host are refused at load', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    p.replies.push({ status: 401, body: `{"status":"error","message":"Invalid token ${TOKEN}"}` });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toContain(TOKEN);
    p.replies.push({ status: 503, headers: { 'Retry-After': '4' }, body: '' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 4000 });
    expect(() => kit.alerter(options(p, { iris_type: 'case' }))).toThrow('iris_type: case is refused');
    expect(() => kit.alerter(options(p, { iris_host: 'evil.example/x#' }))).toThrow('iris_host: must be a host name');
  });
});
