import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The chatwork alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const chatworkSchema: AlerterSchema = {
  name: 'chatwork',
  required: ['chatwork_apikey', 'chatwork_room_id'],
  options: {
    chatwork_apikey: secret,
    chatwork_room_id: { type: ['string', 'integer'] },
    chatwork_proxy_login: str,
    chatwork_proxy_pass: secret,
    // Ours: the API base (a relay, tests).
    chatwork_api_url: str,
    ...transportSchema('chatwork'),
  },
};
