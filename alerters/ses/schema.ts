import type { AlerterSchema } from '../kit/contract.ts';
import { secret, seconds, str, strOrList } from '../kit/schema-types.ts';

/** The ses alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const sesSchema: AlerterSchema = {
  name: 'ses',
  required: ['ses_email', 'ses_from_addr'],
  options: {
    ses_email: strOrList,
    ses_from_addr: str,
    ses_cc: strOrList,
    ses_bcc: strOrList,
    ses_email_reply_to: strOrList,
    ses_email_from_field: str,
    ses_email_add_domain: str,
    ses_aws_access_key_id: str,
    ses_aws_secret_access_key: secret,
    ses_aws_region: str,
    ses_aws_profile: str,
    // Ours: another endpoint (a VPC endpoint, a local AWS-compatible server) and the request timeout.
    ses_endpoint_url: str,
    ses_timeout: seconds,
  },
};
