// Reference detectors for the persistence and exposure rules (src/generator/scenarios-persistence.ts),
// written as plain predicates over generated events like the others in detectors.ts.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isControllerIdentity } from '../../../src/generator/k8s-audit.ts';
import { EXPECTED_RULES, type RuleId } from '../../../src/generator/scenarios.ts';
import { MIN, type EventOf, type Json, type TimeRange } from '../../../src/generator/types.ts';
import { groupBy, keyValues, pathValues } from './detector-helpers.ts';

interface Sources {
  k8s: EventOf<'k8s-audit'>[];
  auth: EventOf<'auth'>[];
  cloudtrail: EventOf<'cloudtrail'>[];
  falco: EventOf<'falco'>[];
}

const allowedNamespaces = new Set(
  readFileSync(fileURLToPath(new URL('../../../rules/lists/k8s-allowed-namespaces.txt', import.meta.url)), 'utf8')
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean),
);
const ROLE_WRITE_VERBS = ['create', 'update', 'patch', 'delete', 'deletecollection', 'bind', 'escalate', 'impersonate'];
const SENSITIVE = [
  'secrets',
  'roles',
  'clusterroles',
  'rolebindings',
  'clusterrolebindings',
  'serviceaccounts',
  'serviceaccounts/token',
  'pods/ephemeralcontainers',
  'pods/portforward',
  'nodes',
  'nodes/proxy',
  'users',
  'groups',
  'certificatesigningrequests/approval',
  'mutatingwebhookconfigurations',
  'validatingwebhookconfigurations',
];
const CREDENTIAL_KEYS = [
  'password',
  'PASSWORD',
  'db_password',
  'DB_PASSWORD',
  'passphrase',
  'aws_access_key_id',
  'AWS_ACCESS_KEY_ID',
  'aws_secret_access_key',
  'AWS_SECRET_ACCESS_KEY',
  'api_key',
  'API_KEY',
  'client_secret',
  'CLIENT_SECRET',
  'private_key',
  'id_rsa',
  'token',
  'TOKEN',
];
const CREDENTIAL_PREFIXES = [
  'AKIA',
  'ASIA',
  '-----BEGIN RSA PRIVATE KEY',
  '-----BEGIN EC PRIVATE KEY',
  '-----BEGIN OPENSSH PRIVATE KEY',
  '-----BEGIN PRIVATE KEY',
  '-----BEGIN ENCRYPTED PRIVATE KEY',
];
const SYSTEM_ROLE_KEEPERS = [
  'system:apiserver',
  'system:serviceaccount:kube-system:clusterrole-aggregation-controller',
  'system:kube-controller-manager',
];
const ALLOWED_REGISTRIES = ['quay.io/prometheus/', 'registry.example.com/', 'registry.k8s.io/'];
const NOLOGIN = ['/usr/sbin/nologin', '/sbin/nologin', '/bin/false', '/usr/bin/false'];

const keyOf = (rule: RuleId, doc: unknown): string => String(keyValues(doc as Json, EXPECTED_RULES[rule].field)[0]);

