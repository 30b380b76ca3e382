// Named attack scenarios injected into the benign background, each saying which rule of the
// security pack should fire on it and for which key, and the invariants the background keeps so
// that a good rule pack fires on the scenarios and on nothing else.
import { WARMUP_MS } from './actors.ts';
import { ADMINS, BASTION, hostByName, sshAccepted, sshFailed, sudo, type AuthEvent } from './auth.ts';
import {
  assumedRole,
  AWS_ACCOUNT_ID,
  AWS_CALLERS,
  AWS_REGION,
  cloudTrailEvent,
  getSecretValue,
  iamUser,
  REPORTS_BUCKET,
  rootCaller,
  s3GetObject,
  type AwsCall,
  type AwsCaller,
  type CloudTrailEvent,
} from './cloudtrail.ts';
import { indexPattern } from './indices.ts';
import { controllerSa, K8S_PEOPLE, K8S_WORKLOADS, k8sEvent, podName, SA, type K8sEvent, type K8sIdentity } from './k8s-audit.ts';
import { persistenceScenarios } from './scenarios-persistence.ts';
import { EXFIL_DOMAIN, EXFIL_HOST, proxyEvent, proxyHosts, type ProxyEvent } from './proxy.ts';
import { Random } from './random.ts';
import { MIN, SEC, type GeneratedEvent, type Silence, type SourceName, type TimeRange } from './types.ts';

// ---------------------------------------------------------------------------------------------
// The rules the scenarios expect: id (the rule file's base name in the pack), the source and the
// query_key whose value identifies the match.

/**
 * A pod is keyed by namespace and workload: a controller's pods by generateName (<ReplicaSet>-,
 * <Job>-, <DaemonSet>-), a bare pod by its name. The creator is no key: every Deployment's pods are
 * created by the same replicaset-controller. ElastAlert2 joins a compound key's values with ", ",
 * writing a missing one as None.
 */
export const PRIVILEGED_POD_KEY = 'objectRef.namespace,requestObject.metadata.generateName,requestObject.metadata.name';

export const EXPECTED_RULES = {
  'k8s-pod-exec': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: 'an exec into a pod: objectRef.subresource exec (verb create over SPDY, get over WebSocket)',
  },
  'k8s-port-forward': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: 'a port-forward to a pod: objectRef.subresource portforward',
  },
  'k8s-privileged-pod': {
    source: 'k8s-audit',
    field: PRIVILEGED_POD_KEY,
    detects: 'a pod created privileged, with hostPID/hostNetwork or a hostPath volume of /, per namespace and owning workload',
  },
  'k8s-nodeport-service': {
    source: 'k8s-audit',
    field: 'objectRef.namespace,objectRef.name',
    detects: 'a Service created as, or changed to, type NodePort, per service',
  },
  'k8s-cluster-admin-binding': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: 'a (Cluster)RoleBinding created or changed with roleRef cluster-admin',
  },
  'k8s-wildcard-role': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: "a Role or ClusterRole written with '*' verbs/resources or granting pods/exec",
  },
  'k8s-rbac-binding-change': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: 'a RoleBinding or ClusterRoleBinding created, updated, patched or deleted',
  },
  'k8s-secrets-list': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: 'secrets listed (list or watch) by an identity that is not the control plane, a kube-system controller or a node',
  },
  'k8s-secrets-mass-read': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: '20 or more secret reads (get) by one identity within 5 minutes',
  },
  'k8s-anonymous-allowed': { source: 'k8s-audit', field: 'sourceIPs', detects: 'a request by system:anonymous that was allowed' },
  'k8s-forbidden-burst': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: '10 or more 401/403 responses for one identity within 5 minutes',
  },
  'k8s-sa-new-user-agent': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: 'a service account using a user agent it never used before (new_term on userAgent per account)',
  },
  'ssh-bruteforce': { source: 'auth', field: 'source.ip', detects: '20 or more failed logins from one address within 5 minutes' },
  'ssh-privileged-user-failures': {
    source: 'auth',
    field: 'source.ip',
    detects: 'failed logins as root or admin (3 or more from one address within 10 minutes)',
  },
  'ssh-password-spray': {
    source: 'auth',
    field: 'source.ip',
    detects: 'failed logins for 10 or more distinct users from one address within 15 minutes',
  },
  'ssh-login-new-source': {
    source: 'auth',
    field: 'user.name',
    detects: 'a successful login of a user from an address never seen for that user',
  },
  'root-login': { source: 'auth', field: 'host.name', detects: 'a successful login as root' },
  'sudo-root-new-user': { source: 'auth', field: 'user.name', detects: 'sudo to root by a user never seen doing it' },
  'auth-log-silent': { source: 'auth', field: 'host.name', detects: "a host's auth log stops (flatline per host.name)" },
  'aws-root-account-usage': {
    source: 'cloudtrail',
    field: 'userIdentity.arn',
    detects: 'any call by the account root user (userIdentity.type Root)',
  },
  'aws-cloudtrail-tampering': {
    source: 'cloudtrail',
    field: 'userIdentity.arn',
    detects: 'StopLogging, DeleteTrail, UpdateTrail or PutEventSelectors',
  },
  'aws-kms-key-deletion': {
    source: 'cloudtrail',
    field: 'responseElements.keyId',
    detects: 'ScheduleKeyDeletion of a KMS key that succeeded, per key',
  },
  'aws-security-monitoring-disabled': {
    source: 'cloudtrail',
    field: 'eventSource,awsRegion',
    detects:
      'GuardDuty detector deleted, suspended or detached, or an AWS Config recorder or delivery channel stopped or deleted, per service and region',
  },
  'aws-console-login-without-mfa': {
    source: 'cloudtrail',
    field: 'userIdentity.arn',
    detects: 'a successful console sign-in of an IAM user or root without MFA',
  },
  'aws-admin-policy-attached': {
    source: 'cloudtrail',
    field: 'userIdentity.arn',
    detects: 'AttachUserPolicy/AttachRolePolicy/AttachGroupPolicy with AdministratorAccess',
  },
  'aws-access-key-for-other-user': {
    source: 'cloudtrail',
    field: 'userIdentity.arn',
    detects: "CreateAccessKey whose requestParameters.userName is not the caller's own",
  },
  'aws-secrets-burst': {
    source: 'cloudtrail',
    field: 'userIdentity.arn',
    detects: '20 or more GetSecretValue by one identity within 5 minutes',
  },
  'aws-s3-getobject-spike': {
    source: 'cloudtrail',
    field: 'userIdentity.arn',
    detects: 'a spike of S3 GetObject per identity (3x and over 100 in 10 minutes)',
  },
  'proxy-bytes-out-spike': {
    source: 'proxy',
    field: 'host.name',
    detects: 'a spike of bytes out (source.bytes) per host: over 500 MB in 10 minutes',
  },
  'k8s-kube-system-sa-created': {
    source: 'k8s-audit',
    field: 'objectRef.namespace,objectRef.name',
    detects: 'a service account created in kube-system or kube-public by a non-system identity, per account',
  },
  'k8s-sa-token-created': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: 'a TokenRequest (serviceaccounts/token) or a service-account-token Secret created by a non-system identity',
  },
  'k8s-sensitive-role-write': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: "a Role/ClusterRole written with write verbs on secrets, RBAC, tokens, nodes or webhooks (not '*' or pods/exec)",
  },
  'k8s-kube-system-pod-created': {
    source: 'k8s-audit',
    field: 'user.username',
    detects: 'a pod created in kube-system or kube-public by a non-system identity',
  },
  'k8s-system-clusterrole-modified': {
    source: 'k8s-audit',
    field: 'objectRef.resource,objectRef.name',
    detects: 'a system:* ClusterRole or ClusterRoleBinding updated, patched or deleted by someone other than the API server',
  },
  'k8s-image-registry-not-allowed': {
    source: 'k8s-audit',
    field: PRIVILEGED_POD_KEY,
    detects: 'a pod with a container image outside registry.example.com/, registry.k8s.io/ and quay.io/prometheus/, per workload',
  },
  'k8s-namespace-not-allowed': {
    source: 'k8s-audit',
    field: 'objectRef.name',
    detects: 'a namespace created that rules/lists/k8s-allowed-namespaces.txt does not list',
  },
  'k8s-configmap-credentials': {
    source: 'k8s-audit',
    field: 'objectRef.namespace,objectRef.name',
    detects: 'a ConfigMap written with a credential-named key or a key/PEM value, per ConfigMap',
  },
  'ssh-login-after-failures': {
    source: 'auth',
    field: 'source.ip',
    detects: 'an address with failures and a password login (at least 6 logins) within 10 minutes',
  },
  'sudo-refused': { source: 'auth', field: 'host.name,user.name', detects: 'sudo refusing a user (system.auth.sudo.error)' },
  'linux-user-created': { source: 'auth', field: 'host.name,user.name', detects: 'a local user created with a login shell (useradd)' },
  'aws-iam-user-created': { source: 'cloudtrail', field: 'requestParameters.userName', detects: 'CreateUser that succeeded, per new user' },
  'aws-iam-login-profile-changed': {
    source: 'cloudtrail',
    field: 'requestParameters.userName',
    detects: 'CreateLoginProfile or UpdateLoginProfile that succeeded, per user',
  },
  'aws-access-key-self-created': {
    source: 'cloudtrail',
    field: 'userIdentity.arn',
    detects: 'CreateAccessKey by an IAM user without a userName (a key for itself)',
  },
  'aws-security-group-open-to-world': {
    source: 'cloudtrail',
    field: 'requestParameters.groupId,requestParameters.ModifySecurityGroupRulesRequest.GroupId',
    detects: 'an ingress rule from 0.0.0.0/0 or ::/0 added or changed, per group',
  },
  'aws-s3-bucket-made-public': {
    source: 'cloudtrail',
    field: 'requestParameters.bucketName',
    detects: 'a public ACL or a removed/disabled Block Public Access on a bucket',
  },
  'aws-ebs-snapshot-shared': {
    source: 'cloudtrail',
    field: 'requestParameters.snapshotId',
    detects: 'ModifySnapshotAttribute adding a create-volume permission for an account or all',
  },
  'aws-vpc-flow-logs-deleted': { source: 'cloudtrail', field: 'userIdentity.arn', detects: 'DeleteFlowLogs that succeeded' },
  'aws-mfa-device-removed': {
    source: 'cloudtrail',
    field: 'requestParameters.serialNumber',
    detects: 'DeactivateMFADevice or DeleteVirtualMFADevice that succeeded, per device',
  },
  'falco-critical-alert': {
    source: 'falco',
    field: 'hostname,rule,output_fields.container.id',
    detects: 'a Falco alert of priority Critical or above, per rule and container',
  },
  'falco-pod-warning-burst': {
    source: 'falco',
    field: 'output_fields.k8s.ns.name,output_fields.k8s.pod.name',
    detects: '10 or more Falco Warning/Error alerts from one pod within 10 minutes',
  },
  'falco-silent': { source: 'falco', field: 'hostname', detects: "a node's Falco sends nothing for 15 minutes (flatline per hostname)" },
} as const satisfies Record<string, { source: SourceName; field: string; detects: string }>;
export type RuleId = keyof typeof EXPECTED_RULES;

