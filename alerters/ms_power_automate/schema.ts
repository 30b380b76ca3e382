import type { AlerterSchema } from '../kit/contract.ts';
import { bool, secretOrList, str, transportSchema } from '../kit/schema-types.ts';

const size = { enum: ['default', 'small', 'medium', 'large', 'extraLarge'] };

/** The ms_power_automate alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const msPowerAutomateSchema: AlerterSchema = {
  name: 'ms_power_automate',
  required: ['ms_power_automate_webhook_url'],
  options: {
    // The workflow URL carries its signature: a credential.
    ms_power_automate_webhook_url: secretOrList,
    ms_power_automate_alert_summary: str,
    ms_power_automate_summary_text_size: size,
    ms_power_automate_body_text_size: size,
    ms_power_automate_alert_facts: {
      type: 'array',
      items: { type: 'object', properties: { name: str, value: str }, required: ['name', 'value'], additionalProperties: false },
    },
    ms_power_automate_kibana_discover_attach_url: bool,
    ms_power_automate_kibana_discover_color: { enum: ['default', 'positive', 'destructive'] },
    ms_power_automate_kibana_discover_title: str,
    ms_power_automate_teams_card_width_full: bool,
    // Refused when set (see index.ts): listed so that the refusal names them.
    ms_power_automate_webhook_url_from_field: str,
    ms_power_automate_opensearch_discover_attach_url: bool,
    ms_power_automate_opensearch_discover_color: str,
    ms_power_automate_opensearch_discover_title: str,
    ...transportSchema('ms_power_automate'),
  },
};
