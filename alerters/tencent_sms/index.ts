/**
 * ElastAlert2's `tencent_sms` alerter: a templated SMS through Tencent Cloud's SMS API
 * (`SendSms`, version 2021-01-11, on `sms.tencentcloudapi.com`, signed with TC3-HMAC-SHA256 on
 * the engine's clock), to `tencent_sms_to_number`, with `tencent_sms_template_id`,
 * `tencent_sms_sign_name`, and one template value per `tencent_sms_template_parm` JSON pointer
 * into the match.
 *
 * Differences, on purpose:
 * - Tencent answers HTTP 200 with `Response.Error` or a per-number `SendStatusSet`: any code but
 *   "Ok" is a failure, retryable for rate limits (`RequestLimitExceeded`, `LimitExceeded.*`) and
 *   internal errors. When some numbers got the SMS, a retry goes only to the others
 *   (remembered for up to 1000 alerts while LogWarden runs).
 * - Template values lose bidi and control characters; a pointer the match lacks gives
 *   `alert_missing_value` (ElastAlert2 fails the alert). Signing is done here (no Tencent SDK).
 * - The secret id, app id and template id are required when the rule loads (ElastAlert2 fails
 *   each alert without them).
 */
import { systemClock } from '../../src/schedule/clock.ts';
import { displayText } from '../../src/alert/display.ts';
import { pyStr } from '../../src/pycompat/index.ts';
import { HttpFailure, httpUrl, missingValue, quoteBody } from '../http.ts';
import { clientFor } from '../kit/client.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf } from '../kit/webhook.ts';
import { optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { tencentSmsSchema } from './schema.ts';
import { tc3Headers } from './sign.ts';

interface TencentOptions {
  tencent_sms_secret_id: string;
  tencent_sms_secret_key: string;
  tencent_sms_sdk_appid: string;
  tencent_sms_to_number: string[];
  tencent_sms_region?: string;
  tencent_sms_sign_name?: string;
  tencent_sms_template_id: string;
  tencent_sms_template_parm?: string[];
  tencent_sms_api_url?: string;
}

/** A JSON pointer (RFC 6901) into the match; undefined when it leads nowhere. */
export function resolvePointer(doc: unknown, pointer: string): unknown {
  if (pointer === '') return doc;
  let v: unknown = doc;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

const RETRYABLE = /^(RequestLimitExceeded|LimitExceeded|InternalError|FailedOperation\.ServiceBusy)/;
type Answer = {
  Response?: { Error?: { Code?: string; Message?: string }; SendStatusSet?: { PhoneNumber?: string; Code?: string; Message?: string }[] };
};

export const createTencentSmsAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<TencentOptions>(tencentSmsSchema, ref, rule);
  for (const [i, p] of (o.tencent_sms_template_parm ?? []).entries())
    if (p !== '' && !p.startsWith('/'))
      throw optionError(rule, `tencent_sms_template_parm[${i}]`, 'must be a JSON pointer such as /user/name');
  const url = httpUrl(rule, 'tencent_sms_api_url', o.tencent_sms_api_url ?? 'https://sms.tencentcloudapi.com/');
  const client = clientFor('tencent_sms', transportOf(rule, o, 'tencent_sms'), deps);
  const now = (): number => (deps.clock ?? systemClock).now();
  const missing = missingValue(rule);
  const secrets = [o.tencent_sms_secret_key];
  const sentTo = new Map<string, Set<string>>();

  const params = (alert: AlertPayload): string[] =>
    (o.tencent_sms_template_parm ?? []).map((p) => {
      const v = resolvePointer(alert.match, p);
      return displayText(v === undefined || v === null ? missing : pyStr(v));
    });

  return {
    type: 'tencent_sms',
    async send(alert) {
      let done = sentTo.get(alert.alertId);
      if (!done) {
        done = new Set();
        sentTo.set(alert.alertId, done);
        if (sentTo.size > 1000) sentTo.delete(sentTo.keys().next().value ?? '');
      }
      const numbers = o.tencent_sms_to_number.filter((n) => !done.has(n));
      const body = JSON.stringify({
        PhoneNumberSet: numbers,
        SmsSdkAppId: o.tencent_sms_sdk_appid,
        SignName: o.tencent_sms_sign_name ?? '',
        TemplateId: o.tencent_sms_template_id,
        TemplateParamSet: params(alert),
        ExtendCode: '',
      });
      const headers = tc3Headers({
        host: url.host,
        service: 'sms',
        action: 'SendSms',
        version: '2021-01-11',
        region: o.tencent_sms_region ?? 'ap-guangzhou',
        body,
        timestampSec: Math.floor(now() / 1000),
        secretId: o.tencent_sms_secret_id,
        secretKey: o.tencent_sms_secret_key,
      });
      const result = await client.post(url, body, headers, { secrets });
      let answer: Answer;
      try {
        answer = JSON.parse(result.body) as Answer;
      } catch {
        throw new HttpFailure('tencent_sms', `the answer is not JSON: ${quoteBody(result.body, secrets)}`, true);
      }
      const error = answer.Response?.Error;
      if (error)
        throw new HttpFailure(
          'tencent_sms',
          `Tencent refused the request: ${quoteBody(`${error.Code ?? ''} ${error.Message ?? ''}`, secrets)}`,
          RETRYABLE.test(error.Code ?? ''),
          undefined,
          result.status,
        );
      const failed = (answer.Response?.SendStatusSet ?? []).filter((s) => {
        if (s.Code === 'Ok' && s.PhoneNumber) done.add(s.PhoneNumber);
        return s.Code !== 'Ok';
      });
      if (failed.length === 0) return void sentTo.delete(alert.alertId);
      const detail = failed.map((s) => `${s.PhoneNumber ?? '?'}: ${s.Code ?? ''} ${s.Message ?? ''}`).join('; ');
      throw new HttpFailure(
        'tencent_sms',
        `${failed.length} of ${numbers.length} numbers failed: ${quoteBody(detail, secrets)}`,
        failed.every((s) => RETRYABLE.test(s.Code ?? '')),
      );
    },
    async close() {
      client.close();
    },
  };
};