export interface RuleExpectation {
  rule: RuleId;
  /** The rule's query_key, and the value a match of this scenario has there. */
  field: string;
  key: string;
}

export interface ScenarioContext {
  atMs: number;
  range: TimeRange;
  rng: Random;
}

export interface ScenarioOutput {
  events: GeneratedEvent[];
  /** Background to omit (a log source going silent). */
  silences: Silence[];
}

export interface ScenarioDefinition {
  name: string;
  source: SourceName;
  description: string;
  /** How long after its start the scenario's last event can be. */
  durationMs: number;
  /** Must be the last thing in the range (a silence lasts until the end). */
  atEnd?: boolean;
  expect: readonly RuleExpectation[];
  /** Rules that may also fire, correctly, on the same events (a root login is also a new address for root). */
  alsoMayFire: readonly RuleExpectation[];
  build(ctx: ScenarioContext): ScenarioOutput;
}

const expectRule = (rule: RuleId, key: string): RuleExpectation => ({ rule, field: EXPECTED_RULES[rule].field, key });

/** `count` times spread evenly over [start, start + spanMs), each shifted by up to a quarter step. */
function spread(rng: Random, start: number, spanMs: number, count: number): number[] {
  const step = spanMs / count;
  return Array.from({ length: count }, (_, i) => Math.floor(start + i * step + rng.float() * step * 0.25));
}

const events = (list: GeneratedEvent[]): ScenarioOutput => ({ events: list, silences: [] });

// ---------------------------------------------------------------------------------------------
// Kubernetes

const P = K8S_PEOPLE;
const podSpecPrivileged = (name: string) => ({
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { name, namespace: 'default' },
  spec: {
    hostPID: true,
    hostNetwork: true,
    containers: [
      {
        name: 'shell',
        image: 'docker.io/library/alpine:3.20',
        command: ['nsenter', '--target', '1', '--mount', '--uts', '--ipc', '--net', '--pid', '--', 'sh'],
        stdin: true,
        tty: true,
        securityContext: { privileged: true },
        volumeMounts: [{ name: 'host-root', mountPath: '/host' }],
      },
    ],
    volumes: [{ name: 'host-root', hostPath: { path: '/', type: '' } }],
  },
});

/** A privileged pod as a ReplicaSet's controller sends it: generateName and an owner, no name. */
const podSpecPrivilegedOwned = (ns: string, replicaSet: string) => ({
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: {
    generateName: `${replicaSet}-`,
    namespace: ns,
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: replicaSet, controller: true, blockOwnerDeletion: true }],
  },
  spec: {
    hostPID: true,
    containers: [{ name: 'agent', image: 'registry.example.com/monitoring/host-agent:1.4.0', securityContext: { privileged: true } }],
  },
});

const rbacGroup = 'rbac.authorization.k8s.io';

