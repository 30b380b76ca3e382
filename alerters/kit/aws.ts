/**
 * What the AWS alerters (sns, sqs) share: the client settings from ElastAlert2's `<prefix>_aws_*`
 * options, and the mapping of an AWS SDK failure to a retryable or permanent AlerterError with
 * the keys removed from its message.
 *
 * The SDK makes one attempt per send (maxAttempts 1): retries are the outbox's, on the engine's
 * clock, like every other alerter's.
 */
import type { RuleDefinition } from '../../src/rules/types.ts';
import { httpUrl, quoteBody, timeoutOption } from '../http.ts';
import { AlerterError } from '../types.ts';

export interface AwsOptions {
  region: string;
  accessKeyId?: string | undefined;
  secretAccessKey?: string | undefined;
  profile?: string | undefined;
  endpoint?: string | undefined;
}

/** The SDK client configuration for these options (credentials: the keys, else the profile, else the default chain). */
export function awsClientConfig(o: AwsOptions, timeoutMs: number): Record<string, unknown> {
  return {
    region: o.region,
    maxAttempts: 1,
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs },
    ...(o.accessKeyId && o.secretAccessKey ? { credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } } : {}),
    ...(o.profile && !o.accessKeyId ? { profile: o.profile } : {}),
    ...(o.endpoint ? { endpoint: o.endpoint } : {}),
  };
}

/**
 * The SDK client configuration from ElastAlert2's `<prefix>_aws_*` options (region, keys, profile)
 * and ours (`<prefix>_endpoint_url`, `<prefix>_timeout`), with the secret to keep out of errors.
 */
export function awsConnection(
  rule: RuleDefinition,
  o: Readonly<Record<string, unknown>>,
  prefix: string,
): { config: Record<string, unknown>; secrets: string[] } {
  const text = (option: string): string | undefined => (typeof o[option] === 'string' ? (o[option] as string) : undefined);
  const endpointOption = `${prefix}_endpoint_url`;
  const endpoint = o[endpointOption] === undefined ? undefined : httpUrl(rule, endpointOption, o[endpointOption]).href;
  const secretAccessKey = text(`${prefix}_aws_secret_access_key`);
  const config = awsClientConfig(
    {
      region: text(`${prefix}_aws_region`) ?? 'us-east-1',
      accessKeyId: text(`${prefix}_aws_access_key_id`),
      secretAccessKey,
      profile: text(`${prefix}_aws_profile`),
      endpoint,
    },
    timeoutOption(rule, o, `${prefix}_timeout`),
  );
  return { config, secrets: secretAccessKey ? [secretAccessKey] : [] };
}

const PERMANENT_NAMES = new RegExp(
  [
    'MessageRejected',
    'MailFromDomainNotVerified',
    'Credentials',
    'AccessDenied',
    'Authorization',
    'InvalidClientTokenId',
    'SignatureDoesNotMatch',
    'NotFound',
    'NonExistent',
    'InvalidParameter',
    'Validation',
    'InvalidMessageContents',
    'KMSDisabled',
  ].join('|'),
);
const RETRYABLE_NAMES =
  /Throttl|TooManyRequests|RequestLimitExceeded|SlowDown|ServiceUnavailable|InternalError|TimeoutError|RequestTimeout/;

/** An SDK failure as an AlerterError: throttling, 5xx, timeouts and network errors are retryable. */
export function awsFailure(type: string, error: unknown, secrets: readonly string[]): AlerterError {
  const e = (error ?? {}) as { name?: string; message?: string; code?: string; $metadata?: { httpStatusCode?: number }; $fault?: string };
  const status = e.$metadata?.httpStatusCode;
  const name = e.name ?? 'Error';
  let retryable: boolean;
  if (RETRYABLE_NAMES.test(name) || status === 429 || status === 408 || (status !== undefined && status >= 500)) retryable = true;
  else if (PERMANENT_NAMES.test(name) || (status !== undefined && status >= 400)) retryable = false;
  // No answer at all (connection refused, DNS, reset): the service may be back later.
  else retryable = true;
  const detail = quoteBody(`${name}: ${e.message ?? String(error)}`, secrets);
  return new AlerterError(type, `${status === undefined ? '' : `HTTP ${status}: `}${detail}`, retryable);
}
