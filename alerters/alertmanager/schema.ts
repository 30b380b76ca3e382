import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, strList, textMap, transportSchema } from '../kit/schema-types.ts';

/** The alertmanager alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const alertmanagerSchema: AlerterSchema = {
  name: 'alertmanager',
  required: ['alertmanager_hosts'],
  options: {
    alertmanager_hosts: { ...strList, minItems: 1 },
    // ElastAlert2 defaults to v1, which Alertmanager 0.27 removed; LogWarden defaults to v2.
    alertmanager_api_version: { enum: ['v1', 'v2'] },
    alertmanager_alertname: str,
    // Label values are Jinja templates of the rule author, rendered with the match as data.
    alertmanager_labels: textMap,
    alertmanager_annotations: textMap,
    // label name -> document field
    alertmanager_fields: { type: 'object', additionalProperties: str },
    alertmanager_alert_subject_labelname: str,
    alertmanager_alert_text_labelname: str,
    alertmanager_basic_auth_login: str,
    alertmanager_basic_auth_password: secret,
    alertmanager_resolve_time: { 'x-duration': true },
    ...transportSchema('alertmanager'),
  },
};
