// Attack scenarios for the pack's persistence and exposure rules (kube-system backdoors, tokens,
// credentials in ConfigMaps, a guessed SSH password, a backdoor IAM user, resources opened to the
// internet). Kept apart from scenarios.ts, which merges them into SCENARIOS; the expectations are
// built with the `expect` it passes, so that this file needs nothing from it at load time.
import { hostByName, sshAccepted, sshFailed, sudo, sudoRefused, useradd, type AuthEvent } from './auth.ts';
import {
  AWS_ACCOUNT_ID,
  AWS_REGION,
  cloudTrailEvent,
  iamUser,
  REPORTS_BUCKET,
  type AwsCall,
  type AwsCaller,
  type CloudTrailEvent,
} from './cloudtrail.ts';
import { falcoEvent, podFields } from './falco.ts';
import { K8S_PEOPLE, k8sEvent, podName, SA } from './k8s-audit.ts';
import type { Random } from './random.ts';
import type { RuleExpectation, RuleId, ScenarioDefinition, ScenarioOutput } from './scenarios.ts';
import { iso, MIN, SEC, type GeneratedEvent } from './types.ts';

const events = (list: GeneratedEvent[]): ScenarioOutput => ({ events: list, silences: [] });
const rbacGroup = 'rbac.authorization.k8s.io';

/** The address that guesses carol's password (reserved: background scanners never use it). */
export const GUESSING_IP = '203.0.113.201';
export const OPEN_GROUP = 'sg-0a1b2c3d4e5f60001';
export const SHARED_SNAPSHOT = 'snap-0a1b2c3d4e5f60001';
export const BACKDOOR_IAM_USER = 'svc-backup2';
export const FALCO_POD = podName('checkout-api', 1);
export const FALCO_CONTAINER = '7c1e5a9b3d2f';

const cliUa = (command: string): string =>
  `aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0-1008-aws md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${command}`;
const call = (
  rng: Random,
  t: number,
  caller: AwsCaller,
  eventSource: string,
  eventName: string,
  extra: Partial<AwsCall> = {},
): CloudTrailEvent => cloudTrailEvent(rng, t, { caller, eventSource, eventName, readOnly: false, ...extra });
/** An IAM user's stolen access key, used from a VPS. */
const intruder = iamUser('report-generator', '203.0.113.202', cliUa('iam.create-user'));

