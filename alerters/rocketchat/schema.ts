import type { AlerterSchema } from '../kit/contract.ts';
import { bool, secretOrList, str, strOrList, transportSchema } from '../kit/schema-types.ts';

/** The rocketchat alerter's options (ElastAlert2's names, prefix `rocket_chat_`; lint and the alerter read this). */
export const rocketchatSchema: AlerterSchema = {
  name: 'rocketchat',
  required: ['rocket_chat_webhook_url'],
  options: {
    // The integration URL holds its token: a credential.
    rocket_chat_webhook_url: secretOrList,
    rocket_chat_username_override: str,
    rocket_chat_channel_override: strOrList,
    rocket_chat_emoji_override: str,
    rocket_chat_msg_color: { enum: ['good', 'warning', 'danger'] },
    rocket_chat_text_string: str,
    rocket_chat_alert_fields: {
      type: 'array',
      items: {
        type: 'object',
        properties: { title: str, value: str, short: bool },
        required: ['title', 'value'],
        additionalProperties: false,
      },
    },
    rocket_chat_attach_kibana_discover_url: bool,
    rocket_chat_kibana_discover_color: str,
    rocket_chat_kibana_discover_title: str,
    ...transportSchema('rocket_chat'),
  },
};
