// AWS CloudTrail records, one document per record of a log file's Records array, as a Logstash
// or Functionbeat pipeline ships them: the record as is, plus @timestamp taken from eventTime.
// One account (111122223333, the documentation account id), management events in eu-west-1,
// IAM and sign-in events in us-east-1 where AWS records them, and S3 object reads as data events.
import { runActors, warmupTimes, type Actor } from './actors.ts';
import type { Random } from './random.ts';
import { iso, MIN, SEC, type EventOf, type JsonObject, type TimeRange } from './types.ts';

export type CloudTrailEvent = EventOf<'cloudtrail'>;

export interface UserIdentity {
  type: 'Root' | 'IAMUser' | 'AssumedRole' | 'AWSService';
  principalId?: string;
  arn?: string;
  accountId?: string;
  accessKeyId?: string;
  userName?: string;
  sessionContext?: {
    sessionIssuer?: { type: 'Role'; principalId: string; arn: string; accountId: string; userName: string };
    attributes: { creationDate: string; mfaAuthenticated: 'true' | 'false' };
  };
  invokedBy?: string;
}

export interface CloudTrailDoc {
  '@timestamp': string;
  eventVersion: string;
  userIdentity: UserIdentity;
  eventTime: string;
  eventSource: string;
  eventName: string;
  awsRegion: string;
  sourceIPAddress: string;
  userAgent: string;
  errorCode?: string;
  errorMessage?: string;
  requestParameters: JsonObject | null;
  responseElements: JsonObject | null;
  additionalEventData?: JsonObject;
  requestID: string;
  eventID: string;
  readOnly: boolean;
  resources?: { accountId?: string; type: string; ARN: string }[];
  eventType: 'AwsApiCall' | 'AwsConsoleSignIn' | 'AwsServiceEvent';
  managementEvent: boolean;
  recipientAccountId: string;
  eventCategory: 'Management' | 'Data';
  tlsDetails?: { tlsVersion: string; cipherSuite: string; clientProvidedHostHeader: string };
  sessionCredentialFromConsole?: 'true';
}

export const AWS_ACCOUNT_ID = '111122223333';
export const AWS_REGION = 'eu-west-1';

/** Who calls: the identity and where it calls from. */
export interface AwsCaller {
  /** The identity for a call at `ts` (assumed-role sessions carry their creation time). */
  identity(ts: number): UserIdentity;
  /** userIdentity.arn: what rules key on. */
  arn: string;
  sourceIPAddress: string;
  userAgent: string;
  console?: boolean;
}

export interface AwsCall {
  caller: AwsCaller;
  eventSource: string;
  eventName: string;
  readOnly: boolean;
  requestParameters?: JsonObject | null;
  responseElements?: JsonObject | null;
  additionalEventData?: JsonObject;
  errorCode?: string;
  errorMessage?: string;
  resources?: { accountId?: string; type: string; ARN: string }[];
  /** An S3 object-level call (a data event). */
  data?: boolean;
  eventType?: CloudTrailDoc['eventType'];
}

/** IAM, STS's global endpoint and console sign-in are recorded in us-east-1. */
const GLOBAL_SOURCES = new Set(['iam.amazonaws.com', 'signin.amazonaws.com']);