export function detectPersistence(s: Sources, fire: (rule: RuleId, key: string) => void, range: TimeRange): void {
  for (const e of s.k8s) {
    const d = e.doc;
    const resource = d.objectRef?.resource;
    const sub = d.objectRef?.subresource;
    const ns = d.objectRef?.namespace ?? '';
    const ok = d.responseStatus.code < 400;
    const body = d.requestObject;
    const systemNs = ns === 'kube-system' || ns === 'kube-public';
    const person = !isControllerIdentity(d.user.username);
    if (!ok) continue;
    if (resource === 'serviceaccounts' && d.verb === 'create' && sub === undefined && systemNs && person)
      fire('k8s-kube-system-sa-created', keyOf('k8s-kube-system-sa-created', d));
    if (
      d.verb === 'create' &&
      person &&
      ((resource === 'serviceaccounts' && sub === 'token') ||
        (resource === 'secrets' && pathValues(body, 'type').includes('kubernetes.io/service-account-token')))
    )
      fire('k8s-sa-token-created', d.user.username);
    if (resource === 'pods' && d.verb === 'create' && sub === undefined && systemNs && person)
      fire('k8s-kube-system-pod-created', d.user.username);
    if (
      resource === 'pods' &&
      d.verb === 'create' &&
      sub === undefined &&
      pathValues(body, 'spec.containers.image').some((i) => !ALLOWED_REGISTRIES.some((r) => String(i).startsWith(r)))
    ) {
      fire('k8s-image-registry-not-allowed', keyOf('k8s-image-registry-not-allowed', d));
    }
    if (
      (resource === 'roles' || resource === 'clusterroles') &&
      ['create', 'update', 'patch'].includes(d.verb) &&
      d.user.username !== 'system:apiserver'
    ) {
      const verbs = pathValues(body, 'rules.verbs');
      const resources = pathValues(body, 'rules.resources');
      const wildcard = verbs.includes('*') || resources.some((r) => r === '*' || r === 'pods/exec' || r === 'pods/attach');
      if (!wildcard && verbs.some((v) => ROLE_WRITE_VERBS.includes(String(v))) && resources.some((r) => SENSITIVE.includes(String(r))))
        fire('k8s-sensitive-role-write', d.user.username);
    }
    if (
      (resource === 'clusterroles' || resource === 'clusterrolebindings') &&
      ['update', 'patch', 'delete'].includes(d.verb) &&
      (d.objectRef?.name ?? '').startsWith('system:') &&
      !SYSTEM_ROLE_KEEPERS.includes(d.user.username)
    ) {
      fire('k8s-system-clusterrole-modified', keyOf('k8s-system-clusterrole-modified', d));
    }
    if (resource === 'namespaces' && d.verb === 'create' && d.objectRef?.name && !allowedNamespaces.has(d.objectRef.name))
      fire('k8s-namespace-not-allowed', d.objectRef.name);
    if (resource === 'configmaps' && ['create', 'update', 'patch'].includes(d.verb)) {
      const data = pathValues(body, 'data')[0];
      const entries = data && typeof data === 'object' && !Array.isArray(data) ? Object.entries(data) : [];
      if (
        entries.some(([k, v]) => CREDENTIAL_KEYS.includes(k) || CREDENTIAL_PREFIXES.some((p) => typeof v === 'string' && v.startsWith(p)))
      )
        fire('k8s-configmap-credentials', keyOf('k8s-configmap-credentials', d));
    }
  }

  const logins = s.auth.filter(
    (e) =>
      e.doc.event.category.includes('authentication') &&
      (e.doc.event.outcome === 'failure' || (e.doc.event.outcome === 'success' && e.doc.system?.auth.ssh?.method === 'password')),
  );
  for (const [ip, group] of groupBy(logins, (e) => e.doc.source?.ip)) {
    const found = group.some((last, i) => {
      const window = group.slice(0, i + 1).filter((e) => e.ts > last.ts - 10 * MIN);
      return (
        window.length >= 6 && window.some((e) => e.doc.event.outcome === 'success') && window.some((e) => e.doc.event.outcome === 'failure')
      );
    });
    if (found) fire('ssh-login-after-failures', ip);
  }
  for (const e of s.auth) {
    const d = e.doc;
    if (d.process.name === 'sudo' && d.system?.auth.sudo?.error) fire('sudo-refused', keyOf('sudo-refused', d));
    if (
      d.event.category.includes('iam') &&
      d.event.type.includes('user') &&
      d.event.type.includes('creation') &&
      !NOLOGIN.includes(d.system?.auth.useradd?.shell ?? '')
    )
      fire('linux-user-created', keyOf('linux-user-created', d));
  }

  for (const e of s.cloudtrail) {
    const d = e.doc;
    if (d.errorCode) continue;
    const req = d.requestParameters ?? undefined;
    const param = (path: string): Json[] => pathValues(req, path);
    const arn = d.userIdentity.arn ?? '';
    if (d.eventName === 'CreateUser') fire('aws-iam-user-created', String(param('userName')[0]));
    if (d.eventName === 'CreateLoginProfile' || d.eventName === 'UpdateLoginProfile')
      fire('aws-iam-login-profile-changed', String(param('userName')[0]));
    if (d.eventName === 'CreateAccessKey' && d.userIdentity.type === 'IAMUser' && param('userName').length === 0)
      fire('aws-access-key-self-created', arn);
    const world =
      (d.eventName === 'AuthorizeSecurityGroupIngress' &&
        [...param('ipPermissions.items.ipRanges.items.cidrIp'), ...param('ipPermissions.items.ipv6Ranges.items.cidrIpv6')].some(
          (c) => c === '0.0.0.0/0' || c === '::/0',
        )) ||
      (d.eventName === 'ModifySecurityGroupRules' &&
        [
          ...param('ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.CidrIpv4'),
          ...param('ModifySecurityGroupRulesRequest.SecurityGroupRule.SecurityGroupRule.CidrIpv6'),
        ].some((c) => c === '0.0.0.0/0' || c === '::/0'));
    if (world) fire('aws-security-group-open-to-world', keyOf('aws-security-group-open-to-world', d));
    if (d.eventSource === 's3.amazonaws.com') {
      const publicAcl =
        ['PutBucketAcl', 'PutObjectAcl', 'CreateBucket'].includes(d.eventName) &&
        (param('x-amz-acl').some((a) => ['public-read', 'public-read-write', 'authenticated-read'].includes(String(a))) ||
          param('AccessControlPolicy.AccessControlList.Grant.Grantee.URI').some((u) =>
            /global\/(AllUsers|AuthenticatedUsers)$/.test(String(u)),
          ));
      const blockOff =
        d.eventName === 'DeleteBucketPublicAccessBlock' ||
        (d.eventName === 'PutBucketPublicAccessBlock' &&
          param('PublicAccessBlockConfiguration').some((c) => c !== null && typeof c === 'object' && Object.values(c).includes(false)));
      if (publicAcl || blockOff) fire('aws-s3-bucket-made-public', String(param('bucketName')[0]));
    }
    if (
      d.eventName === 'ModifySnapshotAttribute' &&
      param('attributeType').includes('CREATE_VOLUME_PERMISSION') &&
      (param('createVolumePermission.add.items.userId').length > 0 || param('createVolumePermission.add.items.group').includes('all'))
    )
      fire('aws-ebs-snapshot-shared', String(param('snapshotId')[0]));
    if (d.eventName === 'DeleteFlowLogs') fire('aws-vpc-flow-logs-deleted', arn);
    if (d.eventName === 'DeactivateMFADevice' || d.eventName === 'DeleteVirtualMFADevice')
      fire('aws-mfa-device-removed', String(param('serialNumber')[0]));
  }

  // Falco
  for (const e of s.falco) {
    if (['Emergency', 'Alert', 'Critical'].includes(e.doc.priority)) fire('falco-critical-alert', keyOf('falco-critical-alert', e.doc));
  }
  const warnings = s.falco.filter(
    (e) =>
      (e.doc.priority === 'Warning' || e.doc.priority === 'Error') &&
      e.doc.output_fields['k8s.pod.name'] !== undefined &&
      !e.doc.rule.startsWith('Falco internal'),
  );
  for (const [pod, group] of groupBy(
    warnings,
    (e) => `${String(e.doc.output_fields['k8s.ns.name'])}, ${String(e.doc.output_fields['k8s.pod.name'])}`,
  )) {
    const times = group.map((e) => e.ts).sort((a, b) => a - b);
    if (times.some((t, i) => i >= 9 && t - (times[i - 9] ?? t) <= 10 * MIN)) fire('falco-pod-warning-burst', pod);
  }
  for (const [host, group] of groupBy(s.falco, (e) => e.doc.hostname)) {
    const times = [range.fromMs, ...group.map((e) => e.ts), range.toMs];
    if (times.some((t, i) => i > 0 && t - (times[i - 1] ?? t) > 15 * MIN)) fire('falco-silent', host);
  }
}