export function persistenceScenarios(expect: (rule: RuleId, key: string) => RuleExpectation): ScenarioDefinition[] {
  const taylor = K8S_PEOPLE.taylor;
  const casey = K8S_PEOPLE.casey;
  return [
    {
      name: 'k8s-kube-system-backdoor',
      source: 'k8s-audit',
      description:
        "taylor@example.com's credentials plant a backdoor in kube-system: a service account kube-proxy-sync, a year-long token for it (kubectl create token), a ClusterRole that may write secrets, a pod among the system pods (an image from Docker Hub), and a patch widening the system:node ClusterRole.",
      durationMs: 3 * MIN,
      expect: [
        expect('k8s-kube-system-sa-created', 'kube-system, kube-proxy-sync'),
        expect('k8s-sa-token-created', taylor.username),
        expect('k8s-sensitive-role-write', taylor.username),
        expect('k8s-kube-system-pod-created', taylor.username),
        expect('k8s-image-registry-not-allowed', 'kube-system, None, kube-proxy-sync'),
        expect('k8s-system-clusterrole-modified', 'clusterroles, system:node'),
      ],
      alsoMayFire: [],
      build: ({ atMs, rng }) =>
        events([
          k8sEvent(rng, atMs, {
            identity: taylor,
            verb: 'create',
            resource: 'serviceaccounts',
            namespace: 'kube-system',
            name: 'kube-proxy-sync',
            query: 'fieldManager=kubectl-create&fieldValidation=Strict',
          }),
          k8sEvent(rng, atMs + 20 * SEC, {
            identity: taylor,
            verb: 'create',
            resource: 'serviceaccounts',
            namespace: 'kube-system',
            name: 'kube-proxy-sync',
            subresource: 'token',
            level: 'Request',
            requestObject: {
              kind: 'TokenRequest',
              apiVersion: 'authentication.k8s.io/v1',
              metadata: { creationTimestamp: null },
              spec: { audiences: null, expirationSeconds: 31_536_000, boundObjectRef: null },
              status: { token: '', expirationTimestamp: null },
            },
          }),
          k8sEvent(rng, atMs + 50 * SEC, {
            identity: taylor,
            verb: 'create',
            resource: 'clusterroles',
            name: 'kube-proxy-sync',
            level: 'RequestResponse',
            requestObject: {
              kind: 'ClusterRole',
              apiVersion: `${rbacGroup}/v1`,
              metadata: { name: 'kube-proxy-sync' },
              rules: [{ apiGroups: [''], resources: ['secrets', 'configmaps'], verbs: ['get', 'list', 'create', 'update'] }],
            },
          }),
          k8sEvent(rng, atMs + 90 * SEC, {
            identity: taylor,
            verb: 'create',
            resource: 'pods',
            namespace: 'kube-system',
            name: 'kube-proxy-sync',
            level: 'Request',
            query: 'fieldManager=kubectl-run',
            requestObject: {
              kind: 'Pod',
              apiVersion: 'v1',
              metadata: { name: 'kube-proxy-sync', namespace: 'kube-system' },
              spec: {
                serviceAccountName: 'kube-proxy-sync',
                containers: [{ name: 'sync', image: 'docker.io/library/alpine:3.20', command: ['sleep', 'infinity'] }],
              },
            },
          }),
          // A JSON patch: the body is a list of operations (no rules, name or kind to index).
          k8sEvent(rng, atMs + 150 * SEC, {
            identity: taylor,
            verb: 'patch',
            resource: 'clusterroles',
            name: 'system:node',
            level: 'RequestResponse',
            query: 'fieldManager=kubectl-patch',
            requestObject: [{ op: 'add', path: '/rules/-', value: { apiGroups: [''], resources: ['secrets'], verbs: ['list'] } }],
          }),
        ]),
    },
    {
      name: 'k8s-namespace-and-credentials',
      source: 'k8s-audit',
      description:
        'casey@example.com creates a namespace crypto-tmp that the allow-list does not name, and Argo CD syncs a payments ConfigMap that holds the database password.',
      durationMs: 2 * MIN,
      expect: [expect('k8s-namespace-not-allowed', 'crypto-tmp'), expect('k8s-configmap-credentials', 'payments, payments-db')],
      alsoMayFire: [],
      build: ({ atMs, rng }) =>
        events([
          k8sEvent(rng, atMs, {
            identity: casey,
            verb: 'create',
            resource: 'namespaces',
            name: 'crypto-tmp',
            query: 'fieldManager=kubectl-create',
          }),
          k8sEvent(rng, atMs + 80 * SEC, {
            identity: SA.argocd,
            verb: 'create',
            resource: 'configmaps',
            namespace: 'payments',
            name: 'payments-db',
            level: 'Request',
            requestObject: {
              kind: 'ConfigMap',
              apiVersion: 'v1',
              metadata: { name: 'payments-db', namespace: 'payments', labels: { 'app.kubernetes.io/instance': 'payments' } },
              data: { DB_HOST: 'payments-db.payments.svc', DB_USER: 'payments', DB_PASSWORD: 'example-not-a-secret' },
            },
          }),
        ]),
    },
    {
      name: 'ssh-password-guessed',
      source: 'auth',
      description: `${GUESSING_IP} guesses carol's password on the bastion (8 failures), logs in with it, tries sudo (refused: carol is not in sudoers); later dave's sudo creates a local user sysupdate on app-02.`,
      durationMs: 6 * MIN,
      expect: [
        expect('ssh-login-after-failures', GUESSING_IP),
        expect('ssh-login-new-source', 'carol'),
        expect('sudo-refused', 'bastion-01, carol'),
        expect('linux-user-created', 'app-02, sysupdate'),
      ],
      alsoMayFire: [],
      build: ({ atMs, rng }) => {
        const bastion = hostByName('bastion-01');
        const app02 = hostByName('app-02');
        const out: AuthEvent[] = Array.from({ length: 8 }, (_, i) =>
          sshFailed(rng, atMs + i * 15 * SEC, bastion, 'carol', GUESSING_IP, false),
        );
        out.push(sshAccepted(rng, atMs + 2 * MIN + 30 * SEC, bastion, 'carol', GUESSING_IP, 'password'));
        out.push(sudoRefused(rng, atMs + 3 * MIN, bastion, 'carol', 'root', '/bin/bash'));
        const add = sudo(rng, atMs + 5 * MIN, app02, 'dave', 'root', '/usr/sbin/useradd -m -s /bin/bash sysupdate');
        out.push(add, useradd(rng, atMs + 5 * MIN + 400, app02, 'sysupdate', 1007));
        return events(out);
      },
    },
    {
      name: 'falco-container-attack',
      source: 'falco',
      description:
        'In a checkout-api pod on node-b-02, someone reads credentials files and probes for 4 minutes (14 Warnings), then drops and runs a miner (a Critical Falco alert).',
      durationMs: 5 * MIN,
      expect: [
        expect('falco-pod-warning-burst', `checkout, ${FALCO_POD}`),
        expect('falco-critical-alert', `node-b-02, Drop and execute new binary in container, ${FALCO_CONTAINER}`),
      ],
      alsoMayFire: [],
      build: ({ atMs }) => {
        const fields = podFields('checkout', FALCO_POD, 'registry.example.com/checkout/checkout-api:2.3.5', FALCO_CONTAINER);
        const files = [
          '/etc/shadow',
          '/root/.aws/credentials',
          '/var/run/secrets/kubernetes.io/serviceaccount/token',
          '/root/.ssh/id_rsa',
          '/etc/kubernetes/admin.conf',
          '/proc/1/environ',
          '/root/.docker/config.json',
        ];
        const out: GeneratedEvent[] = Array.from({ length: 14 }, (_, i) =>
          falcoEvent(atMs + i * 17 * SEC, 'node-b-02', {
            rule: 'Read sensitive file untrusted',
            priority: 'Warning',
            tags: ['maturity_stable', 'host', 'container', 'filesystem', 'mitre_credential_access', 'T1555'],
            text: 'Sensitive file opened for reading by non-trusted program',
            fields: {
              ...fields,
              'fd.name': files[i % files.length] ?? '/etc/shadow',
              'proc.cmdline': `cat ${files[i % files.length] ?? ''}`,
              'user.name': 'root',
            },
          }),
        );
        out.push(
          falcoEvent(atMs + 4 * MIN + 30 * SEC, 'node-b-02', {
            rule: 'Drop and execute new binary in container',
            priority: 'Critical',
            tags: ['maturity_stable', 'container', 'process', 'mitre_persistence', 'TA0003', 'PCI_DSS_11.5.1'],
            text: 'Executing binary not part of base image',
            fields: {
              ...fields,
              'proc.exepath': '/tmp/kworkerd',
              'proc.cmdline': 'kworkerd -o pool.example.net:3333',
              'user.name': 'root',
            },
          }),
        );
        return events(out);
      },
    },
    {
      name: 'falco-silent',
      source: 'falco',
      description: "node-a-03's Falco stops for the last 30 minutes of the range (its pod was deleted): the generator omits its events.",
      durationMs: 30 * MIN,
      atEnd: true,
      expect: [expect('falco-silent', 'node-a-03')],
      alsoMayFire: [],
      build: ({ atMs, range }) => ({ events: [], silences: [{ source: 'falco', host: 'node-a-03', fromMs: atMs, toMs: range.toMs }] }),
    },
    {
      name: 'aws-backdoor-iam-user',
      source: 'cloudtrail',
      description: `report-generator's stolen access key, used from 203.0.113.202, creates the IAM user ${BACKDOOR_IAM_USER} with a console password, and a second access key for itself.`,
      durationMs: 2 * MIN,
      expect: [
        expect('aws-iam-user-created', BACKDOOR_IAM_USER),
        expect('aws-iam-login-profile-changed', BACKDOOR_IAM_USER),
        expect('aws-access-key-self-created', intruder.arn),
      ],
      alsoMayFire: [],
      build: ({ atMs, rng }) =>
        events([
          call(rng, atMs, intruder, 'iam.amazonaws.com', 'CreateUser', {
            requestParameters: { userName: BACKDOOR_IAM_USER },
            responseElements: {
              user: {
                path: '/',
                userName: BACKDOOR_IAM_USER,
                userId: 'AIDAEXAMPLEBACKDOOR01',
                arn: `arn:aws:iam::${AWS_ACCOUNT_ID}:user/${BACKDOOR_IAM_USER}`,
                createDate: iso(atMs),
              },
            },
          }),
          call(rng, atMs + 30 * SEC, intruder, 'iam.amazonaws.com', 'CreateLoginProfile', {
            requestParameters: { userName: BACKDOOR_IAM_USER, passwordResetRequired: false },
            responseElements: {
              loginProfile: { userName: BACKDOOR_IAM_USER, createDate: iso(atMs + 30 * SEC), passwordResetRequired: false },
            },
          }),
          call(rng, atMs + 75 * SEC, intruder, 'iam.amazonaws.com', 'CreateAccessKey', {
            responseElements: {
              accessKey: {
                userName: 'report-generator',
                accessKeyId: `AKIA${rng.upperAlnum(16)}`,
                status: 'Active',
                createDate: iso(atMs + 75 * SEC),
              },
            },
          }),
        ]),
    },
    {
      name: 'aws-exposure',
      source: 'cloudtrail',
      description: `The same stolen key opens ${OPEN_GROUP} to 0.0.0.0/0 on SSH, removes the public access block of ${REPORTS_BUCKET}, shares ${SHARED_SNAPSHOT} with account 444455556666, deletes the VPC's flow logs and deactivates contractor-x's MFA device.`,
      durationMs: 4 * MIN,
      expect: [
        expect('aws-security-group-open-to-world', `${OPEN_GROUP}, None`),
        expect('aws-s3-bucket-made-public', REPORTS_BUCKET),
        expect('aws-ebs-snapshot-shared', SHARED_SNAPSHOT),
        expect('aws-vpc-flow-logs-deleted', intruder.arn),
        expect('aws-mfa-device-removed', `arn:aws:iam::${AWS_ACCOUNT_ID}:mfa/contractor-x`),
      ],
      alsoMayFire: [],
      build: ({ atMs, rng }) =>
        events([
          call(rng, atMs, intruder, 'ec2.amazonaws.com', 'AuthorizeSecurityGroupIngress', {
            requestParameters: {
              groupId: OPEN_GROUP,
              ipPermissions: {
                items: [
                  {
                    ipProtocol: 'tcp',
                    fromPort: 22,
                    toPort: 22,
                    groups: {},
                    ipRanges: { items: [{ cidrIp: '0.0.0.0/0' }] },
                    ipv6Ranges: {},
                    prefixListIds: {},
                  },
                ],
              },
            },
            responseElements: { requestId: rng.uuid(), _return: true },
          }),
          call(rng, atMs + 40 * SEC, intruder, 's3.amazonaws.com', 'DeleteBucketPublicAccessBlock', {
            requestParameters: {
              bucketName: REPORTS_BUCKET,
              Host: `${REPORTS_BUCKET}.s3.${AWS_REGION}.amazonaws.com`,
              publicAccessBlock: '',
            },
          }),
          call(rng, atMs + 90 * SEC, intruder, 'ec2.amazonaws.com', 'ModifySnapshotAttribute', {
            requestParameters: {
              snapshotId: SHARED_SNAPSHOT,
              attributeType: 'CREATE_VOLUME_PERMISSION',
              createVolumePermission: { add: { items: [{ userId: '444455556666' }] } },
            },
            responseElements: { requestId: rng.uuid(), _return: true },
          }),
          call(rng, atMs + 150 * SEC, intruder, 'ec2.amazonaws.com', 'DeleteFlowLogs', {
            requestParameters: { DeleteFlowLogsRequest: { FlowLogId: { content: 'fl-0a1b2c3d4e5f60001', tag: 1 } } },
          }),
          call(rng, atMs + 210 * SEC, intruder, 'iam.amazonaws.com', 'DeactivateMFADevice', {
            requestParameters: { userName: 'contractor-x', serialNumber: `arn:aws:iam::${AWS_ACCOUNT_ID}:mfa/contractor-x` },
          }),
        ]),
    },
  ];
}
