/**
 * The exotel alerter against a real HTTP server shaped like Exotel's SMS API
 * (`POST /v1/Accounts/<sid>/Sms/send`, basic auth, form `From`, `To`, `Body`; 401 for bad
 * credentials; 429 when throttled).
 */
import { describe, expect, it } from '@jest/globals';
import { createExotelAlerter } from '../../alerters/exotel/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const SID = 'logwarden1';
const TOKEN = 'eXoTeLtOkEn-9876543210';
const kit = kitHarness('exotel', createExotelAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '<TwilioResponse><SMSMessage><Sid>1</Sid></SMSMessage></TwilioResponse>' });
const options = (p: Peer, more: Record<string, unknown> = {}) => ({
  exotel_account_sid: SID,
  exotel_auth_token: TOKEN,
  exotel_to_number: '09999999999',
  exotel_from_number: 'LOGWDN',
  exotel_api_url: p.url,
  ...more,
});

describe('exotel against an SMS API peer', () => {
  it("sends ElastAlert2's SMS: the rule name and exotel_message_body; no document value", async () => {
    const p = await peer();
    await kit.alerter(options(p, { exotel_message_body: ': check the SIEM' })).send(alertWith('&Body=pwned'));
    expect(p.requests[0]?.path).toBe(`/v1/Accounts/${SID}/Sms/send`);
    expect(p.requests[0]?.headers.authorization).toBe(`Basic ${Buffer.from(`${SID}:${TOKEN}`).toString('base64')}`);
    expect(Object.fromEntries(new URLSearchParams(p.requests[0]?.body))).toEqual({
      From: 'LOGWDN',
      To: '09999999999',
      Body: 'SSH brute force: check the SIEM',
    });
  });

  it('a long message body is cut at 2,000 characters', async () => {
    const p = await peer();
    await kit.alerter(options(p, { exotel_message_body: 'x'.repeat(1024 * 1024) })).send(alertOf(MATCH));
    const body = new URLSearchParams(p.requests[0]?.body).get('Body') ?? '';
    expect(body.length).toBeLessThanOrEqual(2000);
    expect(body).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
  });

  it('401 is permanent, 429 retryable; the token never shows', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    p.replies.push({ status: 401, body: `<RestException><Message>Authentication failed for ${TOKEN}</Message></RestException>` });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toContain(TOKEN);
    p.replies.push({ status: 429, headers: { 'Retry-After': '2' }, body: '' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 2000 });
  });
});
