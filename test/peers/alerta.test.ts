/**
 * The alerta alerter against a real HTTP server shaped like Alerta's API (`POST /api/alert`,
 * `Authorization: Key <key>`, 201 with the created alert; 400 when a required attribute
 * (resource, event) is missing; 401 for a bad key; 429 when rate limited).
 */
import { describe, expect, it } from '@jest/globals';
import { createAlertaAlerter } from '../../alerters/alerta/index.ts';
import { alertOf, MATCH, T0 } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer, type Received } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const KEY = 'aLeRtA-aPi-KeY-0123456789';
const kit = kitHarness('alerta', createAlertaAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 201, body: '{"status":"ok","id":"1"}' });
const NOW = T0 + 5000;

/** Alerta's checks on a new alert. */
function alertaProblems(req: Received): string[] {
  if (req.headers.authorization !== `Key ${KEY}`) return ['401 API key is invalid'];
  const body = JSON.parse(req.body) as Record<string, unknown>;
  return ['resource', 'event'].filter((k) => typeof body[k] !== 'string' || body[k] === '').map((k) => `400 '${k}' is required`);
}

describe('alerta against an Alerta API peer', () => {
  it("posts ElastAlert2's body with its defaults and the key", async () => {
    const p = await peer();
    await kit.alerter({ alerta_api_url: `${p.url}/api/alert`, alerta_api_key: KEY }, NOW).send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe('/api/alert');
    expect(alertaProblems(p.requests[0]!)).toEqual([]);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({
      resource: 'elastalert',
      severity: 'warning',
      timeout: 86400,
      createTime: new Date(NOW).toISOString(),
      type: 'elastalert',
      environment: 'Production',
      origin: 'elastalert',
      group: '',
      event: 'elastalert',
      text: 'elastalert',
      value: '',
      service: ['elastalert'],
      tags: [],
      correlate: [],
      attributes: {},
      rawData: 'SSH brute force\n\nuser: bob\n',
    });
  });

  it('fills {field} and %(field)s from the match, once; the match time and query key when asked', async () => {
    const p = await peer();
    await kit
      .alerter(
        {
          alerta_api_url: `${p.url}/api/alert`,
          alerta_api_key: KEY,
          alerta_resource: 'host-{user.name}',
          alerta_severity: '%(severity)s',
          alerta_event: '',
          alerta_text: '',
          alerta_tags: ['user:{user.name}'],
          alerta_attributes_keys: ['who', 'port'],
          alerta_attributes_values: ['{user.name}', '{source.port}'],
          alerta_use_match_timestamp: true,
          alerta_timeout: 300,
        },
        NOW,
      )
      .send(alertOf({ ...MATCH, user: { name: '{severity} \u202Eroot' } }, { queryKey: 'bob' }));
    expect(JSON.parse(p.requests[0]?.body ?? '')).toMatchObject({
      resource: 'host-{severity} root',
      severity: '<MISSING VALUE>',
      event: 'SSH brute force.bob',
      text: 'SSH brute force\n\nuser: bob\n',
      tags: ['user:{severity} root'],
      attributes: { who: '{severity} root', port: '22' },
      createTime: '2024-05-01T12:00:00.000Z',
      timeout: 300,
    });
  });

  it('a 1 MB value is cut to 64 KiB in rawData; 401 and 400 are permanent, 429 retryable; the key never shows', async () => {
    const p = await peer();
    const a = kit.alerter({ alerta_api_url: `${p.url}/api/alert`, alerta_api_key: KEY });
    await a.send(alertWith('r'.repeat(1024 * 1024)));
    const { rawData } = JSON.parse(p.requests[0]?.body ?? '') as { rawData: string };
    expect(Buffer.byteLength(rawData)).toBeLessThanOrEqual(64 * 1024);
    expect(rawData).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
    p.replies.push({ status: 401, body: `{"status":"error","message":"API key ${KEY} is invalid"}` });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toContain(KEY);
    p.replies.push({ status: 429, headers: { 'Retry-After': '30' }, body: '{"status":"error","message":"Too many requests"}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 30_000 });
  });

  it('refuses a template that cannot be filled, by option', () => {
    expect(() => kit.alerter({ alerta_api_url: 'http://alerta/api/alert', alerta_tags: ['ok', 'bad {'] })).toThrow(
      'alerta_tags[1]: cannot be filled from the match',
    );
  });
});
