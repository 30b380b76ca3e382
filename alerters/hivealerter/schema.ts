import type { AlerterSchema } from '../kit/contract.ts';
import { mapping, secret } from '../kit/schema-types.ts';

/** The hivealerter alerter's options (lint and the alerter read this). */
export const hivealerterSchema: AlerterSchema = {
  name: 'hivealerter',
required: ['hive_connection', 'hive_alert_config'],
  options: {
    // Holds hive_apikey.
    hive_connection: { type: 'object', 'x-secret': true },
    hive_alert_config: mapping,
    // The original ElastAlert's `{match[field]}` format strings when `classic`.
    hive_alert_config_type: { enum: ['custom', 'classic'] },
    hive_observable_data_mapping: { type: 'array', items: mapping },
    severity_scale: { type: 'array', items: mapping },
  },
};
