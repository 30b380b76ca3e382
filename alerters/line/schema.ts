import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The line alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const lineSchema: AlerterSchema = {
  name: 'line',
  required: ['line_channel_access_token', 'line_to'],
  options: {
    line_channel_access_token: secret,
    // A user, group or room id.
    line_to: str,
    // Ours: the Messaging API base (a relay, tests).
    line_api_url: str,
    ...transportSchema('line'),
  },
};
