import type { AlerterSchema } from '../kit/contract.ts';
import { secretOrList, str, transportSchema } from '../kit/schema-types.ts';

/** The matrixhookshot alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const matrixhookshotSchema: AlerterSchema = {
  name: 'matrixhookshot',
  required: ['matrixhookshot_webhook_url'],
  options: {
    // The hook URL is the credential: whoever has it can post to the room.
    matrixhookshot_webhook_url: secretOrList,
    matrixhookshot_username: str,
    matrixhookshot_text: str,
    matrixhookshot_html: str,
    ...transportSchema('matrixhookshot'),
  },
};
