import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

/** The datadog alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const datadogSchema: AlerterSchema = {
  name: 'datadog',
  required: ['datadog_api_key', 'datadog_app_key'],
  options: {
    datadog_api_key: secret,
    datadog_app_key: secret,
    datadog_api_url: str,
    ...transportSchema('datadog'),
  },
};
