import type { Schema } from '../../src/config/validate.ts';
import type { AlerterSchema } from '../kit/contract.ts';
import { secret, str, transportSchema } from '../kit/schema-types.ts';

const level: Schema = { type: 'integer', minimum: 1, maximum: 3 };

/**
 * The servicenow alerter's options: ElastAlert2's names, most without a prefix. Further incident
 * fields are `servicenow_arg_<field>` (accepted by pattern in src/rules/alerter-options.ts).
 */
export const servicenowSchema: AlerterSchema = {
  name: 'servicenow',
  required: [
    'username',
    'password',
    'servicenow_rest_url',
    'short_description',
    'comments',
    'assignment_group',
    'category',
    'subcategory',
    'cmdb_ci',
    'caller_id',
  ],
  options: {
    servicenow_rest_url: str,
    username: str,
    password: secret,
    short_description: str,
    comments: str,
    assignment_group: str,
    category: str,
    subcategory: str,
    cmdb_ci: str,
    caller_id: str,
    servicenow_impact: level,
    servicenow_urgency: level,
    ...transportSchema('servicenow'),
  },
};
