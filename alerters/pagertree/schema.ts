import type { AlerterSchema } from '../kit/contract.ts';
import { secret, transportSchema } from '../kit/schema-types.ts';

/** The pagertree alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const pagertreeSchema: AlerterSchema = {
  name: 'pagertree',
  required: ['pagertree_integration_url'],
  options: {
    // The integration URL holds the integration's id: whoever has it can open incidents.
    pagertree_integration_url: secret,
    ...transportSchema('pagertree'),
  },
};