const k8sScenarios: ScenarioDefinition[] = [
  {
    name: 'k8s-pod-exec',
    source: 'k8s-audit',
    description:
      'jordan@example.com opens a shell in a payments-api pod twice: once with an older kubectl (SPDY, verb create) and once with a current one (WebSocket, verb get).',
    durationMs: 3 * MIN,
    expect: [expectRule('k8s-pod-exec', P.jordan.username)],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const pod = podName('payments-api', 1);
      return events([
        k8sEvent(rng, atMs, { identity: P.jordan, verb: 'get', resource: 'pods', namespace: 'payments', name: pod }),
        k8sEvent(rng, atMs + 2 * SEC, {
          identity: P.jordan,
          verb: 'create',
          resource: 'pods',
          namespace: 'payments',
          name: pod,
          subresource: 'exec',
          query: 'command=sh&container=app&stdin=true&stdout=true&tty=true',
          code: 101,
        }),
        k8sEvent(rng, atMs + 2 * MIN, {
          identity: P.jordan,
          verb: 'get',
          resource: 'pods',
          namespace: 'payments',
          name: pod,
          subresource: 'exec',
          query: 'command=%2Fbin%2Fbash&container=app&stdin=true&stdout=true&tty=true',
          code: 101,
        }),
      ]);
    },
  },
  {
    name: 'k8s-port-forward',
    source: 'k8s-audit',
    description: 'casey@example.com port-forwards to a catalog-search pod, reaching it from outside the cluster.',
    durationMs: 1 * MIN,
    expect: [expectRule('k8s-port-forward', P.casey.username)],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const pod = podName('catalog-search', 0);
      return events([
        k8sEvent(rng, atMs, { identity: P.casey, verb: 'get', resource: 'pods', namespace: 'catalog', name: pod }),
        k8sEvent(rng, atMs + 1500, {
          identity: P.casey,
          verb: 'create',
          resource: 'pods',
          namespace: 'catalog',
          name: pod,
          subresource: 'portforward',
          code: 101,
        }),
      ]);
    },
  },
  {
    name: 'k8s-privileged-pod',
    source: 'k8s-audit',
    description:
      "The CI deployer service account creates a privileged pod in default with hostPID, hostNetwork and the node's / mounted (a node escape), and a privileged Deployment in monitoring whose pods the replicaset-controller creates: two workloads, two alerts.",
    durationMs: 2 * MIN,
    // The node shell's image comes from Docker Hub; the agent's from the organisation's registry.
    expect: [
      expectRule('k8s-privileged-pod', 'default, None, node-shell'),
      expectRule('k8s-privileged-pod', 'monitoring, host-agent-6c9f7d-, None'),
      expectRule('k8s-image-registry-not-allowed', 'default, None, node-shell'),
    ],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const name = 'node-shell';
      const rs = controllerSa('replicaset-controller');
      const agentPod = (i: number): K8sEvent =>
        k8sEvent(rng, atMs + MIN + i * SEC, {
          identity: rs,
          verb: 'create',
          resource: 'pods',
          namespace: 'monitoring',
          level: 'Request',
          requestObject: podSpecPrivilegedOwned('monitoring', 'host-agent-6c9f7d'),
        });
      return events([
        k8sEvent(rng, atMs, {
          identity: SA.ciDeployer,
          verb: 'create',
          resource: 'pods',
          namespace: 'default',
          level: 'Request',
          requestObject: podSpecPrivileged(name),
          query: 'fieldManager=kubectl-run',
        }),
        k8sEvent(rng, atMs + 3 * SEC, { identity: SA.ciDeployer, verb: 'get', resource: 'pods', namespace: 'default', name }),
        agentPod(0),
        agentPod(1),
        agentPod(2),
      ]);
    },
  },
  {
    name: 'k8s-nodeport-service',
    source: 'k8s-audit',
    description: 'casey@example.com exposes the catalog search cluster on every node with a NodePort service, around the ingress.',
    durationMs: 1 * MIN,
    expect: [expectRule('k8s-nodeport-service', 'catalog, catalog-debug')],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        k8sEvent(rng, atMs, { identity: P.casey, verb: 'list', resource: 'services', namespace: 'catalog', query: 'limit=500' }),
        k8sEvent(rng, atMs + 20 * SEC, {
          identity: P.casey,
          verb: 'create',
          resource: 'services',
          namespace: 'catalog',
          name: 'catalog-debug',
          level: 'Request',
          query: 'fieldManager=kubectl-client-side-apply',
          requestObject: {
            kind: 'Service',
            apiVersion: 'v1',
            metadata: { name: 'catalog-debug', namespace: 'catalog' },
            spec: {
              type: 'NodePort',
              selector: { app: 'catalog-search' },
              ports: [{ port: 9200, targetPort: 9200, nodePort: 30920, protocol: 'TCP' }],
            },
          },
        }),
      ]),
  },
  {
    name: 'k8s-cluster-admin-binding',
    source: 'k8s-audit',
    description: 'riley@example.com binds cluster-admin to the default service account of the default namespace.',
    durationMs: 1 * MIN,
    expect: [expectRule('k8s-cluster-admin-binding', P.riley.username), expectRule('k8s-rbac-binding-change', P.riley.username)],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        k8sEvent(rng, atMs, {
          identity: P.riley,
          verb: 'create',
          resource: 'clusterrolebindings',
          level: 'RequestResponse',
          query: 'fieldManager=kubectl-create&fieldValidation=Strict',
          requestObject: {
            kind: 'ClusterRoleBinding',
            apiVersion: `${rbacGroup}/v1`,
            metadata: { name: 'default-sa-admin' },
            roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'cluster-admin' },
            subjects: [{ kind: 'ServiceAccount', name: 'default', namespace: 'default' }],
          },
        }),
      ]),
  },
  {
    name: 'k8s-wildcard-role',
    source: 'k8s-audit',
    description: "morgan@example.com creates a ClusterRole allowing '*' on '*' and a Role in payments granting pods/exec.",
    durationMs: 2 * MIN,
    expect: [expectRule('k8s-wildcard-role', P.morgan.username)],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        k8sEvent(rng, atMs, {
          identity: P.morgan,
          verb: 'create',
          resource: 'clusterroles',
          level: 'RequestResponse',
          requestObject: {
            kind: 'ClusterRole',
            apiVersion: `${rbacGroup}/v1`,
            metadata: { name: 'ops-superuser' },
            rules: [{ apiGroups: ['*'], resources: ['*'], verbs: ['*'] }],
          },
        }),
        k8sEvent(rng, atMs + 70 * SEC, {
          identity: P.morgan,
          verb: 'create',
          resource: 'roles',
          namespace: 'payments',
          level: 'RequestResponse',
          requestObject: {
            kind: 'Role',
            apiVersion: `${rbacGroup}/v1`,
            metadata: { name: 'debug-exec', namespace: 'payments' },
            rules: [{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['get', 'list', 'create'] }],
          },
        }),
      ]),
  },
  {
    name: 'k8s-rbac-binding-change',
    source: 'k8s-audit',
    description:
      'taylor@example.com adds an outside contractor to the payments developers RoleBinding and creates an edit RoleBinding for them in checkout.',
    durationMs: 2 * MIN,
    expect: [expectRule('k8s-rbac-binding-change', P.taylor.username)],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const contractor = { apiGroup: rbacGroup, kind: 'User', name: 'contractor@example.net' };
      return events([
        k8sEvent(rng, atMs, {
          identity: P.taylor,
          verb: 'get',
          resource: 'rolebindings',
          namespace: 'payments',
          name: 'payments-developers',
        }),
        k8sEvent(rng, atMs + 20 * SEC, {
          identity: P.taylor,
          verb: 'patch',
          resource: 'rolebindings',
          namespace: 'payments',
          name: 'payments-developers',
          level: 'RequestResponse',
          requestObject: { subjects: [{ apiGroup: rbacGroup, kind: 'Group', name: 'oidc:developers' }, contractor] },
        }),
        k8sEvent(rng, atMs + 90 * SEC, {
          identity: P.taylor,
          verb: 'create',
          resource: 'rolebindings',
          namespace: 'checkout',
          level: 'RequestResponse',
          requestObject: {
            kind: 'RoleBinding',
            apiVersion: `${rbacGroup}/v1`,
            metadata: { name: 'contractor-edit', namespace: 'checkout' },
            roleRef: { apiGroup: rbacGroup, kind: 'ClusterRole', name: 'edit' },
            subjects: [contractor],
          },
        }),
      ]);
    },
  },
  {
    name: 'k8s-secrets-list',
    source: 'k8s-audit',
    description:
      "Grafana's service account, which normally only lists dashboard config maps, lists secrets across the cluster and then namespace by namespace.",
    durationMs: 2 * MIN,
    expect: [expectRule('k8s-secrets-list', SA.grafana.username)],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        k8sEvent(rng, atMs, { identity: SA.grafana, verb: 'list', resource: 'secrets', query: 'limit=500' }),
        ...['payments', 'checkout', 'kube-system'].map((ns, i) =>
          k8sEvent(rng, atMs + (i + 1) * 20 * SEC, {
            identity: SA.grafana,
            verb: 'list',
            resource: 'secrets',
            namespace: ns,
            query: 'limit=500',
          }),
        ),
      ]),
  },
  {
    name: 'k8s-secrets-mass-read',
    source: 'k8s-audit',
    description: 'quinn@example.com reads 40 different secrets across four namespaces in four minutes.',
    durationMs: 4 * MIN,
    expect: [expectRule('k8s-secrets-mass-read', P.quinn.username)],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const names: [string, string][] = [];
      for (const [ns, apps] of Object.entries(K8S_WORKLOADS))
        for (const app of apps)
          for (const suffix of ['credentials', 'tls', 'db', 'api-key', 'config-secret']) names.push([ns, `${app}-${suffix}`]);
      const times = spread(rng, atMs, 4 * MIN, names.length);
      return events(
        names.map(([ns, name], i) =>
          k8sEvent(rng, times[i] ?? atMs, { identity: P.quinn, verb: 'get', resource: 'secrets', namespace: ns, name }),
        ),
      );
    },
  },
  {
    name: 'k8s-anonymous-allowed',
    source: 'k8s-audit',
    description:
      'An unauthenticated client from 203.0.113.77 is allowed to read the API version and list pods: anonymous access bound to a role by mistake.',
    durationMs: 1 * MIN,
    expect: [expectRule('k8s-anonymous-allowed', '203.0.113.77')],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const anonymous: K8sIdentity = {
        username: 'system:anonymous',
        groups: ['system:unauthenticated'],
        userAgent: 'python-requests/2.32.3',
        sourceIP: '203.0.113.77',
        allowedBy: 'RBAC: allowed by ClusterRoleBinding "anonymous-view" of ClusterRole "view" to User "system:anonymous"',
      };
      return events([
        k8sEvent(rng, atMs, {
          identity: {
            ...anonymous,
            allowedBy:
              'RBAC: allowed by ClusterRoleBinding "system:public-info-viewer" of ClusterRole "system:public-info-viewer" to Group "system:unauthenticated"',
          },
          verb: 'get',
          path: '/version',
        }),
        k8sEvent(rng, atMs + 4 * SEC, { identity: anonymous, verb: 'list', resource: 'pods', namespace: 'default', query: 'limit=500' }),
        k8sEvent(rng, atMs + 9 * SEC, { identity: anonymous, verb: 'list', resource: 'pods', namespace: 'payments', query: 'limit=500' }),
      ]);
    },
  },
  {
    name: 'k8s-forbidden-burst',
    source: 'k8s-audit',
    description: 'drew@example.com probes what their credentials allow: 30 refused requests in two minutes.',
    durationMs: 2 * MIN,
    expect: [expectRule('k8s-forbidden-burst', P.drew.username)],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const probes = [
        { verb: 'list', resource: 'nodes' },
        { verb: 'list', resource: 'namespaces' },
        { verb: 'list', resource: 'pods', namespace: 'kube-system' },
        { verb: 'list', resource: 'deployments', namespace: 'kube-system' },
        { verb: 'list', resource: 'daemonsets', namespace: 'kube-system' },
        { verb: 'get', resource: 'configmaps', namespace: 'kube-system', name: 'kubeadm-config' },
        { verb: 'create', resource: 'pods', namespace: 'kube-system' },
        { verb: 'list', resource: 'persistentvolumeclaims', namespace: 'monitoring' },
        { verb: 'list', resource: 'ingresses', namespace: 'monitoring' },
        { verb: 'delete', resource: 'pods', namespace: 'monitoring', name: podName('prometheus', 0) },
      ] as const;
      const times = spread(rng, atMs, 2 * MIN, 30);
      return events(times.map((t, i) => k8sEvent(rng, t, { identity: P.drew, code: 403, ...(probes[i % probes.length] ?? probes[0]) })));
    },
  },
  {
    name: 'k8s-sa-new-user-agent',
    source: 'k8s-audit',
    description: "The payments-api service account's token is used with curl from inside its pod: a user agent the account never had.",
    durationMs: 1 * MIN,
    expect: [expectRule('k8s-sa-new-user-agent', SA.payments.username)],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const curl = { identity: SA.payments, userAgent: 'curl/8.5.0' };
      return events([
        k8sEvent(rng, atMs, { ...curl, verb: 'get', path: '/version' }),
        k8sEvent(rng, atMs + 6 * SEC, { ...curl, verb: 'get', resource: 'configmaps', namespace: 'payments', name: 'payments-api-config' }),
        k8sEvent(rng, atMs + 15 * SEC, { ...curl, verb: 'list', resource: 'pods', namespace: 'payments', code: 403 }),
      ]);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Linux auth

const bastion = hostByName(BASTION);
const adminNamed = (name: string) => {
  const admin = ADMINS.find((a) => a.name === name);
  if (!admin) throw new Error(`unknown admin ${name}`);
  return admin;
};

const authScenarios: ScenarioDefinition[] = [
  {
    name: 'ssh-bruteforce',
    source: 'auth',
    description:
      '203.0.113.50 guesses passwords on the bastion: 40 failures in 4 minutes over five common account names (8 each, under a per-account threshold of 10).',
    durationMs: 4 * MIN,
    expect: [expectRule('ssh-bruteforce', '203.0.113.50')],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const users = ['ubuntu', 'ec2-user', 'centos', 'deploy', 'git'];
      return events(
        spread(rng, atMs, 4 * MIN, 40).map((t, i): AuthEvent => {
          const user = users[i % users.length] ?? 'ubuntu';
          return sshFailed(rng, t, bastion, user, '203.0.113.50', user !== 'deploy');
        }),
      );
    },
  },
  {
    name: 'ssh-privileged-user-failures',
    source: 'auth',
    description: '203.0.113.23 tries root six times and admin four times on the bastion within 5 minutes.',
    durationMs: 5 * MIN,
    expect: [expectRule('ssh-privileged-user-failures', '203.0.113.23')],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events(
        spread(rng, atMs, 5 * MIN, 10).map((t, i) => sshFailed(rng, t, bastion, i % 5 < 3 ? 'root' : 'admin', '203.0.113.23', i % 5 >= 3)),
      ),
  },
  {
    name: 'ssh-password-spray',
    source: 'auth',
    description:
      '198.51.100.77 tries one password against 25 accounts (a second try on five), one attempt every 30 s for 15 minutes: at most 10 failures in any 5 minutes and 2 per account.',
    durationMs: 15 * MIN,
    expect: [expectRule('ssh-password-spray', '198.51.100.77')],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const known = new Set(ADMINS.map((a) => a.name));
      const users = [
        'alice',
        'bob',
        'carol',
        'dave',
        'erin',
        'frank',
        'grace',
        'heidi',
        'ivan',
        'judy',
        'kim',
        'leo',
        'maya',
        'nina',
        'omar',
        'pia',
        'raj',
        'sara',
        'tom',
        'uma',
        'victor',
        'wendy',
        'xavier',
        'yara',
        'zoe',
      ];
      const attempts = [...users, ...users.slice(0, 5)];
      return events(
        attempts.map((user, i) =>
          sshFailed(rng, atMs + i * 30 * SEC + rng.int(0, 2 * SEC), bastion, user, '198.51.100.77', !known.has(user)),
        ),
      );
    },
  },
  {
    name: 'ssh-login-new-source',
    source: 'auth',
    description: 'bob logs in to the bastion from 203.0.113.99, an address never seen for him, with his key.',
    durationMs: 1 * MIN,
    expect: [expectRule('ssh-login-new-source', 'bob')],
    alsoMayFire: [],
    build: ({ atMs, rng }) => events([sshAccepted(rng, atMs, bastion, 'bob', '203.0.113.99')]),
  },
  {
    name: 'root-login',
    source: 'auth',
    description: 'Someone logs in as root with a password on db-02 from the bastion.',
    durationMs: 1 * MIN,
    expect: [expectRule('root-login', 'db-02')],
    alsoMayFire: [expectRule('ssh-login-new-source', 'root')],
    build: ({ atMs, rng }) => events([sshAccepted(rng, atMs, hostByName('db-02'), 'root', bastion.ip, 'password')]),
  },
  {
    name: 'sudo-root-new-user',
    source: 'auth',
    description: 'erin, who logs in every day but never used sudo to root, logs in to web-02 and runs sudo /bin/bash.',
    durationMs: 2 * MIN,
    expect: [expectRule('sudo-root-new-user', 'erin')],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const web02 = hostByName('web-02');
      const erin = adminNamed('erin');
      return events([
        sshAccepted(rng, atMs, bastion, erin.name, erin.ips[0] ?? '10.8.0.15'),
        sshAccepted(rng, atMs + 40 * SEC, web02, erin.name, bastion.ip),
        sudo(rng, atMs + 75 * SEC, web02, erin.name, 'root', '/bin/bash'),
      ]);
    },
  },
  {
    name: 'auth-log-silent',
    source: 'auth',
    description: "web-03's auth log stops for the last 30 minutes of the range (its shipper died): the generator omits its events.",
    durationMs: 30 * MIN,
    atEnd: true,
    expect: [expectRule('auth-log-silent', 'web-03')],
    alsoMayFire: [],
    build: ({ atMs, range }) => ({ events: [], silences: [{ source: 'auth', host: 'web-03', fromMs: atMs, toMs: range.toMs }] }),
  },
];

