import type { AlerterSchema } from '../kit/contract.ts';
import { int, secret, str, transportSchema } from '../kit/schema-types.ts';

/** The yzj alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const yzjSchema: AlerterSchema = {
  name: 'yzj',
  required: ['yzj_token'],
  options: {
    yzj_token: secret,
    yzj_type: int,
    // A host[:port] that replaces www.yunzhijia.com (a private deployment).
    yzj_custom_loc: str,
    ...transportSchema('yzj'),
  },
};
