import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The workwechat alerter's options (ElastAlert2's names, prefix `work_wechat_`; lint and the alerter read this). */
export const workwechatSchema: AlerterSchema = {
  name: 'workwechat',
  required: ['work_wechat_bot_id'],
  options: {
    // The robot's key: whoever has it can post to the group.
    work_wechat_bot_id: secret,
    work_wechat_msgtype: { enum: ['text', 'markdown'] },
    // Ours: the robot API (a relay, tests); `?key=<bot id>` is added.
    work_wechat_api_url: str,
    ...transportSchema('work_wechat'),
  },
};
