import type { AlerterSchema } from '../kit/contract.ts';
import { secret, transportSchema } from '../kit/schema-types.ts';

/** The gitter alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const gitterSchema: AlerterSchema = {
  name: 'gitter',
  required: ['gitter_webhook_url'],
  options: {
    // The activity webhook URL is the credential.
    gitter_webhook_url: secret,
    gitter_msg_level: { enum: ['info', 'error'] },
    ...transportSchema('gitter'),
  },
};
