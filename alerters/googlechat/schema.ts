import type { AlerterSchema } from '../kit/contract.ts';
import { secretOrList, str, transportSchema } from '../kit/schema-types.ts';

/** The googlechat alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const googlechatSchema: AlerterSchema = {
  name: 'googlechat',
  required: ['googlechat_webhook_url'],
  options: {
    // The webhook URL carries its key and token: a credential.
    googlechat_webhook_url: secretOrList,
    googlechat_format: { enum: ['basic', 'card'] },
    googlechat_header_title: str,
    googlechat_header_subtitle: str,
    googlechat_header_image: str,
    googlechat_footer_kibanalink: str,
    ...transportSchema('googlechat'),
  },
};
