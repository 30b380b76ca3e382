/**
 * The twilio alerter against a real HTTP server shaped like Twilio's REST API
 * (`POST /2010-04-01/Accounts/<sid>/Messages.json`, basic auth, form body, 201 with the message;
 * 400 `{"code": 21211, ...}` for a bad number; 401 code 20003; 429 code 20429).
 */
import { describe, expect, it } from '@jest/globals';
import { createTwilioAlerter } from '../../alerters/twilio/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const SID = 'AC0123456789abcdef0123456789abcdef';
const TOKEN = 'tWiLiOaUtHtOkEn0123456789abcdef';
const kit = kitHarness('twilio', createTwilioAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 201, body: '{"sid":"SM1","status":"queued"}' });
const options = (p: Peer, more: Record<string, unknown> = {}) => ({
  twilio_account_sid: SID,
  twilio_auth_token: TOKEN,
  twilio_to_number: '+15558675310',
  twilio_api_url: p.url,
  ...more,
});

describe('twilio against a REST API peer', () => {
  it("sends ElastAlert2's SMS (the rule name) from a number, or through a Messaging Service with copilot", async () => {
    const p = await peer();
    await kit.alerter(options(p, { twilio_from_number: '+15017122661' })).send(alertOf(MATCH));
    await kit
      .alerter(options(p, { twilio_use_copilot: true, twilio_message_service_sid: 'MG9752274e9e519418a7406176694466fa' }))
      .send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe(`/2010-04-01/Accounts/${SID}/Messages.json`);
    expect(p.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(p.requests[0]?.headers['content-type']).toBe('application/x-www-form-urlencoded');
    expect(Object.fromEntries(new URLSearchParams(p.requests[0]?.body))).toEqual({
      To: '+15558675310',
      From: '+15017122661',
      Body: 'SSH brute force',
    });
    expect(Object.fromEntries(new URLSearchParams(p.requests[1]?.body))).toEqual({
      To: '+15558675310',
      MessagingServiceSid: 'MG9752274e9e519418a7406176694466fa',
      Body: 'SSH brute force',
    });
  });

  it('no document value reaches the SMS', async () => {
    const p = await peer();
    await kit.alerter(options(p, { twilio_from_number: '+15017122661' })).send(alertWith('&To=+1999&Body=pwned'));
    expect(Object.fromEntries(new URLSearchParams(p.requests[0]?.body))).toEqual({
      To: '+15558675310',
      From: '+15017122661',
      Body: 'SSH brute force',
    });
  });

  it('400 and 401 are permanent, 429 retryable; neither the token nor the basic credentials show; a missing sender is refused at load', async () => {
    const p = await peer();
    const a = kit.alerter(options(p, { twilio_from_number: '+15017122661' }));
    const basic = Buffer.from(`${SID}:${TOKEN}`).toString('base64');
    p.replies.push({ status: 401, body: `{"code":20003,"message":"Authenticate ${basic} ${TOKEN}","status":401}` });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toContain(TOKEN);
    expect(denied.message).not.toContain(basic);
    p.replies.push({ status: 429, headers: { 'Retry-After': '6' }, body: '{"code":20429,"message":"Too Many Requests","status":429}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 6000 });
    expect(() => kit.alerter(options(p))).toThrow('twilio_from_number: is required');
    expect(() => kit.alerter(options(p, { twilio_use_copilot: true }))).toThrow(
      'twilio_message_service_sid: is required with twilio_use_copilot',
    );
  });
});
