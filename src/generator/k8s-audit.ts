// Kubernetes API server audit events (audit.k8s.io/v1 Event) as Fluentd ships them with
// logstash_format: the JSON line from the audit log file as is, plus @timestamp.
//
// The audit policy assumed is a common one: stages RequestReceived and ResponseStarted omitted
// (one event per request, at ResponseComplete), secrets and configmaps at Metadata (bodies never
// logged), pod creation at Request, RBAC objects at RequestResponse, everything else Metadata.
// Scenarios log ConfigMap writes and TokenRequests at Request level, as policies that watch
// for credentials in ConfigMaps do.
import { runActors, warmupTimes, type Actor } from './actors.ts';
import type { Random } from './random.ts';
import { iso, MIN, SEC, type EventOf, type Json, type JsonObject, type TimeRange } from './types.ts';

export type K8sEvent = EventOf<'k8s-audit'>;
export type K8sVerb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete';
export type AuditLevel = 'Metadata' | 'Request' | 'RequestResponse';

export interface K8sAuditDoc {
  '@timestamp': string;
  kind: 'Event';
  apiVersion: 'audit.k8s.io/v1';
  level: AuditLevel;
  auditID: string;
  stage: 'ResponseComplete';
  requestURI: string;
  verb: string;
  user: { username: string; uid?: string; groups: string[] };
  sourceIPs: string[];
  userAgent: string;
  objectRef?: { resource: string; namespace?: string; name?: string; apiGroup?: string; apiVersion: string; subresource?: string };
  responseStatus: { metadata: Record<string, never>; code: number; status?: 'Failure'; reason?: string; message?: string };
  /** The body: an object, or a list of operations for a JSON patch. */
  requestObject?: JsonObject | Json[];
  responseObject?: JsonObject | Json[];
  requestReceivedTimestamp: string;
  stageTimestamp: string;
  annotations: { 'authorization.k8s.io/decision': 'allow' | 'forbid'; 'authorization.k8s.io/reason': string };
}

/** Who sends a request: the authenticated user as the API server records it. */
export interface K8sIdentity {
  username: string;
  groups: string[];
  uid?: string;
  userAgent: string;
  sourceIP: string;
  /** What RBAC says allowed it, for the authorization annotation; '' for the node authorizer. */
  allowedBy: string;
}

export interface K8sRequest {
  identity: K8sIdentity;
  verb: K8sVerb;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  /** Non-resource URL such as /version or /metrics, instead of a resource. */
  path?: string;
  /** Query string without '?'. */
  query?: string;
  /** HTTP status; 403 records an RBAC denial. Default 201 for create, else 200. */
  code?: number;
  level?: AuditLevel;
  requestObject?: JsonObject | Json[];
  /** Overrides the identity's user agent for this request. */
  userAgent?: string;
}

const API: Record<string, { group: string; version: string; namespaced: boolean }> = {
  pods: { group: '', version: 'v1', namespaced: true },
  services: { group: '', version: 'v1', namespaced: true },
  endpoints: { group: '', version: 'v1', namespaced: true },
  configmaps: { group: '', version: 'v1', namespaced: true },
  secrets: { group: '', version: 'v1', namespaced: true },
  serviceaccounts: { group: '', version: 'v1', namespaced: true },
  events: { group: '', version: 'v1', namespaced: true },
  persistentvolumeclaims: { group: '', version: 'v1', namespaced: true },
  namespaces: { group: '', version: 'v1', namespaced: false },
  nodes: { group: '', version: 'v1', namespaced: false },
  deployments: { group: 'apps', version: 'v1', namespaced: true },
  replicasets: { group: 'apps', version: 'v1', namespaced: true },
  statefulsets: { group: 'apps', version: 'v1', namespaced: true },
  daemonsets: { group: 'apps', version: 'v1', namespaced: true },
  jobs: { group: 'batch', version: 'v1', namespaced: true },
  cronjobs: { group: 'batch', version: 'v1', namespaced: true },
  leases: { group: 'coordination.k8s.io', version: 'v1', namespaced: true },
  endpointslices: { group: 'discovery.k8s.io', version: 'v1', namespaced: true },
  ingresses: { group: 'networking.k8s.io', version: 'v1', namespaced: true },
  horizontalpodautoscalers: { group: 'autoscaling', version: 'v2', namespaced: true },
  roles: { group: 'rbac.authorization.k8s.io', version: 'v1', namespaced: true },
  rolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1', namespaced: true },
  clusterroles: { group: 'rbac.authorization.k8s.io', version: 'v1', namespaced: false },
  clusterrolebindings: { group: 'rbac.authorization.k8s.io', version: 'v1', namespaced: false },
  applications: { group: 'argoproj.io', version: 'v1alpha1', namespaced: true },
};

