import type { AlerterSchema } from '../kit/contract.ts';
import { bool, certs, int, secret, str, strList } from '../kit/schema-types.ts';

/** The alerta alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const alertaSchema: AlerterSchema = {
  name: 'alerta',
  required: ['alerta_api_url'],
  options: {
    alerta_api_url: str,
    alerta_api_key: secret,
    // Alerta's own alert timeout (seconds until it expires the alert), not the HTTP timeout.
    alerta_timeout: int,
    alerta_use_match_timestamp: bool,
    alerta_use_qk_as_resource: bool,
    alerta_api_skip_ssl: bool,
    // Ours: a CA bundle (or true for the system's) to verify Alerta's certificate.
    alerta_ca_certs: certs,
    alerta_severity: str,
    alerta_resource: str,
    alerta_environment: str,
    alerta_origin: str,
    alerta_group: str,
    alerta_service: strList,
    alerta_text: str,
    alerta_type: str,
    alerta_event: str,
    alerta_value: str,
    alerta_correlate: strList,
    alerta_tags: strList,
    alerta_attributes_keys: strList,
    alerta_attributes_values: strList,
  },
};
