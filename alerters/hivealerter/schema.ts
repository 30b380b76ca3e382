import type { AlerterSchema } from '../kit/contract.ts';
import { mapping, seconds, secret, str } from '../kit/schema-types.ts';

/**
 * The hivealerter alerter's options (lint and the alerter read this). What `hive_alert_config`
 * holds depends on `hive_alert_config_type` and is checked by the alerter (index.ts).
 */
export const hivealerterSchema: AlerterSchema = {
  name: 'hivealerter',
  required: ['hive_connection', 'hive_alert_config'],
  options: {
    // Holds hive_apikey: a value of the wrong type is not quoted.
    hive_connection: {
      type: 'object',
      'x-secret': true,
      properties: {
        hive_host: str,
        // ElastAlert2 joins "<host>:<port>": a number or digits.
        hive_port: {
          anyOf: [
            { type: 'integer', minimum: 1, maximum: 65535 },
            { type: 'string', pattern: '^[0-9]+$' },
          ],
        },
        hive_apikey: secret,
        // LogWarden: the key from a file or an environment variable instead of the rule file.
        hive_apikey_file: str,
        hive_apikey_env: str,
        // As requests' proxies: the https one is used for https:// hosts.
        hive_proxies: { type: 'object', properties: { http: str, https: str } },
        // requests' verify: true / false, or a CA bundle path.
        hive_verify: { type: ['boolean', 'string'] },
        hive_timeout: seconds,
      },
    },
    hive_alert_config: mapping,
    // The original ElastAlert's `{match[field]}` format strings when `classic`.
    hive_alert_config_type: { enum: ['custom', 'classic'] },
    hive_observable_data_mapping: { type: 'array', items: mapping },
    severity_scale: {
      type: 'array',
      items: {
        type: 'object',
        properties: { min: { type: 'number' }, max: { type: 'number' }, severity: { enum: [1, 2, 3, 4] } },
        required: ['min', 'max', 'severity'],
      },
    },
  },
};
