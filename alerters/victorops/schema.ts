import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The victorops alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const victoropsSchema: AlerterSchema = {
  name: 'victorops',
  required: ['victorops_api_key', 'victorops_routing_key', 'victorops_message_type'],
  options: {
    victorops_api_key: secret,
    victorops_routing_key: str,
    victorops_message_type: { enum: ['CRITICAL', 'WARNING', 'ACKNOWLEDGEMENT', 'INFO', 'RECOVERY'] },
    victorops_entity_id: str,
    victorops_entity_display_name: str,
    // Ours: the REST endpoint's base (a relay, tests); the key and routing key are appended.
    victorops_api_url: str,
    ...transportSchema('victorops'),
  },
};