/** The audit event for one request received at `ts`. */
export function k8sEvent(rng: Random, ts: number, req: K8sRequest): K8sEvent {
  const id = req.identity;
  const code = req.code ?? (req.verb === 'create' ? 201 : 200);
  let requestURI: string;
  let objectRef: K8sAuditDoc['objectRef'];
  if (req.path !== undefined) {
    requestURI = req.path;
  } else {
    const resource = req.resource ?? 'pods';
    const api = API[resource] ?? { group: '', version: 'v1', namespaced: true };
    const base = api.group ? `/apis/${api.group}/${api.version}` : `/api/${api.version}`;
    const ns = api.namespaced && req.namespace ? `/namespaces/${req.namespace}` : '';
    requestURI = `${base}${ns}/${resource}${req.name ? `/${req.name}` : ''}${req.subresource ? `/${req.subresource}` : ''}`;
    objectRef = {
      resource,
      ...(api.namespaced && req.namespace ? { namespace: req.namespace } : {}),
      ...(req.name ? { name: req.name } : {}),
      ...(api.group ? { apiGroup: api.group } : {}),
      apiVersion: api.version,
      ...(req.subresource ? { subresource: req.subresource } : {}),
    };
  }
  if (req.query) requestURI += `?${req.query}`;
  // Watches are logged when they end, minutes after they start; other requests take milliseconds.
  const latencyMs = req.verb === 'watch' ? rng.int(5 * MIN, 9 * MIN) : Math.round(rng.logNormal(8, 0.8));
  const denied = code === 401 || code === 403;
  const what = objectRef ? `${objectRef.resource}${objectRef.subresource ? `/${objectRef.subresource}` : ''}` : requestURI;
  const scope = objectRef?.namespace ? `in the namespace "${objectRef.namespace}"` : 'at the cluster scope';
  const doc: K8sAuditDoc = {
    '@timestamp': iso(ts),
    kind: 'Event',
    apiVersion: 'audit.k8s.io/v1',
    level: req.level ?? 'Metadata',
    auditID: rng.uuid(),
    stage: 'ResponseComplete',
    requestURI,
    verb: req.verb,
    user: { username: id.username, ...(id.uid ? { uid: id.uid } : {}), groups: id.groups },
    sourceIPs: [id.sourceIP],
    userAgent: req.userAgent ?? id.userAgent,
    ...(objectRef ? { objectRef } : {}),
    responseStatus: denied
      ? {
          metadata: {},
          code,
          status: 'Failure',
          reason: code === 403 ? 'Forbidden' : 'Unauthorized',
          message:
            code === 403
              ? `${what} is forbidden: User "${id.username}" cannot ${req.verb} resource "${what}" in API group "${objectRef?.apiGroup ?? ''}" ${scope}`
              : 'Unauthorized',
        }
      : { metadata: {}, code },
    ...(req.requestObject && req.level && req.level !== 'Metadata' ? { requestObject: req.requestObject } : {}),
    ...(req.requestObject && req.level === 'RequestResponse' && !denied ? { responseObject: req.requestObject } : {}),
    requestReceivedTimestamp: micros(ts, rng),
    stageTimestamp: micros(ts + latencyMs, rng),
    annotations: {
      'authorization.k8s.io/decision': denied ? 'forbid' : 'allow',
      'authorization.k8s.io/reason': denied ? '' : id.allowedBy,
    },
  };
  return { source: 'k8s-audit', ts, doc };
}

