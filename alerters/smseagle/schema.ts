import type { Schema } from '../../src/config/validate.ts';
import type { AlerterSchema } from '../kit/contract.ts';
import { int, secret, str, transportSchema } from '../kit/schema-types.ts';

const ids: Schema = { type: 'array', items: { type: ['string', 'integer'] } };

/** The smseagle alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const smseagleSchema: AlerterSchema = {
  name: 'smseagle',
  required: ['smseagle_url', 'smseagle_token', 'smseagle_message_type'],
  options: {
    smseagle_url: str,
    smseagle_token: secret,
    smseagle_message_type: { enum: ['sms', 'ring', 'tts', 'tts_adv'] },
    smseagle_text: str,
    smseagle_to: ids,
    smseagle_contacts: ids,
    smseagle_groups: ids,
    smseagle_duration: int,
    smseagle_voice_id: int,
    ...transportSchema('smseagle'),
  },
};
