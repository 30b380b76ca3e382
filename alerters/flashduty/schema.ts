import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The flashduty alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const flashdutySchema: AlerterSchema = {
  name: 'flashduty',
  required: ['flashduty_url'],
  options: {
    // The push URL carries the integration key.
    flashduty_url: secret,
    flashduty_title: str,
    flashduty_alert_key: str,
    flashduty_description: str,
    flashduty_event_status: { enum: ['Critical', 'Warning', 'Info', 'Ok'] },
    flashduty_check: str,
    flashduty_service: str,
    flashduty_cluster: str,
    flashduty_resource: str,
    flashduty_metric: str,
    flashduty_group: str,
    flashduty_env: str,
    flashduty_app: str,
    ...transportSchema('flashduty'),
  },
};