export function cloudTrailEvent(rng: Random, ts: number, call: AwsCall): CloudTrailEvent {
  // CloudTrail times have whole seconds, and Logstash takes @timestamp from eventTime.
  const t = Math.floor(ts / SEC) * SEC;
  const region = GLOBAL_SOURCES.has(call.eventSource) ? 'us-east-1' : AWS_REGION;
  const service = call.eventSource.replace('.amazonaws.com', '');
  const fromService = call.caller.sourceIPAddress.endsWith('.amazonaws.com');
  const doc: CloudTrailDoc = {
    '@timestamp': iso(t),
    eventVersion: call.data ? '1.10' : '1.09',
    userIdentity: call.caller.identity(t),
    eventTime: iso(t).replace('.000Z', 'Z'),
    eventSource: call.eventSource,
    eventName: call.eventName,
    awsRegion: region,
    sourceIPAddress: call.caller.sourceIPAddress,
    userAgent: call.caller.userAgent,
    ...(call.errorCode ? { errorCode: call.errorCode, errorMessage: call.errorMessage ?? '' } : {}),
    requestParameters: call.requestParameters ?? null,
    responseElements: call.errorCode ? null : (call.responseElements ?? null),
    ...(call.additionalEventData ? { additionalEventData: call.additionalEventData } : {}),
    requestID: call.data ? rng.upperAlnum(16) : rng.uuid(),
    eventID: rng.uuid(),
    readOnly: call.readOnly,
    ...(call.resources ? { resources: call.resources } : {}),
    eventType: call.eventType ?? 'AwsApiCall',
    managementEvent: !call.data,
    recipientAccountId: AWS_ACCOUNT_ID,
    eventCategory: call.data ? 'Data' : 'Management',
    ...(fromService || call.eventType === 'AwsConsoleSignIn'
      ? {}
      : {
          tlsDetails: {
            tlsVersion: 'TLSv1.3',
            cipherSuite: 'TLS_AES_128_GCM_SHA256',
            clientProvidedHostHeader: GLOBAL_SOURCES.has(call.eventSource) ? call.eventSource : `${service}.${region}.amazonaws.com`,
          },
        }),
    ...(call.caller.console && call.eventType !== 'AwsConsoleSignIn' ? { sessionCredentialFromConsole: 'true' as const } : {}),
  };
  return { source: 'cloudtrail', ts: t, doc };
}

// ---------------------------------------------------------------------------------------------
// Callers. Public addresses: 192.0.2.10 is CI's NAT, 192.0.2.20 the VPC's NAT gateway; people's
// addresses are the same as in the auth logs.

const CONSOLE_UA = 'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const CLI_UA = (command: string): string =>
  `aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#5.15.0-1064-aws md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/distrib#ubuntu.22 md/prompt#off md/command#${command}`;
const BOTO_UA =
  '[Boto3/1.34.144 md/Botocore#1.34.144 ua/2.0 os/linux#5.10.219-208.866.amzn2.x86_64 md/arch#x86_64 lang/python#3.12.4 md/pyimpl#CPython cfg/retry-mode#legacy Botocore/1.34.144]';
const SDK_GO_UA = 'aws-sdk-go-v2/1.30.3 os/linux lang/go#1.22.5 md/GOOS#linux md/GOARCH#amd64 api/secretsmanager#1.32.3';

/** Deterministic ids (AIDA…, AROA…, AKIA…) from a name: the same principal keeps its id. */
function principalSuffix(name: string, length: number): string {
  const chars = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let h = 0x9747b28c;
  let out = '';
  for (let i = 0; i < length; i++) {
    for (const c of `${i}${name}`) h = Math.imul(h ^ c.charCodeAt(0), 0x5bd1e995) >>> 0;
    out += chars[(h ^ (h >>> 13)) & 31];
  }
  return out;
}

export function iamUser(name: string, sourceIPAddress: string, userAgent: string): AwsCaller {
  const arn = `arn:aws:iam::${AWS_ACCOUNT_ID}:user/${name}`;
  return {
    arn,
    sourceIPAddress,
    userAgent,
    identity: () => ({
      type: 'IAMUser',
      principalId: `AIDA${principalSuffix(name, 17)}`,
      arn,
      accountId: AWS_ACCOUNT_ID,
      accessKeyId: `AKIA${principalSuffix(`key:${name}`, 16)}`,
      userName: name,
    }),
  };
}