// ---------------------------------------------------------------------------------------------
// CloudTrail

const CONSOLE_UA = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36';
const cliUa = (command: string): string =>
  `aws-cli/2.17.20 md/awscrt#0.20.11 ua/2.0 os/linux#6.8.0-1008-aws md/arch#x86_64 lang/python#3.11.9 md/pyimpl#CPython cfg/retry-mode#standard md/installer#exe md/prompt#off md/command#${command}`;
const call = (
  rng: Random,
  t: number,
  caller: AwsCaller,
  eventSource: string,
  eventName: string,
  readOnly: boolean,
  extra: Partial<AwsCall> = {},
): CloudTrailEvent => cloudTrailEvent(rng, t, { caller, eventSource, eventName, readOnly, ...extra });

const opsTemp = iamUser('ops-temp', '198.51.100.201', cliUa('cloudtrail.stop-logging'));
const ciDeployerIam = iamUser('ci-deployer', '192.0.2.10', cliUa('iam.attach-user-policy'));
const frankAdmin = assumedRole('AWSReservedSSO_AdministratorAccess_9a8b7c6d5e4f3a21', 'frank@example.com', '198.51.100.52', CONSOLE_UA, {
  console: true,
  rolePath: 'aws-reserved/sso.amazonaws.com/eu-west-1/',
  mfa: true,
});
/** A successful console sign-in with a password and no MFA, as CloudTrail records it. */
const passwordOnlyConsoleLogin = (rng: Random, t: number, caller: AwsCaller): CloudTrailEvent =>
  call(rng, t, caller, 'signin.amazonaws.com', 'ConsoleLogin', false, {
    eventType: 'AwsConsoleSignIn',
    responseElements: { ConsoleLogin: 'Success' },
    additionalEventData: { LoginTo: 'https://console.aws.amazon.com/console/home', MobileVersion: 'No', MFAUsed: 'No' },
  });
