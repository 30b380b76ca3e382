import type { AlerterSchema } from '../kit/contract.ts';
import { mapping, secret, str, strList, transportSchema } from '../kit/schema-types.ts';

/** The opsgenie alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const opsgenieSchema: AlerterSchema = {
  name: 'opsgenie',
  required: ['opsgenie_key'],
  options: {
    opsgenie_key: secret,
    opsgenie_account: str,
    opsgenie_addr: str,
    opsgenie_recipients: strList,
    opsgenie_recipients_args: { type: 'object', additionalProperties: str },
    // ElastAlert2's spelling.
    opsgenie_default_receipients: strList,
    opsgenie_teams: strList,
    opsgenie_teams_args: { type: 'object', additionalProperties: str },
    opsgenie_default_teams: strList,
    opsgenie_tags: strList,
    opsgenie_message: str,
    opsgenie_subject: str,
    opsgenie_subject_args: strList,
    opsgenie_description: str,
    opsgenie_alias: str,
    opsgenie_priority: str,
    opsgenie_details: mapping,
    opsgenie_entity: str,
    opsgenie_source: str,
    ...transportSchema('opsgenie'),
  },
};
