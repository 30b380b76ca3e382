import type { AlerterSchema } from '../kit/contract.ts';
import { secret, seconds, str } from '../kit/schema-types.ts';

/** The sns alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const snsSchema: AlerterSchema = {
  name: 'sns',
  required: ['sns_topic_arn'],
  options: {
    sns_topic_arn: str,
    sns_aws_access_key_id: str,
    sns_aws_secret_access_key: secret,
    sns_aws_region: str,
    sns_aws_profile: str,
    // Ours: another endpoint (a VPC endpoint, a local AWS-compatible server) and the request timeout.
    sns_endpoint_url: str,
    sns_timeout: seconds,
  },
};
