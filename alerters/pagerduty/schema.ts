import type { AlerterSchema } from '../kit/contract.ts';
import { bool, certs, seconds, secret, str, strList } from '../kit/schema-types.ts';

/** The pagerduty alerter's options (lint and the alerter read this). */
export const pagerdutySchema: AlerterSchema = {
  name: 'pagerduty',
  // The service key may also come from pagerduty_service_key_file / _env: the alerter checks one is set.
  required: ['pagerduty_client_name'],
  options: {
    pagerduty_service_key: secret,
    // LogWarden: the key from a file or an environment variable instead of the rule file.
    pagerduty_service_key_file: str,
    pagerduty_service_key_env: str,
    // LogWarden: another Events API host (EU region, a relay, tests) and the request timeout.
    pagerduty_api_url: str,
    pagerduty_timeout: seconds,
    pagerduty_client_name: str,
    // ElastAlert2 also has 'none'; we refuse it: an alert that pages nobody should not use this alerter.
    pagerduty_event_type: { enum: ['trigger', 'resolve', 'acknowledge'] },
    pagerduty_incident_key: str,
    pagerduty_incident_key_args: strList,
    pagerduty_proxy: str,
    pagerduty_ca_certs: certs,
    pagerduty_ignore_ssl_errors: bool,
    pagerduty_api_version: { enum: ['v1', 'v2'] },
    pagerduty_v2_payload_class: str,
    pagerduty_v2_payload_class_args: strList,
    pagerduty_v2_payload_component: str,
    pagerduty_v2_payload_component_args: strList,
    pagerduty_v2_payload_group: str,
    pagerduty_v2_payload_group_args: strList,
    pagerduty_v2_payload_severity: { enum: ['critical', 'error', 'warning', 'info'] },
    pagerduty_v2_payload_source: str,
    pagerduty_v2_payload_source_args: strList,
    // Detail name -> the document field shown (or literal text when the match has no such field).
    pagerduty_v2_payload_custom_details: { type: 'object', additionalProperties: str },
    pagerduty_v2_payload_include_all_info: bool,
  },
};