export function assumedRole(
  role: string,
  session: string,
  sourceIPAddress: string,
  userAgent: string,
  options: { console?: boolean; rolePath?: string; mfa?: boolean } = {},
): AwsCaller {
  const arn = `arn:aws:sts::${AWS_ACCOUNT_ID}:assumed-role/${role}/${session}`;
  const roleId = `AROA${principalSuffix(role, 17)}`;
  return {
    arn,
    sourceIPAddress,
    userAgent,
    ...(options.console ? { console: true } : {}),
    identity: (ts) => ({
      type: 'AssumedRole',
      principalId: `${roleId}:${session}`,
      arn,
      accountId: AWS_ACCOUNT_ID,
      accessKeyId: `ASIA${principalSuffix(`${session}:${Math.floor(ts / 3_600_000)}`, 16)}`,
      sessionContext: {
        sessionIssuer: {
          type: 'Role',
          principalId: roleId,
          arn: `arn:aws:iam::${AWS_ACCOUNT_ID}:role/${options.rolePath ?? ''}${role}`,
          accountId: AWS_ACCOUNT_ID,
          userName: role,
        },
        // Sessions last an hour: created at the top of the hour before the call.
        attributes: {
          creationDate: iso(Math.floor(ts / 3_600_000) * 3_600_000).replace('.000Z', 'Z'),
          mfaAuthenticated: options.mfa ? 'true' : 'false',
        },
      },
    }),
  };
}

export const rootCaller = (sourceIPAddress: string): AwsCaller => ({
  arn: `arn:aws:iam::${AWS_ACCOUNT_ID}:root`,
  sourceIPAddress,
  userAgent: CONSOLE_UA,
  console: true,
  identity: (ts) => ({
    type: 'Root',
    principalId: AWS_ACCOUNT_ID,
    arn: `arn:aws:iam::${AWS_ACCOUNT_ID}:root`,
    accountId: AWS_ACCOUNT_ID,
    accessKeyId: `ASIA${principalSuffix(`root:${Math.floor(ts / 3_600_000)}`, 16)}`,
    sessionContext: { attributes: { creationDate: iso(ts - 60_000).replace(/\.\d{3}Z$/, 'Z'), mfaAuthenticated: 'false' } },
  }),
});

const awsService = (service: string): AwsCaller => ({
  arn: '',
  sourceIPAddress: service,
  userAgent: service,
  identity: () => ({ type: 'AWSService', invokedBy: service }),
});

const SSO_PATH = 'aws-reserved/sso.amazonaws.com/eu-west-1/';
export const AWS_CALLERS = {
  aliceReadOnly: assumedRole('AWSReservedSSO_ReadOnlyAccess_4f1c2a9e7b3d5c61', 'alice@example.com', '198.51.100.10', CONSOLE_UA, {
    console: true,
    rolePath: SSO_PATH,
    mfa: true,
  }),
  bobReadOnly: assumedRole('AWSReservedSSO_ReadOnlyAccess_4f1c2a9e7b3d5c61', 'bob@example.com', '198.51.100.23', CONSOLE_UA, {
    console: true,
    rolePath: SSO_PATH,
    mfa: true,
  }),
  ciDeployer: iamUser('ci-deployer', '192.0.2.10', CLI_UA('ecs.update-service')),
  reportGenerator: iamUser('report-generator', '192.0.2.20', BOTO_UA),
  appPayments: assumedRole('app-payments', 'i-0a1b2c3d4e5f67890', '192.0.2.20', SDK_GO_UA),
  buildRunner: assumedRole('build-runner', 'i-0f9e8d7c6b5a43210', '192.0.2.10', SDK_GO_UA),
  config: assumedRole('AWSServiceRoleForConfig', 'AWSConfig-Describe', 'config.amazonaws.com', 'config.amazonaws.com', {
    rolePath: 'aws-service-role/config.amazonaws.com/',
  }),
  grafana: assumedRole('grafana-cloudwatch', 'grafana', '192.0.2.20', BOTO_UA),
  ec2Service: awsService('ec2.amazonaws.com'),
} as const;

export const REPORTS_BUCKET = 'example-corp-reports';
export const SECRET_IDS = [
  'prod/payments/db',
  'prod/payments/stripe-key',
  'prod/checkout/session-key',
  'prod/catalog/search-api',
  'ci/registry-token',
  'ci/signing-key',
];

