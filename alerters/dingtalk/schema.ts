import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The dingtalk alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const dingtalkSchema: AlerterSchema = {
  name: 'dingtalk',
  required: ['dingtalk_access_token'],
  options: {
    dingtalk_access_token: secret,
    // The robot's signing secret ("SEC..."), when its security setting is "sign".
    dingtalk_sign: secret,
    dingtalk_msgtype: { enum: ['text', 'markdown', 'single_action_card', 'action_card'] },
    dingtalk_single_title: str,
    dingtalk_single_url: str,
    dingtalk_btn_orientation: { enum: ['0', '1', ''] },
    dingtalk_btns: {
      type: 'array',
      items: { type: 'object', properties: { title: str, actionURL: str }, required: ['title', 'actionURL'], additionalProperties: false },
    },
    dingtalk_proxy_login: str,
    dingtalk_proxy_pass: secret,
    // Ours: the robot endpoint (a relay, tests); `access_token` (and the signature) are added.
    dingtalk_api_url: str,
    ...transportSchema('dingtalk'),
  },
};
