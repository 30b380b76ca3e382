// The invariants the background keeps (scenarios.ts: BACKGROUND_INVARIANTS), checked over
// several hours, at the default rate and at a low and a high one.
import { describe, expect, it } from '@jest/globals';
import { ADMINS, AUTH_HOSTS, CI_IP, DEPLOY_USER, BASTION, hostByName } from '../../../src/generator/auth.ts';
import { WARMUP_MS } from '../../../src/generator/actors.ts';
import { generate } from '../../../src/generator/generate.ts';
import { isControllerIdentity, K8S_NODES, K8S_SERVICE_ACCOUNT_AGENTS } from '../../../src/generator/k8s-audit.ts';
import { EXFIL_DOMAIN, MAX_NORMAL_UPLOAD_BYTES, proxyHosts } from '../../../src/generator/proxy.ts';
import { BACKGROUND_LIMITS as L } from '../../../src/generator/scenarios.ts';
import { HOUR, MIN, type TimeRange } from '../../../src/generator/types.ts';
import { bySource, detect, groupBy, maxDistinctPerWindow, maxPerWindow, maxSumPerWindow, pathValues, type BySource } from './detectors.ts';

const END = Date.parse('2026-01-15T06:00:00Z');

function background(hours: number, rate: number, seed: string | number): { range: TimeRange; s: BySource } {
  const range = { fromMs: END - hours * HOUR, toMs: END };
  return { range, s: bySource(generate({ range, seed, rate, benignOnly: true }).events()) };
}

/** Longest gap between consecutive times, counting the range's start and end as bounds. */
const maxGap = (times: number[], range: TimeRange): number => {
  const all = [range.fromMs, ...[...times].sort((a, b) => a - b), range.toMs];
  return Math.max(...all.slice(1).map((t, i) => t - (all[i] ?? t)));
};

const maxPerKey = <T extends { ts: number }>(items: T[], key: (e: T) => string | undefined, windowMs: number): number =>
  Math.max(
    0,
    ...[...groupBy(items, key).values()].map((g) =>
      maxPerWindow(
        g.map((e) => e.ts),
        windowMs,
      ),
    ),
  );