const s3Object = (bucket: string, key: string): Pick<AwsCall, 'requestParameters' | 'resources' | 'additionalEventData'> => ({
  requestParameters: { bucketName: bucket, Host: `${bucket}.s3.${AWS_REGION}.amazonaws.com`, key },
  resources: [
    { type: 'AWS::S3::Object', ARN: `arn:aws:s3:::${bucket}/${key}` },
    { accountId: AWS_ACCOUNT_ID, type: 'AWS::S3::Bucket', ARN: `arn:aws:s3:::${bucket}` },
  ],
  additionalEventData: {
    SignatureVersion: 'SigV4',
    CipherSuite: 'TLS_AES_128_GCM_SHA256',
    bytesTransferredIn: 0,
    AuthenticationMethod: 'AuthHeader',
    bytesTransferredOut: 0,
  },
});

export function s3GetObject(caller: AwsCaller, bucket: string, key: string, bytes: number): AwsCall {
  const base = s3Object(bucket, key);
  return {
    caller,
    eventSource: 's3.amazonaws.com',
    eventName: 'GetObject',
    readOnly: true,
    data: true,
    ...base,
    additionalEventData: { ...base.additionalEventData, bytesTransferredOut: bytes },
  };
}

export function getSecretValue(caller: AwsCaller, secretId: string): AwsCall {
  return {
    caller,
    eventSource: 'secretsmanager.amazonaws.com',
    eventName: 'GetSecretValue',
    readOnly: true,
    requestParameters: { secretId },
  };
}

