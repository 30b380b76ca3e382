import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The webex_webhook alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const webexWebhookSchema: AlerterSchema = {
  name: 'webex_webhook',
  required: ['webex_webhook_id'],
  options: {
    // The incoming webhook's id is its only credential.
    webex_webhook_id: secret,
    webex_webhook_msgtype: { enum: ['text', 'markdown'] },
    // Ours: the incoming-webhooks base (a relay, tests); the id is appended.
    webex_webhook_api_url: str,
    ...transportSchema('webex_webhook'),
  },
};
