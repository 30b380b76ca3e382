/**
 * The smseagle alerter against a real HTTP server shaped like an SMSEagle device's API v2
 * (`/api/v2/messages/sms`, `/api/v2/calls/ring|tts|tts_advanced`, header `access-token`,
 * 401 for a bad token, 400 for a bad body).
 */
import { describe, expect, it } from '@jest/globals';
import { createSmsEagleAlerter } from '../../alerters/smseagle/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const TOKEN = 'sMsEaGlE-aCcEsS-tOkEn';
const kit = kitHarness('smseagle', createSmsEagleAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '[{"message":"OK","number":"+48123","id":1,"status":"queued"}]' });

describe('smseagle against an SMSEagle API v2 peer', () => {
  it('sms, ring, tts and tts_adv go to their endpoints with the recipients, duration and voice', async () => {
    const p = await peer();
    const base = {
      smseagle_url: `${p.url}/`,
      smseagle_token: TOKEN,
      smseagle_to: ['+48123'],
      smseagle_contacts: [5],
      smseagle_groups: [2],
    };
    for (const t of ['sms', 'ring', 'tts', 'tts_adv'])
      await kit.alerter({ ...base, smseagle_message_type: t, smseagle_voice_id: 3 }).send(alertOf(MATCH, { alertId: t }));
    expect(p.requests.map((r) => r.path)).toEqual([
      '/api/v2/messages/sms',
      '/api/v2/calls/ring',
      '/api/v2/calls/tts',
      '/api/v2/calls/tts_advanced',
    ]);
    expect(p.requests.every((r) => r.headers['access-token'] === TOKEN)).toBe(true);
    const bodies = p.requests.map((r) => JSON.parse(r.body) as unknown);
    const who = { text: 'SSH brute force\n\nuser: bob\n', to: ['+48123'], contacts: [5], groups: [2] };
    expect(bodies).toEqual([who, { ...who, duration: 10 }, { ...who, duration: 10 }, { ...who, duration: 10, voice_id: 3 }]);
  });

  it('smseagle_text replaces the alert text; a value loses controls and 1 MB is cut to 1,530 characters', async () => {
    const p = await peer();
    const base = { smseagle_url: p.url, smseagle_token: TOKEN, smseagle_message_type: 'sms', smseagle_to: ['+48123'] };
    await kit.alerter({ ...base, smseagle_text: 'Check the SIEM' }).send(alertOf(MATCH));
    await kit.alerter(base).send(alertWith(`\u202E\u001b${'m'.repeat(1024 * 1024)}`));
    expect((JSON.parse(p.requests[0]?.body ?? '') as { text: string }).text).toBe('Check the SIEM');
    const { text } = JSON.parse(p.requests[1]?.body ?? '') as { text: string };
    expect(text.length).toBeLessThanOrEqual(1530);
    expect(text).toMatch(/^user: m+\n\[… truncated: \d+ more characters not shown\]$/);
  });

  it('401 is permanent, 503 retryable after Retry-After; the token never shows; no recipient is refused at load', async () => {
    const p = await peer();
    const a = kit.alerter({ smseagle_url: p.url, smseagle_token: TOKEN, smseagle_message_type: 'sms', smseagle_to: ['+48123'] });
    p.replies.push({ status: 401, body: `{"error":"Invalid access token ${TOKEN}"}` });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toContain(TOKEN);
    p.replies.push({ status: 503, headers: { 'Retry-After': '8' }, body: '' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 8000 });
    expect(() => kit.alerter({ smseagle_url: p.url, smseagle_token: TOKEN, smseagle_message_type: 'sms' })).toThrow(
      'smseagle_to: no recipient',
    );
  });
});
