import type { AlerterSchema } from '../kit/contract.ts';
import { bool, int, mapping, port, seconds, str } from '../kit/schema-types.ts';

/** The gelf alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const gelfSchema: AlerterSchema = {
  name: 'gelf',
  required: ['gelf_type'],
  options: {
    // ElastAlert2: http or tcp; udp is ours (Graylog's most common GELF input).
    gelf_type: { enum: ['http', 'tcp', 'udp'] },
    gelf_endpoint: str,
    gelf_host: str,
    gelf_port: port,
    // message key -> document field
    gelf_payload: { type: 'object', additionalProperties: str },
    gelf_version: str,
    gelf_log_level: { ...int, minimum: 0, maximum: 7 },
    gelf_http_headers: { ...mapping, 'x-secret': true },
    gelf_ca_cert: str,
    gelf_http_ignore_ssl_errors: bool,
    gelf_timeout: seconds,
  },
};
