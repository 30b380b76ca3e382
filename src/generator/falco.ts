// Falco's alerts from the cluster's nodes, as Falco's JSON output (json_output: true) read by
// Filebeat with its keys at the top level and written to falco-YYYY.MM.DD: Falco's own fields
// (time in nanoseconds, rule, priority, source, hostname, tags, output, output_fields with dotted
// Falco field names) plus the shipper's @timestamp. Falcosidekick writes the same fields without
// @timestamp; the pack's rules read `time`, so both work.
//
// Background: every node's metrics snapshot every 5 minutes (metrics.output_rule, the heartbeat
// falco-silent needs), Notice-level noise (monitoring pods talking to the API server, shells from
// kubectl debug sessions), and a rare Warning; nothing Critical.
import { runActors, type Actor } from './actors.ts';
import { K8S_NODES, K8S_WORKLOADS, podName } from './k8s-audit.ts';
import type { Random } from './random.ts';
import { iso, MIN, SEC, type EventOf, type Json, type TimeRange } from './types.ts';

export type FalcoEvent = EventOf<'falco'>;
export type FalcoPriority = 'Emergency' | 'Alert' | 'Critical' | 'Error' | 'Warning' | 'Notice' | 'Informational' | 'Debug';

export interface FalcoDoc {
  '@timestamp': string;
  time: string;
  rule: string;
  priority: FalcoPriority;
  source: 'syscall';
  hostname: string;
  tags: string[];
  output: string;
  output_fields: Record<string, Json>;
}

export const FALCO_VERSION = '0.38.1';
export const METRICS_RULE = 'Falco internal: metrics snapshot';
export const METRICS_PERIOD_MS = 5 * MIN;

/** Falco writes nanoseconds; generated events have milliseconds. */
const nanos = (ts: number): string => `${iso(ts).slice(0, -1)}000000Z`;

export interface FalcoAlert {
  rule: string;
  priority: FalcoPriority;
  tags: string[];
  /** The text after the priority, without the field list. */
  text: string;
  fields: Record<string, Json>;
}

export function falcoEvent(ts: number, hostname: string, alert: FalcoAlert): FalcoEvent {
  const time = nanos(ts);
  const list = Object.entries(alert.fields)
    .map(([k, v]) => `${k.replace(/\./g, '_')}=${String(v)}`)
    .join(' ');
  const doc: FalcoDoc = {
    '@timestamp': iso(ts),
    time,
    rule: alert.rule,
    priority: alert.priority,
    source: 'syscall',
    hostname,
    tags: alert.tags,
    output: `${time.slice(11, -1)}: ${alert.priority} ${alert.text}${list ? ` (${list})` : ''}`,
    output_fields: alert.fields,
  };
  return { source: 'falco', ts, doc };
}

/** The container fields Falco adds for a pod (container.*, k8s.*). */
export function podFields(ns: string, pod: string, image: string, containerId: string): Record<string, Json> {
  const [repository, tag] = image.split(':');
  return {
    'container.id': containerId,
    'container.name': 'app',
    'container.image.repository': repository ?? image,
    'container.image.tag': tag ?? 'latest',
    'k8s.ns.name': ns,
    'k8s.pod.name': pod,
  };
}

const containerId = (rng: Random): string => rng.hex(12);

/** Nodes: the kubelets of the audit log, where the Falco DaemonSet runs. */
export const FALCO_HOSTS: readonly string[] = K8S_NODES;

export function falcoActors(rng: Random): Actor<FalcoEvent>[] {
  const actors: Actor<FalcoEvent>[] = [];
  FALCO_HOSTS.forEach((host, i) => {
    actors.push({
      timing: {
        kind: 'every',
        periodMs: METRICS_PERIOD_MS,
        phaseMs: (i * 41_000 + rng.int(0, 30_000)) % METRICS_PERIOD_MS,
        jitterMs: 2 * SEC,
      },
      emit: (r, t) => [
        falcoEvent(t, host, {
          rule: METRICS_RULE,
          priority: 'Informational',
          tags: [],
          text: 'Falco metrics snapshot',
          fields: {
            'evt.source': 'syscall',
            'falco.version': FALCO_VERSION,
            'falco.host_num_cpus': 8,
            'scap.n_evts': r.int(1_000_000, 90_000_000),
            'scap.n_drops': 0,
          },
        }),
      ],
    });
  });
  const pod = (r: Random): [string, string, string] => {
    const ns = r.pick(Object.keys(K8S_WORKLOADS));
    const app = r.pick(K8S_WORKLOADS[ns] ?? ['app']);
    return [ns, podName(app, r.int(0, 2)), `registry.example.com/${ns}/${app}:2.3.${app.length % 7}`];
  };
  // Prometheus and Grafana's sidecar talk to the API server from their pods: Notice, all day.
  actors.push({
    timing: { kind: 'poisson', perSec: 1 / 6 },
    emit: (r, t) => {
      const app = r.pick(['prometheus', 'grafana']);
      const p = podName(app, r.int(0, 1));
      return [
        falcoEvent(t, r.pick(FALCO_HOSTS), {
          rule: 'Contact K8S API Server From Container',
          priority: 'Notice',
          tags: ['maturity_stable', 'container', 'network', 'k8s', 'mitre_discovery', 'T1565'],
          text: 'Unexpected connection to K8s API Server from container',
          fields: {
            ...podFields('monitoring', p, `registry.example.com/monitoring/${app}:2.3.${app.length % 7}`, containerId(r)),
            'fd.name': '10.244.1.31:48212->10.96.0.1:443',
            'proc.cmdline': app,
            'user.name': 'nobody',
          },
        }),
      ];
    },
  });
  // An engineer's kubectl debug session now and then: a shell in a container, Notice.
  actors.push({
    timing: { kind: 'poisson', perSec: 1 / 900 },
    emit: (r, t) => {
      const [ns, p, image] = pod(r);
      return [
        falcoEvent(t, r.pick(FALCO_HOSTS), {
          rule: 'Terminal shell in container',
          priority: 'Notice',
          tags: ['maturity_stable', 'container', 'shell', 'mitre_execution', 'T1059'],
          text: 'A shell was spawned in a container with an attached terminal',
          fields: { ...podFields(ns, p, image, containerId(r)), 'proc.cmdline': 'sh', 'proc.pname': 'runc', 'user.name': 'root' },
        }),
      ];
    },
  });
  // A rare Warning, never two from one pod within 10 minutes.
  actors.push({
    timing: { kind: 'poisson', perSec: 1 / 1800 },
    emit: (r, t) => {
      const [ns, p, image] = pod(r);
      return [
        falcoEvent(t, r.pick(FALCO_HOSTS), {
          rule: 'Read sensitive file untrusted',
          priority: 'Warning',
          tags: ['maturity_stable', 'host', 'container', 'filesystem', 'mitre_credential_access', 'T1555'],
          text: 'Sensitive file opened for reading by non-trusted program',
          fields: {
            ...podFields(ns, p, image, containerId(r)),
            'fd.name': '/etc/shadow',
            'proc.cmdline': 'python3 healthcheck.py',
            'user.name': 'root',
          },
        }),
      ];
    },
  });
  return actors;
}

export function falcoBackground(range: TimeRange, rng: Random): Generator<FalcoEvent> {
  return runActors(falcoActors(rng.fork('actors')), range, rng.fork('events'));
}