/** The API server writes microseconds. */
function micros(ms: number, rng: Random): string {
  return `${iso(ms).slice(0, -1)}${String(rng.int(0, 999)).padStart(3, '0')}Z`;
}

// ---------------------------------------------------------------------------------------------
// The cluster. Addresses: control plane 10.0.0.0/24, nodes 10.0.1.0/24, CI 10.0.5.0/24,
// pods 10.244.0.0/16, the VPN that people use 10.8.0.0/24.

const K8S_VERSION = 'v1.30.2';
const K8S_COMMIT = '3968350';
const clientUa = (binary: string, platform = 'linux/amd64'): string => `${binary}/${K8S_VERSION} (${platform}) kubernetes/${K8S_COMMIT}`;
const KUBECTL_LINUX = clientUa('kubectl');
const KUBECTL_MAC = clientUa('kubectl', 'darwin/arm64');
const KCM_UA = `${clientUa('kube-controller-manager')}/leader-election`;
const CONTROL_PLANE_IP = '10.0.0.10';

const crb = (binding: string, role: string, kind: 'User' | 'ServiceAccount' | 'Group', subject: string): string =>
  `RBAC: allowed by ClusterRoleBinding "${binding}" of ClusterRole "${role}" to ${kind} "${subject}"`;

export const K8S_NODES = ['node-a-01', 'node-a-02', 'node-a-03', 'node-b-01', 'node-b-02', 'node-b-03'] as const;
export const K8S_APP_NAMESPACES = ['payments', 'checkout', 'catalog', 'monitoring'] as const;

/** Deployments per namespace, and the pods they run (names fixed so that scenarios can name them). */
export const K8S_WORKLOADS: Record<string, readonly string[]> = {
  payments: ['payments-api', 'payments-worker'],
  checkout: ['checkout-web', 'checkout-api'],
  catalog: ['catalog-api', 'catalog-search'],
  monitoring: ['prometheus', 'grafana'],
};

const SAFE_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/** Characters from a hash of `text`: the same names in every run, in the alphabet Kubernetes uses for suffixes. */
function stableChars(text: string, length: number): string {
  let h = 0x811c9dc5;
  for (const c of text) h = Math.imul(h ^ c.charCodeAt(0), 0x01000193) >>> 0;
  let out = '';
  for (let i = 0; i < length; i++) {
    h = Math.imul(h ^ (h >>> 15), 0x2c1b3c6d) >>> 0;
    h = (h ^ (h >>> 12)) >>> 0;
    out += SAFE_CHARS[h % SAFE_CHARS.length];
  }
  return out;
}

export const replicaSetName = (app: string): string => `${app}-${stableChars(app, 10)}`;
export const podName = (app: string, replica: number): string => `${replicaSetName(app)}-${stableChars(`${app}/${replica}`, 5)}`;

export const nodeIdentity = (node: string, index: number): K8sIdentity => ({
  username: `system:node:${node}`,
  groups: ['system:nodes', 'system:authenticated'],
  userAgent: clientUa('kubelet'),
  sourceIP: `10.0.1.${11 + index}`,
  allowedBy: '',
});

export const controllerSa = (name: string): K8sIdentity => ({
  username: `system:serviceaccount:kube-system:${name}`,
  groups: ['system:serviceaccounts', 'system:serviceaccounts:kube-system', 'system:authenticated'],
  uid: uidFor(name),
  userAgent: `${clientUa('kube-controller-manager')}/system:serviceaccount:kube-system:${name}`,
  sourceIP: CONTROL_PLANE_IP,
  allowedBy: crb(`system:controller:${name}`, `system:controller:${name}`, 'ServiceAccount', `${name}/kube-system`),
});