describe('the benign background over six hours', () => {
  const { range, s } = background(6, 1, 42);

  it('fires none of the rules the scenarios expect', () => {
    expect([...detect([...s.k8s, ...s.auth, ...s.cloudtrail, ...s.proxy, ...s.falco], range)]).toEqual([]);
  });

  it('Kubernetes: no exec, port-forward, escalated pod, RBAC write or anonymous request', () => {
    const k8s = s.k8s.map((e) => e.doc);
    expect(k8s.filter((d) => ['exec', 'attach', 'portforward'].includes(d.objectRef?.subresource ?? ''))).toEqual([]);
    expect(
      k8s.filter(
        (d) =>
          ['roles', 'clusterroles', 'rolebindings', 'clusterrolebindings'].includes(d.objectRef?.resource ?? '') &&
          d.verb !== 'get' &&
          d.verb !== 'list' &&
          d.verb !== 'watch',
      ),
    ).toEqual([]);
    expect(k8s.filter((d) => d.user.username === 'system:anonymous' || d.user.groups.includes('system:unauthenticated'))).toEqual([]);
    const podCreates = k8s.filter((d) => d.objectRef?.resource === 'pods' && d.verb === 'create' && !d.objectRef.subresource);
    expect(podCreates.length).toBeGreaterThan(10);
    for (const d of podCreates) {
      const body = d.requestObject;
      expect(body).toBeDefined();
      for (const path of ['spec.hostPID', 'spec.hostNetwork', 'spec.hostIPC', 'spec.containers.securityContext.privileged'])
        expect(pathValues(body, path)).not.toContain(true);
      expect(pathValues(body, 'spec.volumes.hostPath')).toEqual([]);
    }
  });

  it('Kubernetes: secrets only listed by controllers, reads and refusals rare per identity', () => {
    const secrets = s.k8s.filter((e) => e.doc.objectRef?.resource === 'secrets');
    expect(secrets.length).toBeGreaterThan(0);
    expect(secrets.filter((e) => !isControllerIdentity(e.doc.user.username))).toEqual([]);
    expect(
      maxPerKey(
        secrets.filter((e) => e.doc.verb === 'get'),
        (e) => e.doc.user.username,
        5 * MIN,
      ),
    ).toBeLessThanOrEqual(L.k8sSecretGetsPerIdentityPer5Min);
    const denied = s.k8s.filter((e) => e.doc.responseStatus.code === 401 || e.doc.responseStatus.code === 403);
    expect(denied.length).toBeGreaterThan(0);
    expect(maxPerKey(denied, (e) => e.doc.user.username, 5 * MIN)).toBeLessThanOrEqual(L.k8sDeniedPerIdentityPer5Min);
  });

  it('Kubernetes: each service account has one user agent, seen in the warm-up; kubelets never pause', () => {
    const sas = s.k8s.filter((e) => e.doc.user.username.startsWith('system:serviceaccount:'));
    for (const [user, group] of groupBy(sas, (e) => e.doc.user.username)) {
      expect(new Set(group.map((e) => e.doc.userAgent))).toEqual(new Set([K8S_SERVICE_ACCOUNT_AGENTS.get(user)]));
      expect(group[0]?.ts).toBeLessThan(range.fromMs + WARMUP_MS);
    }
    for (const node of K8S_NODES) {
      const leases = s.k8s.filter((e) => e.doc.user.username === `system:node:${node}` && e.doc.objectRef?.resource === 'leases');
      expect(
        maxGap(
          leases.map((e) => e.ts),
          range,
        ),
      ).toBeLessThanOrEqual(L.kubeletMaxGapMs);
    }
  });

  it('auth: failures sparse per address, account and host; never root or admin', () => {
    const failures = s.auth.filter((e) => e.doc.event.outcome === 'failure');
    expect(failures.length).toBeGreaterThan(20);
    expect(maxPerKey(failures, (e) => e.doc.source?.ip, 5 * MIN)).toBeLessThanOrEqual(L.sshFailuresPerIpPer5Min);
    expect(maxPerKey(failures, (e) => `${e.doc.user?.name}@${e.doc.host.name}`, 10 * MIN)).toBeLessThanOrEqual(
      L.sshFailuresPerUserHostPer10Min,
    );
    const distinct = [...groupBy(failures, (e) => e.doc.source?.ip).values()].map((g) =>
      maxDistinctPerWindow(
        g.map((e) => ({ t: e.ts, v: e.doc.user?.name ?? '' })),
        15 * MIN,
      ),
    );
    expect(Math.max(...distinct)).toBeLessThanOrEqual(L.sshDistinctUsersPerIpPer15Min);
    expect(failures.filter((e) => e.doc.user?.name === 'root' || e.doc.user?.name === 'admin')).toEqual([]);
  });

  it('auth: logins only by known users from known addresses, seen in the warm-up; no root login', () => {
    const known = new Map<string, Set<string>>(ADMINS.map((a) => [a.name, new Set([...a.ips, hostByName(BASTION).ip])]));
    known.set(DEPLOY_USER, new Set([CI_IP]));
    const successes = s.auth.filter((e) => e.doc.event.outcome === 'success');
    expect(successes.length).toBeGreaterThan(20);
    const firstSeen = new Map<string, number>();
    for (const e of successes) {
      const user = e.doc.user?.name ?? '';
      expect(user).not.toBe('root');
      expect(known.get(user)?.has(e.doc.source?.ip ?? '')).toBe(true);
      const pair = `${user} ${e.doc.source?.ip}`;
      if (!firstSeen.has(pair)) firstSeen.set(pair, e.ts);
    }
    for (const t of firstSeen.values()) expect(t).toBeLessThan(range.fromMs + WARMUP_MS);
  });

  it('auth: only alice, bob and dave sudo to root; every host logs every few minutes', () => {
    const sudoRoot = s.auth.filter((e) => e.doc.process.name === 'sudo' && e.doc.user?.effective?.name === 'root');
    expect(new Set(sudoRoot.map((e) => e.doc.user?.name))).toEqual(new Set(['alice', 'bob', 'dave']));
    for (const host of AUTH_HOSTS) {
      expect(
        maxGap(
          s.auth.filter((e) => e.doc.host.name === host.name).map((e) => e.ts),
          range,
        ),
      ).toBeLessThanOrEqual(L.authHostMaxGapMs);
    }
  });

  it('CloudTrail: no root, no trail tampering, no IAM writes; secrets and objects steady', () => {
    const ct = s.cloudtrail;
    expect(ct.filter((e) => e.doc.userIdentity.type === 'Root')).toEqual([]);
    expect(ct.filter((e) => ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors'].includes(e.doc.eventName))).toEqual([]);
    expect(ct.filter((e) => e.doc.eventSource === 'iam.amazonaws.com' && !e.doc.readOnly)).toEqual([]);
    const secrets = ct.filter((e) => e.doc.eventName === 'GetSecretValue');
    expect(secrets.length).toBeGreaterThan(5);
    expect(maxPerKey(secrets, (e) => e.doc.userIdentity.arn, 5 * MIN)).toBeLessThanOrEqual(L.getSecretValuePerIdentityPer5Min);
    const gets = ct.filter((e) => e.doc.eventName === 'GetObject');
    expect(new Set(gets.map((e) => e.doc.userIdentity.userName))).toEqual(new Set(['report-generator']));
    expect(maxPerKey(gets, (e) => e.doc.userIdentity.arn, 10 * MIN)).toBeLessThanOrEqual(L.getObjectPerIdentityPer10Min);
    expect(
      maxGap(
        ct.map((e) => e.ts),
        range,
      ),
    ).toBeLessThanOrEqual(L.cloudTrailMaxGapMs);
  });

  it('proxy: bytes out bounded per host, every host alive, no exfiltration domain', () => {
    const hosts = proxyHosts(1).map((h) => h.name);
    const byHost = groupBy(s.proxy, (e) => e.doc.host.name);
    expect([...byHost.keys()].sort()).toEqual([...hosts].sort());
    for (const [, group] of byHost) {
      expect(
        maxSumPerWindow(
          group.map((e) => ({ t: e.ts, v: e.doc.source.bytes })),
          10 * MIN,
        ),
      ).toBeLessThanOrEqual(L.proxyBytesOutPerHostPer10Min);
      expect(Math.max(...group.map((e) => e.doc.source.bytes))).toBeLessThanOrEqual(MAX_NORMAL_UPLOAD_BYTES);
      expect(
        maxGap(
          group.map((e) => e.ts),
          range,
        ),
      ).toBeLessThanOrEqual(L.proxyHostMaxGapMs);
    }
    expect(s.proxy.filter((e) => e.doc.destination.domain === EXFIL_DOMAIN)).toEqual([]);
  });
});

describe.each([
  [0.25, 'low'],
  [4, 'high'],
])('the background at rate %s', (rate, seed) => {
  const { range, s } = background(2, rate, seed);
  it('fires no rule and keeps the per-identity limits', () => {
    expect([...detect([...s.k8s, ...s.auth, ...s.cloudtrail, ...s.proxy, ...s.falco], range)]).toEqual([]);
    expect(
      maxPerKey(
        s.auth.filter((e) => e.doc.event.outcome === 'failure'),
        (e) => e.doc.source?.ip,
        5 * MIN,
      ),
    ).toBeLessThanOrEqual(L.sshFailuresPerIpPer5Min);
    for (const [, group] of groupBy(s.proxy, (e) => e.doc.host.name)) {
      expect(
        maxSumPerWindow(
          group.map((e) => ({ t: e.ts, v: e.doc.source.bytes })),
          10 * MIN,
        ),
      ).toBeLessThanOrEqual(L.proxyBytesOutPerHostPer10Min);
      expect(
        maxGap(
          group.map((e) => e.ts),
          range,
        ),
      ).toBeLessThanOrEqual(L.proxyHostMaxGapMs);
    }
    expect(
      [...s.k8s, ...s.auth, ...s.cloudtrail, ...s.proxy, ...s.falco].filter((e) => !(e.ts >= range.fromMs && e.ts < range.toMs)),
    ).toEqual([]);
  });
});
