import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The exotel alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const exotelSchema: AlerterSchema = {
  name: 'exotel',
  required: ['exotel_account_sid', 'exotel_auth_token', 'exotel_to_number', 'exotel_from_number'],
  options: {
    exotel_account_sid: str,
    exotel_auth_token: secret,
    exotel_to_number: str,
    exotel_from_number: str,
    exotel_message_body: str,
    // Ours: the API base (another Exotel region such as https://api.in.exotel.com, a relay, tests).
    exotel_api_url: str,
    ...transportSchema('exotel'),
  },
};