const appSa = (namespace: string, name: string, userAgent: string, sourceIP: string, role: string): K8sIdentity => ({
  username: `system:serviceaccount:${namespace}:${name}`,
  groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  uid: uidFor(`${namespace}/${name}`),
  userAgent,
  sourceIP,
  allowedBy: `RBAC: allowed by RoleBinding "${name}" of Role "${role}" to ServiceAccount "${name}/${namespace}"`,
});

/** A uid that is the same for the same account in every run (service account uids are stable). */
function uidFor(name: string): string {
  const hex = Array.from(stableChars(`uid:${name}`, 32), (c) => (SAFE_CHARS.indexOf(c) % 16).toString(16)).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export const KCM: K8sIdentity = {
  username: 'system:kube-controller-manager',
  groups: ['system:authenticated'],
  userAgent: KCM_UA,
  sourceIP: CONTROL_PLANE_IP,
  allowedBy: crb('system:kube-controller-manager', 'system:kube-controller-manager', 'User', 'system:kube-controller-manager'),
};
export const SCHEDULER: K8sIdentity = {
  username: 'system:kube-scheduler',
  groups: ['system:authenticated'],
  userAgent: `${clientUa('kube-scheduler')}/leader-election`,
  sourceIP: CONTROL_PLANE_IP,
  allowedBy: crb('system:kube-scheduler', 'system:kube-scheduler', 'User', 'system:kube-scheduler'),
};

export const SA = {
  payments: appSa('payments', 'payments-api', 'payments-api/v2.3.1 (linux/amd64) kubernetes/$Format', '10.244.3.17', 'payments-api'),
  grafana: appSa('monitoring', 'grafana', 'OpenAPI-Generator/29.0.0/python', '10.244.1.40', 'grafana-sidecar'),
  prometheus: {
    ...appSa('monitoring', 'prometheus', 'Prometheus/2.53.0', '10.244.1.31', 'prometheus'),
    allowedBy: crb('prometheus', 'prometheus', 'ServiceAccount', 'prometheus/monitoring'),
  },
  argocd: {
    ...appSa(
      'argocd',
      'argocd-application-controller',
      'argocd-application-controller/v2.11.3+436da8f (linux/amd64)',
      '10.244.2.12',
      'argocd-application-controller',
    ),
    allowedBy: crb(
      'argocd-application-controller',
      'argocd-application-controller',
      'ServiceAccount',
      'argocd-application-controller/argocd',
    ),
  },
  coredns: {
    ...appSa('kube-system', 'coredns', 'coredns/v1.11.3 (linux/amd64) kubernetes/a7ed346', '10.244.0.5', 'system:coredns'),
    allowedBy: crb('system:coredns', 'system:coredns', 'ServiceAccount', 'coredns/kube-system'),
  },
  ciDeployer: {
    ...appSa('ci', 'deployer', KUBECTL_LINUX, '10.0.5.20', 'deployer'),
    allowedBy: crb('ci-deployer', 'deployer', 'ServiceAccount', 'deployer/ci'),
  },
} as const;

/** Every service account of the background and the one user agent each of them ever uses. */
export const K8S_SERVICE_ACCOUNT_AGENTS: ReadonlyMap<string, string> = new Map(
  [
    ...Object.values(SA),
    ...['replicaset-controller', 'deployment-controller', 'endpointslice-controller', 'generic-garbage-collector', 'job-controller'].map(
      controllerSa,
    ),
  ].map((i) => [i.username, i.userAgent]),
);

export const human = (email: string, group: 'sre' | 'developers', vpnIp: string, mac: boolean): K8sIdentity => ({
  username: email,
  groups: [`oidc:${group}`, 'system:authenticated'],
  userAgent: mac ? KUBECTL_MAC : KUBECTL_LINUX,
  sourceIP: vpnIp,
  allowedBy:
    group === 'sre'
      ? crb('oidc-sre-admin', 'cluster-admin', 'Group', 'oidc:sre')
      : crb('oidc-developers-view', 'view', 'Group', 'oidc:developers'),
});

export const K8S_PEOPLE = {
  alice: human('alice@example.com', 'sre', '10.8.0.11', true),
  bob: human('bob@example.com', 'sre', '10.8.0.12', false),
  riley: human('riley@example.com', 'sre', '10.8.0.21', true),
  morgan: human('morgan@example.com', 'sre', '10.8.0.22', false),
  taylor: human('taylor@example.com', 'sre', '10.8.0.23', true),
  jordan: human('jordan@example.com', 'developers', '10.8.0.31', true),
  casey: human('casey@example.com', 'developers', '10.8.0.32', false),
  quinn: human('quinn@example.com', 'developers', '10.8.0.33', true),
  drew: human('drew@example.com', 'developers', '10.8.0.34', false),
} as const;

/** Identities whose reads of secrets are normal: the control plane, its controllers and the kubelets. */
export function isControllerIdentity(username: string): boolean {
  return (
    username.startsWith('system:node:') || username.startsWith('system:kube-') || username.startsWith('system:serviceaccount:kube-system:')
  );
}

const watchQuery = (rng: Random, extra = ''): string => {
  const seconds = rng.int(300, 599);
  return `allowWatchBookmarks=true${extra}&resourceVersion=${rng.int(1_000_000, 9_999_999)}&timeout=${Math.floor(seconds / 60)}m${seconds % 60}s&timeoutSeconds=${seconds}&watch=true`;
};

const podSpec = (ns: string, app: string): JsonObject => ({
  kind: 'Pod',
  apiVersion: 'v1',
  metadata: { generateName: `${replicaSetName(app)}-`, namespace: ns, labels: { app } },
  spec: {
    serviceAccountName: app,
    containers: [
      {
        name: 'app',
        image: `registry.example.com/${ns}/${app}:2.3.${app.length % 7}`,
        ports: [{ containerPort: 8080, protocol: 'TCP' }],
        securityContext: {
          allowPrivilegeEscalation: false,
          runAsNonRoot: true,
          readOnlyRootFilesystem: true,
          capabilities: { drop: ['ALL'] },
        },
      },
    ],
  },
});

/** One request now and then more over a few minutes, like a person running kubectl. */
function kubectlSession(identity: K8sIdentity, namespaces: readonly string[], rng: Random, ts: number, canDeny: boolean): K8sEvent[] {
  const out: K8sEvent[] = [];
  const ns = rng.pick(namespaces);
  const apps = K8S_WORKLOADS[ns] ?? ['app'];
  let t = ts;
  const steps = rng.int(3, 20);
  for (let i = 0; i < steps; i++) {
    const app = rng.pick(apps);
    const r = rng.weighted<K8sRequest>([
      [{ identity, verb: 'list', resource: 'pods', namespace: ns, query: 'limit=500' }, 5],
      [{ identity, verb: 'get', resource: 'pods', namespace: ns, name: podName(app, rng.int(0, 2)) }, 3],
      [
        {
          identity,
          verb: 'get',
          resource: 'pods',
          namespace: ns,
          name: podName(app, rng.int(0, 2)),
          subresource: 'log',
          query: 'container=app&tailLines=200',
        },
        3,
      ],
      [{ identity, verb: 'list', resource: 'deployments', namespace: ns, query: 'limit=500' }, 2],
      [{ identity, verb: 'get', resource: 'deployments', namespace: ns, name: app }, 2],
      [{ identity, verb: 'list', resource: 'events', namespace: ns, query: `fieldSelector=involvedObject.name%3D${app}&limit=500` }, 2],
      [{ identity, verb: 'list', resource: 'services', namespace: ns, query: 'limit=500' }, 1],
      [{ identity, verb: 'get', resource: 'configmaps', namespace: ns, name: `${app}-config` }, 1],
    ]);
    out.push(k8sEvent(rng, t, r));
    t += rng.int(2 * SEC, 40 * SEC);
  }
  // A developer sometimes asks for something their role does not allow: one refusal, not a burst.
  if (canDeny && rng.chance(0.15)) out.push(k8sEvent(rng, t, { identity, verb: 'list', resource: 'nodes', query: 'limit=500', code: 403 }));
  return out;
}

/** The cluster's normal traffic. `rate` scales the high-volume controller traffic only. */
export function k8sActors(range: TimeRange, rng: Random, rate: number): Actor<K8sEvent>[] {
  const actors: Actor<K8sEvent>[] = [];
  const every = (periodMs: number, emit: Actor<K8sEvent>['emit'], jitterMs = SEC): Actor<K8sEvent> => ({
    timing: { kind: 'every', periodMs: periodMs / rate, phaseMs: rng.int(0, Math.floor(periodMs / rate) - 1), jitterMs },
    emit,
  });
  const poisson = (perSec: number, emit: Actor<K8sEvent>['emit']): Actor<K8sEvent> => ({ timing: { kind: 'poisson', perSec }, emit });
  const appNs = K8S_APP_NAMESPACES;

  // Leader election of the control plane: a lease renewal every two seconds each.
  actors.push(
    every(
      2 * SEC,
      (r, t) => [
        k8sEvent(r, t, { identity: KCM, verb: 'update', resource: 'leases', namespace: 'kube-system', name: 'kube-controller-manager' }),
      ],
      200,
    ),
  );
  actors.push(
    every(
      2 * SEC,
      (r, t) => [
        k8sEvent(r, t, { identity: SCHEDULER, verb: 'update', resource: 'leases', namespace: 'kube-system', name: 'kube-scheduler' }),
      ],
      200,
    ),
  );
  // The controller manager re-lists and watches secrets cluster-wide (token and TLS controllers).
  actors.push({
    timing: { kind: 'poisson', perSec: 1 / 420 },
    emit: (r, t) => [k8sEvent(r, t, { identity: KCM, verb: 'watch', resource: 'secrets', query: watchQuery(r) })],
  });

  // Kubelets: a node lease every 10 s (never skipped, so a node never looks silent), node status,
  // pod status, and the config maps and secrets their pods mount, each watched by name.
  K8S_NODES.forEach((node, i) => {
    const identity = nodeIdentity(node, i);
    actors.push({
      timing: { kind: 'every', periodMs: 10 * SEC, phaseMs: rng.int(0, 9_999), jitterMs: 500 },
      emit: (r, t) => [k8sEvent(r, t, { identity, verb: 'update', resource: 'leases', namespace: 'kube-node-lease', name: node })],
    });
    actors.push(
      poisson((1 / 60) * rate, (r, t) => [
        k8sEvent(r, t, { identity, verb: 'patch', resource: 'nodes', name: node, subresource: 'status' }),
      ]),
    );
    actors.push(
      poisson((1 / 45) * rate, (r, t) => {
        const ns = r.pick(appNs);
        return [
          k8sEvent(r, t, {
            identity,
            verb: 'patch',
            resource: 'pods',
            namespace: ns,
            name: podName(r.pick(K8S_WORKLOADS[ns] ?? ['app']), r.int(0, 2)),
            subresource: 'status',
          }),
        ];
      }),
    );
    actors.push(
      poisson((1 / 90) * rate, (r, t) => {
        const ns = r.pick(appNs);
        return [
          k8sEvent(r, t, {
            identity,
            verb: 'watch',
            resource: 'configmaps',
            namespace: ns,
            query: watchQuery(r, `&fieldSelector=metadata.name%3D${r.pick(K8S_WORKLOADS[ns] ?? ['app'])}-config`),
          }),
        ];
      }),
    );
    // Not scaled by rate: per-identity reads of secrets stay few whatever the volume.
    actors.push(
      poisson(1 / 600, (r, t) => {
        const ns = r.pick(appNs);
        return [
          k8sEvent(r, t, {
            identity,
            verb: 'watch',
            resource: 'secrets',
            namespace: ns,
            query: watchQuery(r, `&fieldSelector=metadata.name%3D${r.pick(K8S_WORKLOADS[ns] ?? ['app'])}-credentials`),
          }),
        ];
      }),
    );
  });

  // Controllers in kube-system keep workloads in shape.
  const rs = controllerSa('replicaset-controller');
  const deploy = controllerSa('deployment-controller');
  const eps = controllerSa('endpointslice-controller');
  const gc = controllerSa('generic-garbage-collector');
  const job = controllerSa('job-controller');
  const wl = (r: Random): [string, string] => {
    const ns = r.pick(appNs);
    return [ns, r.pick(K8S_WORKLOADS[ns] ?? ['app'])];
  };
  actors.push(
    poisson((1 / 20) * rate, (r, t) => {
      const [ns, app] = wl(r);
      return [
        k8sEvent(r, t, {
          identity: rs,
          verb: 'update',
          resource: 'replicasets',
          namespace: ns,
          name: replicaSetName(app),
          subresource: 'status',
        }),
      ];
    }),
  );
  actors.push(
    poisson((1 / 240) * rate, (r, t) => {
      const [ns, app] = wl(r);
      return [
        k8sEvent(r, t, {
          identity: rs,
          verb: 'create',
          resource: 'pods',
          namespace: ns,
          level: 'Request',
          requestObject: podSpec(ns, app),
        }),
      ];
    }),
  );
  actors.push(
    poisson((1 / 30) * rate, (r, t) => {
      const [ns, app] = wl(r);
      return [
        k8sEvent(r, t, { identity: deploy, verb: 'update', resource: 'deployments', namespace: ns, name: app, subresource: 'status' }),
      ];
    }),
  );
  actors.push(
    poisson((1 / 8) * rate, (r, t) => {
      const [ns, app] = wl(r);
      return [
        k8sEvent(r, t, {
          identity: eps,
          verb: 'update',
          resource: 'endpointslices',
          namespace: ns,
          name: `${app}-${r.pick(['x7k2p', 'q9m4t', 'b2v8n'])}`,
        }),
      ];
    }),
  );
  actors.push(
    poisson((1 / 25) * rate, (r, t) => [
      k8sEvent(r, t, {
        identity: gc,
        verb: r.pick(['list', 'watch'] as const),
        resource: r.pick(['pods', 'replicasets', 'deployments', 'endpointslices', 'jobs']),
        query: r.chance(0.5) ? 'limit=500&resourceVersion=0' : watchQuery(r),
      }),
    ]),
  );
  actors.push(
    poisson((1 / 300) * rate, (r, t) => [
      k8sEvent(r, t, {
        identity: job,
        verb: 'create',
        resource: 'pods',
        namespace: 'catalog',
        level: 'Request',
        requestObject: podSpec('catalog', 'catalog-reindex'),
      }),
    ]),
  );

  // Add-ons and applications, each with the one user agent it always has.
  actors.push(
    poisson((1 / 40) * rate, (r, t) => [
      k8sEvent(r, t, {
        identity: SA.coredns,
        verb: 'watch',
        resource: r.pick(['endpointslices', 'services', 'namespaces']),
        query: watchQuery(r),
      }),
    ]),
  );
  actors.push(every(15 * SEC, (r, t) => [k8sEvent(r, t, { identity: SA.prometheus, verb: 'get', path: '/metrics' })]));
  actors.push(
    poisson((1 / 30) * rate, (r, t) => [
      k8sEvent(r, t, {
        identity: SA.prometheus,
        verb: r.pick(['list', 'watch'] as const),
        resource: r.pick(['pods', 'endpoints', 'services', 'nodes']),
        query: watchQuery(r),
      }),
    ]),
  );
  actors.push(
    every(60 * SEC, (r, t) => [
      k8sEvent(r, t, {
        identity: SA.grafana,
        verb: 'list',
        resource: 'configmaps',
        namespace: 'monitoring',
        query: 'labelSelector=grafana_dashboard%3D1',
      }),
    ]),
  );
  actors.push(
    every(
      5 * SEC,
      (r, t) => [
        k8sEvent(r, t, {
          identity: SA.payments,
          verb: 'update',
          resource: 'leases',
          namespace: 'payments',
          name: 'payments-worker-leader',
        }),
      ],
      500,
    ),
  );
  actors.push(
    poisson((1 / 60) * rate, (r, t) => [
      k8sEvent(r, t, { identity: SA.payments, verb: 'get', resource: 'configmaps', namespace: 'payments', name: 'payments-api-config' }),
    ]),
  );
  actors.push(
    every(
      3 * MIN,
      (r, t) => {
        // Argo CD refreshes every application: a burst of reads, one per managed object.
        const out: K8sEvent[] = [];
        for (const ns of appNs) {
          out.push(k8sEvent(r, t, { identity: SA.argocd, verb: 'get', resource: 'applications', namespace: 'argocd', name: ns }));
          for (const app of K8S_WORKLOADS[ns] ?? []) {
            out.push(
              k8sEvent(r, t + r.int(10, 900), { identity: SA.argocd, verb: 'get', resource: 'deployments', namespace: ns, name: app }),
            );
            out.push(k8sEvent(r, t + r.int(10, 900), { identity: SA.argocd, verb: 'get', resource: 'services', namespace: ns, name: app }));
          }
        }
        return out;
      },
      5 * SEC,
    ),
  );

  // CI deploys now and then: apply, then watch the rollout.
  actors.push(
    poisson(1 / 2400, (r, t) => {
      const [ns, app] = wl(r);
      const id = SA.ciDeployer;
      return [
        k8sEvent(r, t, { identity: id, verb: 'get', resource: 'deployments', namespace: ns, name: app }),
        k8sEvent(r, t + 400, {
          identity: id,
          verb: 'patch',
          resource: 'deployments',
          namespace: ns,
          name: app,
          query: 'fieldManager=kubectl-client-side-apply&fieldValidation=Strict',
        }),
        k8sEvent(r, t + 900, {
          identity: id,
          verb: 'watch',
          resource: 'deployments',
          namespace: ns,
          query: watchQuery(r, `&fieldSelector=metadata.name%3D${app}`),
        }),
      ];
    }),
  );

  // People, in sessions; not scaled, so refusals stay rare per person.
  for (const identity of Object.values(K8S_PEOPLE)) {
    const namespaces = identity.groups.includes('oidc:sre') ? [...appNs, 'kube-system'] : appNs.filter((n) => n !== 'monitoring');
    actors.push(poisson(1 / 2700, (r, t) => kubectlSession(identity, namespaces, r, t, identity.groups.includes('oidc:developers'))));
  }

  // Warm-up: every service account shows its user agent in the first minutes, so that a
  // new-term rule has seen each normal pair before any scenario.
  const saIdentities = [SA.payments, SA.grafana, SA.prometheus, SA.argocd, SA.coredns, SA.ciDeployer, rs, deploy, eps, gc, job];
  const times = warmupTimes(rng, range, saIdentities.length);
  saIdentities.forEach((identity, i) => {
    actors.push({
      timing: { kind: 'at', times: [times[i] ?? range.fromMs] },
      emit: (r, t) => [k8sEvent(r, t, { identity, verb: 'get', path: '/api' })],
    });
  });
  return actors;
}

export function k8sBackground(range: TimeRange, rng: Random, rate: number): Generator<K8sEvent> {
  return runActors(k8sActors(range, rng.fork('actors'), rate), range, rng.fork('events'));
}