const CONSOLE_READS: readonly (readonly [Omit<AwsCall, 'caller'>, number])[] = [
  [
    {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeInstances',
      readOnly: true,
      requestParameters: { instancesSet: {}, filterSet: {} },
    },
    5,
  ],
  [
    {
      eventSource: 'ec2.amazonaws.com',
      eventName: 'DescribeSecurityGroups',
      readOnly: true,
      requestParameters: { securityGroupSet: {}, filterSet: {} },
    },
    3,
  ],
  [{ eventSource: 's3.amazonaws.com', eventName: 'ListBuckets', readOnly: true, requestParameters: { Host: 's3.amazonaws.com' } }, 3],
  [
    {
      eventSource: 's3.amazonaws.com',
      eventName: 'GetBucketPolicy',
      readOnly: true,
      requestParameters: { bucketName: REPORTS_BUCKET, Host: `${REPORTS_BUCKET}.s3.amazonaws.com`, policy: '' },
    },
    2,
  ],
  [{ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBInstances', readOnly: true }, 2],
  [{ eventSource: 'monitoring.amazonaws.com', eventName: 'GetMetricData', readOnly: true }, 3],
  [{ eventSource: 'cloudtrail.amazonaws.com', eventName: 'LookupEvents', readOnly: true, requestParameters: { maxResults: 50 } }, 1],
  [{ eventSource: 'lambda.amazonaws.com', eventName: 'ListFunctions20150331', readOnly: true }, 1],
  [{ eventSource: 'logs.amazonaws.com', eventName: 'DescribeLogGroups', readOnly: true }, 2],
  [{ eventSource: 'iam.amazonaws.com', eventName: 'ListRoles', readOnly: true }, 1],
];

const CONFIG_READS: readonly (readonly [Omit<AwsCall, 'caller'>, number])[] = [
  [{ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeInstances', readOnly: true }, 4],
  [{ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeSecurityGroups', readOnly: true }, 3],
  [{ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeVolumes', readOnly: true }, 2],
  [{ eventSource: 'ec2.amazonaws.com', eventName: 'DescribeNetworkInterfaces', readOnly: true }, 2],
  [
    {
      eventSource: 's3.amazonaws.com',
      eventName: 'GetBucketAcl',
      readOnly: true,
      requestParameters: { bucketName: REPORTS_BUCKET, Host: `${REPORTS_BUCKET}.s3.amazonaws.com`, acl: '' },
    },
    2,
  ],
  [{ eventSource: 'iam.amazonaws.com', eventName: 'GetRole', readOnly: true, requestParameters: { roleName: 'app-payments' } }, 1],
  [
    {
      eventSource: 'iam.amazonaws.com',
      eventName: 'ListAttachedRolePolicies',
      readOnly: true,
      requestParameters: { roleName: 'build-runner' },
    },
    1,
  ],
  [{ eventSource: 'rds.amazonaws.com', eventName: 'DescribeDBInstances', readOnly: true }, 1],
];

function consoleSession(rng: Random, ts: number, caller: AwsCaller): CloudTrailEvent[] {
  const out: CloudTrailEvent[] = [];
  let t = ts;
  for (let i = rng.int(4, 25); i > 0; i--) {
    out.push(cloudTrailEvent(rng, t, { caller, ...rng.weighted(CONSOLE_READS) }));
    t += rng.int(1 * SEC, 45 * SEC);
  }
  // A read-only role now and then meets something it may not see: one refusal.
  if (rng.chance(0.2)) {
    out.push(
      cloudTrailEvent(rng, t, {
        caller,
        eventSource: 'ec2.amazonaws.com',
        eventName: 'GetConsoleOutput',
        readOnly: true,
        requestParameters: { instanceId: 'i-0a1b2c3d4e5f67890' },
        errorCode: 'Client.UnauthorizedOperation',
        errorMessage: 'You are not authorized to perform this operation.',
      }),
    );
  }
  return out;
}

function deploy(rng: Random, ts: number): CloudTrailEvent[] {
  const caller = AWS_CALLERS.ciDeployer;
  const service = rng.pick(['payments-api', 'checkout-api', 'catalog-api']);
  const steps: Omit<AwsCall, 'caller'>[] = [
    { eventSource: 'ecr.amazonaws.com', eventName: 'GetAuthorizationToken', readOnly: true },
    {
      eventSource: 'ecs.amazonaws.com',
      eventName: 'DescribeServices',
      readOnly: true,
      requestParameters: { cluster: 'prod', services: [service] },
    },
    { eventSource: 'ecs.amazonaws.com', eventName: 'RegisterTaskDefinition', readOnly: false, requestParameters: { family: service } },
    { eventSource: 'ecs.amazonaws.com', eventName: 'UpdateService', readOnly: false, requestParameters: { cluster: 'prod', service } },
    {
      eventSource: 'ecs.amazonaws.com',
      eventName: 'DescribeServices',
      readOnly: true,
      requestParameters: { cluster: 'prod', services: [service] },
    },
  ];
  return steps.map((s, i) => cloudTrailEvent(rng, ts + i * rng.int(1 * SEC, 5 * SEC), { caller, ...s }));
}

/**
 * The account's normal activity. `rate` scales AWS Config's and monitoring's reads; the
 * per-identity data reads and secret reads stay as they are, so spikes stay measurable.
 */
export function cloudTrailActors(range: TimeRange, rng: Random, rate: number): Actor<CloudTrailEvent>[] {
  const c = AWS_CALLERS;
  const poisson = (perSec: number, emit: Actor<CloudTrailEvent>['emit']): Actor<CloudTrailEvent> => ({
    timing: { kind: 'poisson', perSec },
    emit,
  });
  const actors: Actor<CloudTrailEvent>[] = [
    poisson(0.5 * rate, (r, t) => [cloudTrailEvent(r, t, { caller: c.config, ...r.weighted(CONFIG_READS) })]),
    poisson((1 / 30) * rate, (r, t) => [
      cloudTrailEvent(r, t, {
        caller: c.grafana,
        eventSource: 'monitoring.amazonaws.com',
        eventName: r.pick(['GetMetricData', 'ListMetrics']),
        readOnly: true,
      }),
    ]),
    poisson((1 / 60) * rate, (r, t) => [
      cloudTrailEvent(r, t, {
        caller: c.appPayments,
        eventSource: 'kms.amazonaws.com',
        eventName: 'Decrypt',
        readOnly: true,
        requestParameters: { encryptionAlgorithm: 'SYMMETRIC_DEFAULT' },
      }),
    ]),
    poisson((1 / 120) * rate, (r, t) => [
      cloudTrailEvent(r, t, {
        caller: c.ec2Service,
        eventSource: 'sts.amazonaws.com',
        eventName: 'AssumeRole',
        readOnly: true,
        requestParameters: { roleArn: `arn:aws:iam::${AWS_ACCOUNT_ID}:role/app-payments`, roleSessionName: 'i-0a1b2c3d4e5f67890' },
        eventType: 'AwsServiceEvent',
      }),
    ]),
    // A report job reads objects steadily: the baseline a GetObject spike is measured against.
    poisson(1 / 40, (r, t) => [
      cloudTrailEvent(
        r,
        t,
        s3GetObject(
          c.reportGenerator,
          REPORTS_BUCKET,
          `daily/${iso(t).slice(0, 10)}/part-${String(r.int(0, 199)).padStart(5, '0')}.parquet`,
          r.int(200_000, 4_000_000),
        ),
      ),
    ]),
    poisson(1 / 300, (r, t) => [
      cloudTrailEvent(r, t, {
        caller: c.reportGenerator,
        eventSource: 's3.amazonaws.com',
        eventName: 'ListObjects',
        readOnly: true,
        data: true,
        requestParameters: { bucketName: REPORTS_BUCKET, 'list-type': '2', prefix: 'daily/' },
      }),
    ]),
    // Applications fetch their secrets on start and when the cache expires: a few an hour.
    poisson(1 / 900, (r, t) => [cloudTrailEvent(r, t, getSecretValue(c.appPayments, r.pick(SECRET_IDS.slice(0, 2))))]),
    poisson(1 / 1800, (r, t) => [cloudTrailEvent(r, t, getSecretValue(c.buildRunner, r.pick(SECRET_IDS.slice(4))))]),
    poisson(1 / 600, (r, t) => [
      cloudTrailEvent(r, t, {
        caller: c.buildRunner,
        eventSource: 'ecr.amazonaws.com',
        eventName: 'GetAuthorizationToken',
        readOnly: true,
      }),
    ]),
    poisson(1 / 2400, deploy),
    poisson(1 / 2400, (r, t) => consoleSession(r, t, c.aliceReadOnly)),
    poisson(1 / 3000, (r, t) => consoleSession(r, t, c.bobReadOnly)),
  ];
  // A heartbeat so the account never looks silent, whatever the rate: Config's periodic snapshot.
  actors.push({
    timing: { kind: 'every', periodMs: 2 * MIN, phaseMs: 37 * SEC, jitterMs: 5 * SEC },
    emit: (r, t) => [
      cloudTrailEvent(r, t, {
        caller: c.config,
        eventSource: 'config.amazonaws.com',
        eventName: 'DescribeConfigurationRecorders',
        readOnly: true,
      }),
    ],
  });
  // Warm-up: every identity calls early, so that each one is known before any scenario.
  const callers = [c.aliceReadOnly, c.bobReadOnly, c.ciDeployer, c.reportGenerator, c.appPayments, c.buildRunner, c.grafana];
  const times = warmupTimes(rng, range, callers.length);
  callers.forEach((caller, i) => {
    actors.push({
      timing: { kind: 'at', times: [times[i] ?? range.fromMs] },
      emit: (r, t) => [cloudTrailEvent(r, t, { caller, eventSource: 'sts.amazonaws.com', eventName: 'GetCallerIdentity', readOnly: true })],
    });
  });
  return actors;
}

export function cloudTrailBackground(range: TimeRange, rng: Random, rate: number): Generator<CloudTrailEvent> {
  return runActors(cloudTrailActors(range, rng.fork('actors'), rate), range, rng.fork('events'));
}
