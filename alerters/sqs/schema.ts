import type { AlerterSchema } from '../kit/contract.ts';
import { secret, seconds, str } from '../kit/schema-types.ts';

/** The sqs alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const sqsSchema: AlerterSchema = {
  name: 'sqs',
  required: ['sqs_queue_url'],
  options: {
    sqs_queue_url: str,
    sqs_aws_access_key_id: str,
    sqs_aws_secret_access_key: secret,
    sqs_aws_region: str,
    sqs_aws_profile: str,
    // Ours: another endpoint (a VPC endpoint, a local AWS-compatible server) and the request timeout.
    sqs_endpoint_url: str,
    sqs_timeout: seconds,
  },
};
