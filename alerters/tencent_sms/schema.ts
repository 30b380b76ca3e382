import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, strList, transportSchema } from '../kit/schema-types.ts';

/** The tencent_sms alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const tencentSmsSchema: AlerterSchema = {
  name: 'tencent_sms',
  required: [
    'tencent_sms_to_number',
    'tencent_sms_secret_id',
    'tencent_sms_secret_key',
    'tencent_sms_sdk_appid',
    'tencent_sms_template_id',
  ],
  options: {
    tencent_sms_secret_id: str,
    tencent_sms_secret_key: secret,
    tencent_sms_sdk_appid: str,
    // E.164 numbers (+8613711112222); Tencent takes at most 200 per request.
    tencent_sms_to_number: { type: 'array', items: str, minItems: 1 },
    tencent_sms_region: str,
    tencent_sms_sign_name: str,
    tencent_sms_template_id: str,
    // JSON pointers into the match (/user/name), one per template variable.
    tencent_sms_template_parm: strList,
    // Ours: the API endpoint (a relay, tests).
    tencent_sms_api_url: str,
    ...transportSchema('tencent_sms'),
  },
};
