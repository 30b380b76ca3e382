/**
 * The tencent_sms alerter against a real HTTP server shaped like Tencent Cloud's SMS API: it
 * checks the TC3-HMAC-SHA256 signature as Tencent documents it (computed here independently of
 * the alerter), and answers HTTP 200 with `Response.Error` or a per-number `SendStatusSet`.
 */
import { createHash, createHmac } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { createTencentSmsAlerter } from '../../alerters/tencent_sms/index.ts';
import { alertOf, MATCH, T0 } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer, type Received } from './http-peer.ts';
import { kitHarness } from './kit-support.ts';

const ID = 'AKIDz8krbsJ5yKBZQpn74WFkmLPx3EXAMPLE';
const KEY = 'Gu5t9xGARNpq86cd98joQYCN3EXAMPLEkey';
const kit = kitHarness('tencent_sms', createTencentSmsAlerter);
const ok = (numbers: string[]): string =>
  JSON.stringify({
    Response: { SendStatusSet: numbers.map((n) => ({ PhoneNumber: n, Code: 'Ok', Message: 'send success' })), RequestId: 'r1' },
  });
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: ok(['+8613711112222']) });
const options = (p: Peer, more: Record<string, unknown> = {}) => ({
  tencent_sms_secret_id: ID,
  tencent_sms_secret_key: KEY,
  tencent_sms_sdk_appid: '1400006666',
  tencent_sms_to_number: ['+8613711112222'],
  tencent_sms_sign_name: 'LogWarden',
  tencent_sms_template_id: '449739',
  tencent_sms_template_parm: ['/user/name', '/source.ip', '/missing'],
  tencent_sms_api_url: `${p.url}/`,
  ...more,
});

/** Tencent's signature check, written from its documentation. */
function signatureProblems(req: Received, now: number): string[] {
  const h = (k: string): string => String(req.headers[k] ?? '');
  const ts = Number(h('x-tc-timestamp'));
  const date = new Date(ts * 1000).toISOString().slice(0, 10);
  const hash = (s: string): string => createHash('sha256').update(s).digest('hex');
  const canonical = `POST\n/\n\ncontent-type:${h('content-type')}\nhost:${h('host')}\n\ncontent-type;host\n${hash(req.body)}`;
  const toSign = `TC3-HMAC-SHA256\n${ts}\n${date}/sms/tc3_request\n${hash(canonical)}`;
  const kDate = createHmac('sha256', `TC3${KEY}`).update(date).digest();
  const kService = createHmac('sha256', kDate).update('sms').digest();
  const kSigning = createHmac('sha256', kService).update('tc3_request').digest();
  const signature = createHmac('sha256', kSigning).update(toSign).digest('hex');
  const expected = `TC3-HMAC-SHA256 Credential=${ID}/${date}/sms/tc3_request, SignedHeaders=content-type;host, Signature=${signature}`;
  const problems: string[] = [];
  if (h('authorization') !== expected) problems.push('AuthFailure.SignatureFailure');
  if (Math.abs(now / 1000 - ts) > 300) problems.push('AuthFailure.SignatureExpire');
  if (h('x-tc-action') !== 'SendSms' || h('x-tc-version') !== '2021-01-11') problems.push('InvalidAction');
  return problems;
}

describe('tencent_sms against an SMS API peer', () => {
  it("sends ElastAlert2's SendSms request, signed with TC3-HMAC-SHA256 on the engine clock; template values from JSON pointers", async () => {
    const p = await peer();
    await kit.alerter(options(p, { tencent_sms_region: 'ap-singapore' }), T0).send(alertOf({ ...MATCH, user: { name: 'bob\u202E' } }));
    const [req] = p.requests;
    expect(signatureProblems(req!, T0)).toEqual([]);
    expect(req?.headers['x-tc-region']).toBe('ap-singapore');
    expect(JSON.parse(req?.body ?? '')).toEqual({
      PhoneNumberSet: ['+8613711112222'],
      SmsSdkAppId: '1400006666',
      SignName: 'LogWarden',
      TemplateId: '449739',
      TemplateParamSet: ['bob', '10.0.0.1', '<MISSING VALUE>'],
      ExtendCode: '',
    });
  });

  it('a partial failure is retried only for the numbers that did not get the SMS', async () => {
    const p = await peer();
    const a = kit.alerter(options(p, { tencent_sms_to_number: ['+8613711112222', '+8613711113333'] }), T0);
    p.replies.push({
      status: 200,
      body: JSON.stringify({
        Response: {
          SendStatusSet: [
            { PhoneNumber: '+8613711112222', Code: 'Ok' },
            { PhoneNumber: '+8613711113333', Code: 'LimitExceeded.PhoneNumberThirtySecondLimit', Message: 'too often' },
          ],
          RequestId: 'r',
        },
      }),
    });
    expect(await thrown(() => a.send(alertOf(MATCH)))).toMatchObject({ retryable: true });
    p.replies.push({ status: 200, body: ok(['+8613711113333']) });
    await a.send(alertOf(MATCH));
    expect(p.requests.map((r) => (JSON.parse(r.body) as { PhoneNumberSet: string[] }).PhoneNumberSet)).toEqual([
      ['+8613711112222', '+8613711113333'],
      ['+8613711113333'],
    ]);
  });

  it('Response.Error: AuthFailure is permanent, RequestLimitExceeded retryable; the secret key never shows; a bad pointer is refused at load', async () => {
    const p = await peer();
    const a = kit.alerter(options(p), T0);
    p.replies.push({
      status: 200,
      body: JSON.stringify({
        Response: { Error: { Code: 'AuthFailure.SecretIdNotFound', Message: `key ${KEY} unknown` }, RequestId: 'r' },
      }),
    });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).toContain('AuthFailure.SecretIdNotFound');
    expect(denied.message).not.toContain(KEY);
    p.replies.push({
      status: 200,
      body: JSON.stringify({ Response: { Error: { Code: 'RequestLimitExceeded', Message: 'slow down' }, RequestId: 'r' } }),
    });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true });
    expect(() => kit.alerter(options(p, { tencent_sms_template_parm: ['user.name'] }))).toThrow(
      'tencent_sms_template_parm[0]: must be a JSON pointer',
    );
  });
});
