import type { AlerterSchema } from '../kit/contract.ts';
import { bool, secret, str, transportSchema } from '../kit/schema-types.ts';

/** The twilio alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const twilioSchema: AlerterSchema = {
  name: 'twilio',
  required: ['twilio_account_sid', 'twilio_auth_token', 'twilio_to_number'],
  options: {
    twilio_account_sid: str,
    twilio_auth_token: secret,
    twilio_to_number: str,
    twilio_from_number: str,
    twilio_message_service_sid: str,
    twilio_use_copilot: bool,
    // Ours: the REST API base (a relay, tests).
    twilio_api_url: str,
    ...transportSchema('twilio'),
  },
};