const svcLegacy = iamUser('svc-legacy', '203.0.113.140', CONSOLE_UA);
const contractorX = iamUser('contractor-x', '198.51.100.140', cliUa('kms.schedule-key-deletion'));
const PAYMENTS_KEY = '1234abcd-12ab-34cd-56ef-1234567890ab';
const REPORTS_KEY = '0987dcba-09fe-87dc-65ba-ab0987654321';
const kmsKeyArn = (id: string): string => `arn:aws:kms:${AWS_REGION}:${AWS_ACCOUNT_ID}:key/${id}`;
const GUARDDUTY_DETECTOR = '12abc34d567e8fa901bc2d34e56789f0';
const TRAIL_ARN = `arn:aws:cloudtrail:eu-west-1:${AWS_ACCOUNT_ID}:trail/org-trail`;
const ADMIN_POLICY = 'arn:aws:iam::aws:policy/AdministratorAccess';

const cloudTrailScenarios: ScenarioDefinition[] = [
  {
    name: 'aws-root-usage',
    source: 'cloudtrail',
    description: 'The root user signs in to the console from 203.0.113.200 without MFA and looks around IAM and EC2.',
    durationMs: 3 * MIN,
    expect: [expectRule('aws-root-account-usage', `arn:aws:iam::${AWS_ACCOUNT_ID}:root`)],
    // Root signed in with a password only.
    alsoMayFire: [expectRule('aws-console-login-without-mfa', `arn:aws:iam::${AWS_ACCOUNT_ID}:root`)],
    build: ({ atMs, rng }) => {
      const root = rootCaller('203.0.113.200');
      return events([
        passwordOnlyConsoleLogin(rng, atMs, root),
        call(rng, atMs + 40 * SEC, root, 'iam.amazonaws.com', 'GetAccountSummary', true),
        call(rng, atMs + 65 * SEC, root, 'iam.amazonaws.com', 'ListUsers', true),
        call(rng, atMs + 2 * MIN, root, 'ec2.amazonaws.com', 'DescribeInstances', true),
      ]);
    },
  },
  {
    name: 'aws-cloudtrail-tampering',
    source: 'cloudtrail',
    description: 'The IAM user ops-temp stops the organisation trail from logging, then deletes it.',
    durationMs: 2 * MIN,
    expect: [expectRule('aws-cloudtrail-tampering', opsTemp.arn)],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        call(rng, atMs, opsTemp, 'cloudtrail.amazonaws.com', 'DescribeTrails', true),
        call(rng, atMs + 20 * SEC, opsTemp, 'cloudtrail.amazonaws.com', 'StopLogging', false, { requestParameters: { name: TRAIL_ARN } }),
        call(
          rng,
          atMs + 80 * SEC,
          { ...opsTemp, userAgent: cliUa('cloudtrail.delete-trail') },
          'cloudtrail.amazonaws.com',
          'DeleteTrail',
          false,
          { requestParameters: { name: TRAIL_ARN } },
        ),
      ]),
  },
  {
    name: 'aws-console-login-without-mfa',
    source: 'cloudtrail',
    description:
      'The old IAM user svc-legacy, which has a console password and no MFA device, signs in to the console from an unknown address and lists users.',
    durationMs: 2 * MIN,
    expect: [expectRule('aws-console-login-without-mfa', svcLegacy.arn)],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        passwordOnlyConsoleLogin(rng, atMs, svcLegacy),
        call(rng, atMs + 50 * SEC, svcLegacy, 'iam.amazonaws.com', 'ListUsers', true),
      ]),
  },
  {
    name: 'aws-kms-key-deletion',
    source: 'cloudtrail',
    description:
      'The IAM user contractor-x lists the KMS keys and schedules two of them for deletion with the shortest waiting period: data held to ransom.',
    durationMs: 2 * MIN,
    expect: [expectRule('aws-kms-key-deletion', kmsKeyArn(PAYMENTS_KEY)), expectRule('aws-kms-key-deletion', kmsKeyArn(REPORTS_KEY))],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        call(rng, atMs, contractorX, 'kms.amazonaws.com', 'ListAliases', true),
        ...[PAYMENTS_KEY, REPORTS_KEY].map((key, i) =>
          call(rng, atMs + (30 + 20 * i) * SEC, contractorX, 'kms.amazonaws.com', 'ScheduleKeyDeletion', false, {
            requestParameters: { keyId: key, pendingWindowInDays: 7 },
            responseElements: {
              keyId: kmsKeyArn(key),
              deletionDate: 'May 11, 2026, 12:00:00 AM',
              keyState: 'PendingDeletion',
              pendingWindowInDays: 7,
            },
            resources: [{ accountId: AWS_ACCOUNT_ID, type: 'AWS::KMS::Key', ARN: kmsKeyArn(key) }],
          }),
        ),
      ]),
  },
  {
    name: 'aws-security-monitoring-disabled',
    source: 'cloudtrail',
    description: 'The IAM user contractor-x suspends the GuardDuty detector, then deletes it, and stops the AWS Config recorder.',
    durationMs: 2 * MIN,
    expect: [
      expectRule('aws-security-monitoring-disabled', `guardduty.amazonaws.com, ${AWS_REGION}`),
      expectRule('aws-security-monitoring-disabled', `config.amazonaws.com, ${AWS_REGION}`),
    ],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        call(rng, atMs, contractorX, 'guardduty.amazonaws.com', 'ListDetectors', true),
        call(rng, atMs + 15 * SEC, contractorX, 'guardduty.amazonaws.com', 'UpdateDetector', false, {
          requestParameters: { detectorId: GUARDDUTY_DETECTOR, enable: false },
        }),
        call(rng, atMs + 45 * SEC, contractorX, 'guardduty.amazonaws.com', 'DeleteDetector', false, {
          requestParameters: { detectorId: GUARDDUTY_DETECTOR },
        }),
        call(rng, atMs + 90 * SEC, contractorX, 'config.amazonaws.com', 'StopConfigurationRecorder', false, {
          requestParameters: { configurationRecorderName: 'default' },
        }),
      ]),
  },
  {
    name: 'aws-admin-policy-attached',
    source: 'cloudtrail',
    description: "CI's access key (ci-deployer) attaches AdministratorAccess to the IAM user svc-legacy.",
    durationMs: 1 * MIN,
    expect: [expectRule('aws-admin-policy-attached', ciDeployerIam.arn)],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        call(rng, atMs, ciDeployerIam, 'iam.amazonaws.com', 'ListAttachedUserPolicies', true, {
          requestParameters: { userName: 'svc-legacy' },
        }),
        call(rng, atMs + 10 * SEC, ciDeployerIam, 'iam.amazonaws.com', 'AttachUserPolicy', false, {
          requestParameters: { userName: 'svc-legacy', policyArn: ADMIN_POLICY },
        }),
      ]),
  },
  {
    name: 'aws-access-key-other-user',
    source: 'cloudtrail',
    description:
      "frank@example.com, through the SSO administrator role, creates an access key for the IAM user report-generator: someone else's long-lived credentials.",
    durationMs: 1 * MIN,
    expect: [expectRule('aws-access-key-for-other-user', frankAdmin.arn)],
    alsoMayFire: [],
    build: ({ atMs, rng }) =>
      events([
        call(rng, atMs, frankAdmin, 'iam.amazonaws.com', 'ListAccessKeys', true, { requestParameters: { userName: 'report-generator' } }),
        call(rng, atMs + 25 * SEC, frankAdmin, 'iam.amazonaws.com', 'CreateAccessKey', false, {
          requestParameters: { userName: 'report-generator' },
          responseElements: {
            accessKey: {
              userName: 'report-generator',
              accessKeyId: `AKIA${rng.upperAlnum(16)}`,
              status: 'Active',
              createDate: new Date(atMs + 25 * SEC).toISOString().replace(/\.\d{3}Z$/, 'Z'),
            },
          },
        }),
      ]),
  },
  {
    name: 'aws-secrets-burst',
    source: 'cloudtrail',
    description:
      'The build-runner role, which reads a couple of CI secrets an hour, reads 60 secrets in 3 minutes, some of which it may not (AccessDeniedException).',
    durationMs: 3 * MIN,
    expect: [expectRule('aws-secrets-burst', AWS_CALLERS.buildRunner.arn)],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const ids = Array.from(
        { length: 60 },
        (_, i) =>
          `${rng.pick(['prod', 'staging', 'ci'])}/${rng.pick(['payments', 'checkout', 'catalog', 'reports', 'vpn', 'ldap'])}/${rng.pick(['db', 'api-key', 'token', 'cert'])}-${i}`,
      );
      return events(
        spread(rng, atMs, 3 * MIN, ids.length).map((t, i) => {
          const denied = i % 4 === 3;
          return cloudTrailEvent(rng, t, {
            ...getSecretValue(AWS_CALLERS.buildRunner, ids[i] ?? 'prod/x'),
            ...(denied
              ? {
                  errorCode: 'AccessDenied',
                  errorMessage:
                    'User is not authorized to perform: secretsmanager:GetSecretValue because no identity-based policy allows it',
                }
              : {}),
          });
        }),
      );
    },
  },
  {
    name: 'aws-s3-getobject-spike',
    source: 'cloudtrail',
    description: "report-generator's access key, normally ~1.5 GetObject a minute, downloads 600 objects in 10 minutes from 203.0.113.150.",
    durationMs: 10 * MIN,
    expect: [expectRule('aws-s3-getobject-spike', AWS_CALLERS.reportGenerator.arn)],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const thief = { ...AWS_CALLERS.reportGenerator, sourceIPAddress: '203.0.113.150', userAgent: 'rclone/v1.67.0' };
      return events(
        spread(rng, atMs, 10 * MIN, 600).map((t, i) =>
          cloudTrailEvent(
            rng,
            t,
            s3GetObject(
              thief,
              REPORTS_BUCKET,
              `archive/${2020 + (i % 5)}/customers-${String(i).padStart(4, '0')}.csv.gz`,
              rng.int(1_000_000, 20_000_000),
            ),
          ),
        ),
      );
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Proxy

const proxyScenarios: ScenarioDefinition[] = [
  {
    name: 'proxy-exfiltration',
    source: 'proxy',
    description: `${EXFIL_HOST} uploads about 2.4 GB to ${EXFIL_DOMAIN} in 12 minutes (60 PUTs of ~40 MB), against a normal few MB per 10 minutes.`,
    durationMs: 12 * MIN,
    expect: [expectRule('proxy-bytes-out-spike', EXFIL_HOST)],
    alsoMayFire: [],
    build: ({ atMs, rng }) => {
      const host = proxyHosts(1).find((h) => h.name === EXFIL_HOST);
      if (!host) throw new Error(`no proxy host ${EXFIL_HOST}`);
      return events(
        spread(rng, atMs, 12 * MIN, 60).map((t): ProxyEvent =>
          proxyEvent(rng, t, {
            host,
            domain: EXFIL_DOMAIN,
            method: 'CONNECT',
            bytesOut: rng.int(38_000_000, 42_000_000),
            bytesIn: rng.int(2_000, 6_000),
            userAgent: 'rclone/v1.67.0',
          }),
        ),
      );
    },
  },
];

export const SCENARIOS: readonly ScenarioDefinition[] = [
  ...k8sScenarios,
  ...authScenarios,
  ...cloudTrailScenarios,
  ...proxyScenarios,
  ...persistenceScenarios(expectRule),
];
export const SCENARIO_NAMES: readonly string[] = SCENARIOS.map((s) => s.name);

export function scenarioByName(name: string): ScenarioDefinition {
  const found = SCENARIOS.find((s) => s.name === name);
  if (!found) throw new Error(`unknown scenario ${JSON.stringify(name)}; known: ${SCENARIO_NAMES.join(', ')}`);
  return found;
}

// ---------------------------------------------------------------------------------------------
// Placement

export interface InjectedScenario {
  name: string;
  source: SourceName;
  description: string;
  atMs: number;
  /** The last event's time, or the end of a silence. */
  endMs: number;
  /** The index pattern its events are in. */
  index: string;
  events: GeneratedEvent[];
  silences: Silence[];
  expect: readonly RuleExpectation[];
  alsoMayFire: readonly RuleExpectation[];
}

/** Shortest range that fits the scenarios after the warm-up and a baseline for spike rules. */
export const MIN_SCENARIO_RANGE_MS = 60 * MIN;

/**
 * Default times: the silence at the very end; the others evenly spread from the later of 40%
 * into the range and warm-up + 15 minutes (new-term rules have seen the normal values, spike
 * rules have a baseline), up to where the longest one still ends a minute before the range.
 */
export function defaultTimes(range: TimeRange, scenarios: readonly ScenarioDefinition[]): Map<string, number> {
  const span = range.toMs - range.fromMs;
  if (span < MIN_SCENARIO_RANGE_MS)
    throw new Error(
      `the range is ${Math.round(span / MIN)} minutes; scenarios need at least ${MIN_SCENARIO_RANGE_MS / MIN} (or use --benign-only)`,
    );
  const times = new Map<string, number>();
  const placed = scenarios.filter((s) => !s.atEnd);
  for (const s of scenarios.filter((x) => x.atEnd)) times.set(s.name, range.toMs - s.durationMs);
  const longest = Math.max(0, ...placed.map((s) => s.durationMs));
  const start = range.fromMs + Math.max(WARMUP_MS + 15 * MIN, Math.floor(span * 0.4));
  const end = range.toMs - longest - MIN;
  const step = placed.length > 1 ? Math.max(0, end - start) / (placed.length - 1) : 0;
  placed.forEach((s, i) => times.set(s.name, Math.floor((start + i * step) / SEC) * SEC));
  return times;
}

/** One scenario's events at `atMs`, checked to fit in the range. */
export function injectScenario(name: string, atMs: number, range: TimeRange, seed: string | number, prefix = ''): InjectedScenario {
  const def = scenarioByName(name);
  if (atMs < range.fromMs || atMs + def.durationMs > range.toMs) {
    throw new Error(
      `scenario ${name} at ${new Date(atMs).toISOString()} lasts ${def.durationMs / MIN} minutes and does not fit in ${new Date(range.fromMs).toISOString()} .. ${new Date(range.toMs).toISOString()}`,
    );
  }
  const out = def.build({ atMs, range, rng: new Random(`${seed}/scenario/${name}`) });
  const last = Math.max(atMs, ...out.events.map((e) => e.ts), ...out.silences.map((s) => s.toMs));
  return {
    name,
    source: def.source,
    description: def.description,
    atMs,
    endMs: last,
    index: indexPattern(def.source, prefix),
    events: out.events,
    silences: out.silences,
    expect: def.expect,
    alsoMayFire: def.alsoMayFire,
  };
}

// ---------------------------------------------------------------------------------------------
// What the background keeps, so that none of the rules above fires on it. The limits are the
// ones test/unit/generator checks over several hours; rules should use thresholds above them.

export interface Invariant {
  id: string;
  source: SourceName | 'all';
  text: string;
}

export const BACKGROUND_LIMITS = {
  /** Auth failures from one address in any 5 minutes (scanners try one or two names, once). */
  sshFailuresPerIpPer5Min: 4,
  /** Distinct users failing from one address in any 15 minutes. */
  sshDistinctUsersPerIpPer15Min: 4,
  /** Failures for one account on one host in any 10 minutes. */
  sshFailuresPerUserHostPer10Min: 4,
  /** Longest gap between two events of one host in the auth log (cron every 2 minutes). */
  authHostMaxGapMs: 5 * MIN,
  /** Longest gap between two events of one proxy host (telemetry every 3 minutes). */
  proxyHostMaxGapMs: 5 * MIN,
  /** Longest gap between two lease renewals of one kubelet (every 10 s). */
  kubeletMaxGapMs: 1 * MIN,
  /** Longest gap between two CloudTrail records of the account. */
  cloudTrailMaxGapMs: 5 * MIN,
  /** Secret reads (get) by one identity in any 5 minutes. */
  k8sSecretGetsPerIdentityPer5Min: 3,
  /** 401/403 responses for one identity in any 5 minutes. */
  k8sDeniedPerIdentityPer5Min: 3,
  /** GetSecretValue calls by one identity in any 5 minutes. */
  getSecretValuePerIdentityPer5Min: 4,
  /** S3 GetObject by one identity in any 10 minutes. */
  getObjectPerIdentityPer10Min: 60,
  /** Bytes out (source.bytes) of one proxy host in any 10 minutes. */
  proxyBytesOutPerHostPer10Min: 100 * 1024 * 1024,
} as const;

export const BACKGROUND_INVARIANTS: readonly Invariant[] = [
  { id: 'k8s-no-exec', source: 'k8s-audit', text: 'No pods/exec, pods/attach or pods/portforward request.' },
  {
    id: 'k8s-no-privileged',
    source: 'k8s-audit',
    text: 'Every pod created is unprivileged: no privileged container, hostPID, hostNetwork, hostIPC or hostPath volume.',
  },
  {
    id: 'k8s-no-rbac-writes',
    source: 'k8s-audit',
    text: 'No create, update, patch or delete of roles, clusterroles, rolebindings or clusterrolebindings (so no cluster-admin binding and no wildcard role).',
  },
  {
    id: 'k8s-secrets-controllers-only',
    source: 'k8s-audit',
    text: 'Secrets are listed or watched only by the control plane (system:kube-*), kube-system service accounts and nodes (system:node:*); people and application service accounts never read secrets.',
  },
  {
    id: 'k8s-secret-reads-few',
    source: 'k8s-audit',
    text: `At most ${BACKGROUND_LIMITS.k8sSecretGetsPerIdentityPer5Min} secret reads per identity in any 5 minutes.`,
  },
  {
    id: 'k8s-no-kube-system-writes',
    source: 'k8s-audit',
    text: 'Only kube-system controllers, nodes and the control plane create pods, service accounts or tokens; no namespace is created; no ConfigMap is written.',
  },
  { id: 'k8s-no-anonymous', source: 'k8s-audit', text: 'No request by system:anonymous (allowed or not).' },
  {
    id: 'k8s-denials-rare',
    source: 'k8s-audit',
    text: `At most ${BACKGROUND_LIMITS.k8sDeniedPerIdentityPer5Min} 401/403 per identity in any 5 minutes (a developer occasionally refused one list of nodes).`,
  },
  {
    id: 'k8s-sa-one-agent',
    source: 'k8s-audit',
    text: 'Each service account always uses the same user agent, and every one appears in the first 15 minutes (warm-up).',
  },
  {
    id: 'k8s-kubelets-alive',
    source: 'k8s-audit',
    text: `Every kubelet renews its lease at most ${BACKGROUND_LIMITS.kubeletMaxGapMs / 1000} s apart.`,
  },
  {
    id: 'auth-failures-sparse',
    source: 'auth',
    text: `At most ${BACKGROUND_LIMITS.sshFailuresPerIpPer5Min} failed logins per address in any 5 minutes, ${BACKGROUND_LIMITS.sshDistinctUsersPerIpPer15Min} distinct failing users per address in any 15 minutes, ${BACKGROUND_LIMITS.sshFailuresPerUserHostPer10Min} failures per account and host in any 10 minutes (admins mistype once; scanners try one or two made-up names).`,
  },
  { id: 'auth-no-privileged-failures', source: 'auth', text: 'No failed login as root or admin.' },
  {
    id: 'auth-no-password-logins',
    source: 'auth',
    text: 'Every successful login uses a key (publickey); no sudo is refused and no user is created.',
  },
  { id: 'auth-no-root-login', source: 'auth', text: 'No successful login as root.' },
  {
    id: 'auth-known-sources',
    source: 'auth',
    text: 'Every successful login is by a known user from one of their known addresses, and every (user, address) pair appears in the first 15 minutes (warm-up).',
  },
  {
    id: 'auth-sudo-root-known',
    source: 'auth',
    text: 'Only alice, bob and dave sudo to root, and each of them does it in the first 15 minutes; deploy only sudoes to service accounts.',
  },
  {
    id: 'auth-hosts-alive',
    source: 'auth',
    text: `Every host logs (a cron session every 2 minutes) at most ${BACKGROUND_LIMITS.authHostMaxGapMs / MIN} minutes apart, from the start of the range to its end.`,
  },
  { id: 'cloudtrail-no-root', source: 'cloudtrail', text: 'No call by the root user.' },
  { id: 'cloudtrail-no-tampering', source: 'cloudtrail', text: 'No StopLogging, DeleteTrail, UpdateTrail or PutEventSelectors.' },
  {
    id: 'cloudtrail-no-iam-writes',
    source: 'cloudtrail',
    text: 'No IAM write at all: no Attach*Policy, no CreateAccessKey, no CreateUser, no login profile or MFA change.',
  },
  {
    id: 'cloudtrail-no-exposure',
    source: 'cloudtrail',
    text: 'No security group, S3 ACL or public access block change, no snapshot sharing, no flow log deletion.',
  },
  {
    id: 'cloudtrail-secrets-few',
    source: 'cloudtrail',
    text: `At most ${BACKGROUND_LIMITS.getSecretValuePerIdentityPer5Min} GetSecretValue per identity in any 5 minutes.`,
  },
  {
    id: 'cloudtrail-getobject-steady',
    source: 'cloudtrail',
    text: `S3 GetObject only by report-generator, steadily (~1.5 a minute), at most ${BACKGROUND_LIMITS.getObjectPerIdentityPer10Min} in any 10 minutes.`,
  },
  {
    id: 'cloudtrail-alive',
    source: 'cloudtrail',
    text: `The account logs at least every ${BACKGROUND_LIMITS.cloudTrailMaxGapMs / MIN} minutes (AWS Config every 2 minutes).`,
  },
  {
    id: 'proxy-bytes-bounded',
    source: 'proxy',
    text: `Every host sends at most ${BACKGROUND_LIMITS.proxyBytesOutPerHostPer10Min / 1024 / 1024} MB (source.bytes) in any 10 minutes; single uploads are at most 8 MB.`,
  },
  {
    id: 'proxy-hosts-alive',
    source: 'proxy',
    text: `Every host logs at most ${BACKGROUND_LIMITS.proxyHostMaxGapMs / MIN} minutes apart (telemetry every 3 minutes).`,
  },
  {
    id: 'falco-quiet',
    source: 'falco',
    text: 'Falco raises nothing above Warning, and at most one Warning per pod in any 10 minutes (Notice noise from monitoring pods and debug shells).',
  },
  { id: 'falco-alive', source: 'falco', text: 'Every node sends its Falco metrics snapshot every 5 minutes.' },
  { id: 'proxy-no-exfil-domain', source: 'proxy', text: 'No request to transfer.example.net.' },
  { id: 'all-in-range', source: 'all', text: 'Every event, background or scenario, has its @timestamp inside the requested range.' },
];
