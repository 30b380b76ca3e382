import type { AlerterSchema } from '../kit/contract.ts';
import { bool, certs, int, mapping, secret, str } from '../kit/schema-types.ts';

/** The iris alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const irisSchema: AlerterSchema = {
  name: 'iris',
  required: ['iris_host', 'iris_api_token'],
  options: {
    // host[:port]; reached over https:// as in ElastAlert2.
    iris_host: str,
    iris_api_token: secret,
    iris_customer_id: int,
    iris_ca_cert: certs,
    iris_ignore_ssl_errors: bool,
    iris_description: str,
    iris_overwrite_timestamp: bool,
    iris_type: { enum: ['alert', 'case'] },
    iris_case_template_id: int,
    iris_alert_note: str,
    iris_alert_source: str,
    iris_alert_tags: str,
    iris_alert_status_id: int,
    iris_alert_source_link: str,
    iris_alert_severity_id: int,
    // Context key -> document field (or rule option) whose value it shows.
    iris_alert_context: { type: 'object', additionalProperties: str },
    iris_iocs: { type: 'array', items: { ...mapping, properties: { ioc_value: str }, required: ['ioc_value'] } },
  },
};
