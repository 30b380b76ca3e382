// Reference detectors: what each rule the scenarios name is meant to catch, written as plain
// predicates over generated events (not through LogWarden's engine, which the rule pack's own
// end-to-end test exercises). They pin down the contract between the generator and the pack:
// every scenario fires its rules, and the background fires none.
import { WARMUP_MS } from '../../../src/generator/actors.ts';
import { isControllerIdentity } from '../../../src/generator/k8s-audit.ts';
import { EXPECTED_RULES, type RuleId } from '../../../src/generator/scenarios.ts';
import { detectPersistence } from './detectors-persistence.ts';
import { groupBy, keyValues, pathValues } from './detector-helpers.ts';

export { groupBy, keyValues, pathValues };
import { MIN, type EventOf, type GeneratedEvent, type Json, type TimeRange } from '../../../src/generator/types.ts';

/** The rule ids the detectors know: the scenarios' rules plus the pack's existing auth rules. */
export type DetectorId = RuleId | 'password-guessing-per-account';
export type Firing = `${DetectorId} ${string}`;

/** Most events of one key within any window of `windowMs` (start and end included). */
export function maxPerWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    while ((sorted[hi] ?? 0) - (sorted[lo] ?? 0) > windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/** Largest sum of `value` within any window of `windowMs`. */
export function maxSumPerWindow(points: { t: number; v: number }[], windowMs: number): number {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  let best = 0;
  let sum = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    sum += sorted[hi]?.v ?? 0;
    while ((sorted[hi]?.t ?? 0) - (sorted[lo]?.t ?? 0) > windowMs) sum -= sorted[lo++]?.v ?? 0;
    best = Math.max(best, sum);
  }
  return best;
}

/** Most distinct values within any window of `windowMs`. */
export function maxDistinctPerWindow(points: { t: number; v: string }[], windowMs: number): number {
  const sorted = [...points].sort((a, b) => a.t - b.t);
  const counts = new Map<string, number>();
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < sorted.length; hi++) {
    const add = sorted[hi];
    if (!add) continue;
    counts.set(add.v, (counts.get(add.v) ?? 0) + 1);
    while (add.t - (sorted[lo]?.t ?? 0) > windowMs) {
      const out = sorted[lo++];
      if (!out) break;
      const n = (counts.get(out.v) ?? 1) - 1;
      if (n === 0) counts.delete(out.v);
      else counts.set(out.v, n);
    }
    best = Math.max(best, counts.size);
  }
  return best;
}

export interface BySource {
  k8s: EventOf<'k8s-audit'>[];
  auth: EventOf<'auth'>[];
  cloudtrail: EventOf<'cloudtrail'>[];
  proxy: EventOf<'proxy'>[];
  falco: EventOf<'falco'>[];
}

export function bySource(events: Iterable<GeneratedEvent>): BySource {
  const out: BySource = { k8s: [], auth: [], cloudtrail: [], proxy: [], falco: [] };
  for (const e of events) {
    if (e.source === 'k8s-audit') out.k8s.push(e);
    else if (e.source === 'auth') out.auth.push(e);
    else if (e.source === 'cloudtrail') out.cloudtrail.push(e);
    else if (e.source === 'falco') out.falco.push(e);
    else out.proxy.push(e);
  }
  for (const list of Object.values(out) as { ts: number }[][]) list.sort((a, b) => a.ts - b.ts);
  return out;
}

const WRITE_VERBS = new Set(['create', 'update', 'patch', 'delete']);
const allowed = (e: EventOf<'k8s-audit'>): boolean => e.doc.responseStatus.code < 400;
const isFailure = (e: EventOf<'auth'>): boolean => e.doc.event.category.includes('authentication') && e.doc.event.outcome === 'failure';
const isSuccess = (e: EventOf<'auth'>): boolean => e.doc.event.category.includes('authentication') && e.doc.event.outcome === 'success';

/** Keys whose first occurrence comes after the warm-up: what a new_term rule reports. */
function newTerms<T extends { ts: number }>(
  events: T[],
  term: (e: T) => string | undefined,
  key: (e: T) => string,
  range: TimeRange,
): string[] {
  const seen = new Set<string>();
  const fired: string[] = [];
  for (const e of events) {
    const t = term(e);
    if (t === undefined || seen.has(t)) continue;
    seen.add(t);
    if (e.ts >= range.fromMs + WARMUP_MS) fired.push(key(e));
  }
  return fired;
}

/** Every (rule, key) any detector fires for. */
export function detect(events: Iterable<GeneratedEvent>, range: TimeRange): Set<Firing> {
  const s = bySource(events);
  const fired = new Set<Firing>();
  const fire = (rule: DetectorId, key: string): void => void fired.add(`${rule} ${key}`);
  const perKey = <T extends { ts: number }>(
    rule: DetectorId,
    list: T[],
    key: (e: T) => string | undefined,
    windowMs: number,
    threshold: number,
  ): void => {
    for (const [k, group] of groupBy(list, key))
      if (
        maxPerWindow(
          group.map((e) => e.ts),
          windowMs,
        ) >= threshold
      )
        fire(rule, k);
  };

  // Kubernetes
  for (const e of s.k8s) {
    const d = e.doc;
    const sub = d.objectRef?.subresource;
    const resource = d.objectRef?.resource;
    const body = d.requestObject;
    if (sub === 'exec' || sub === 'attach') fire('k8s-pod-exec', d.user.username);
    if (sub === 'portforward') fire('k8s-port-forward', d.user.username);
    if (resource === 'pods' && d.verb === 'create' && allowed(e) && body) {
      const escalated =
        pathValues(body, 'spec.hostPID').includes(true) ||
        pathValues(body, 'spec.hostNetwork').includes(true) ||
        pathValues(body, 'spec.containers.securityContext.privileged').includes(true) ||
        pathValues(body, 'spec.volumes.hostPath.path').length > 0;
      if (escalated) fire('k8s-privileged-pod', String(keyValues(e.doc as unknown as Json, EXPECTED_RULES['k8s-privileged-pod'].field)[0]));
    }
    if (
      resource === 'services' &&
      sub === undefined &&
      WRITE_VERBS.has(d.verb) &&
      allowed(e) &&
      pathValues(body, 'spec.type').includes('NodePort')
    )
      fire('k8s-nodeport-service', String(keyValues(e.doc as unknown as Json, EXPECTED_RULES['k8s-nodeport-service'].field)[0]));
    if ((resource === 'rolebindings' || resource === 'clusterrolebindings') && WRITE_VERBS.has(d.verb) && allowed(e)) {
      fire('k8s-rbac-binding-change', d.user.username);
      if (pathValues(body, 'roleRef.name').includes('cluster-admin')) fire('k8s-cluster-admin-binding', d.user.username);
    }
    if ((resource === 'roles' || resource === 'clusterroles') && WRITE_VERBS.has(d.verb) && allowed(e)) {
      if ([...pathValues(body, 'rules.verbs'), ...pathValues(body, 'rules.resources')].some((v) => v === '*' || v === 'pods/exec'))
        fire('k8s-wildcard-role', d.user.username);
    }
    if (resource === 'secrets' && (d.verb === 'list' || d.verb === 'watch') && allowed(e) && !isControllerIdentity(d.user.username))
      fire('k8s-secrets-list', d.user.username);
    if (d.user.username === 'system:anonymous' && d.annotations['authorization.k8s.io/decision'] === 'allow')
      fire('k8s-anonymous-allowed', d.sourceIPs[0] ?? '');
  }
  perKey(
    'k8s-secrets-mass-read',
    s.k8s.filter((e) => e.doc.objectRef?.resource === 'secrets' && e.doc.verb === 'get' && allowed(e)),
    (e) => e.doc.user.username,
    5 * MIN,
    20,
  );
  perKey(
    'k8s-forbidden-burst',
    s.k8s.filter((e) => e.doc.responseStatus.code === 401 || e.doc.responseStatus.code === 403),
    (e) => e.doc.user.username,
    5 * MIN,
    10,
  );
  const sas = s.k8s.filter((e) => e.doc.user.username.startsWith('system:serviceaccount:'));
  for (const k of newTerms(
    sas,
    (e) => `${e.doc.user.username} ${e.doc.userAgent}`,
    (e) => e.doc.user.username,
    range,
  ))
    fire('k8s-sa-new-user-agent', k);

  // Linux auth
  const failures = s.auth.filter(isFailure);
  perKey('ssh-bruteforce', failures, (e) => e.doc.source?.ip, 5 * MIN, 20);
  perKey(
    'ssh-privileged-user-failures',
    failures.filter((e) => e.doc.user?.name === 'root' || e.doc.user?.name === 'admin'),
    (e) => e.doc.source?.ip,
    10 * MIN,
    3,
  );
  perKey('password-guessing-per-account', failures, (e) => `${e.doc.user?.name}/${e.doc.host.name}`, 10 * MIN, 10);
  for (const [ip, group] of groupBy(failures, (e) => e.doc.source?.ip)) {
    if (
      maxDistinctPerWindow(
        group.map((e) => ({ t: e.ts, v: e.doc.user?.name ?? '' })),
        15 * MIN,
      ) >= 10
    )
      fire('ssh-password-spray', ip);
  }
  const successes = s.auth.filter(isSuccess);
  for (const k of newTerms(
    successes,
    (e) => `${e.doc.user?.name} ${e.doc.source?.ip}`,
    (e) => e.doc.user?.name ?? '',
    range,
  ))
    fire('ssh-login-new-source', k);
  for (const e of successes) if (e.doc.user?.name === 'root') fire('root-login', e.doc.host.name);
  const sudoRoot = s.auth.filter((e) => e.doc.process.name === 'sudo' && e.doc.user?.effective?.name === 'root');
  for (const k of newTerms(
    sudoRoot,
    (e) => e.doc.user?.name,
    (e) => e.doc.user?.name ?? '',
    range,
  ))
    fire('sudo-root-new-user', k);
  for (const [host, group] of groupBy(s.auth, (e) => e.doc.host.name)) {
    const times = [range.fromMs, ...group.map((e) => e.ts), range.toMs];
    if (times.some((t, i) => i > 0 && t - (times[i - 1] ?? t) > 10 * MIN)) fire('auth-log-silent', host);
  }

  // CloudTrail
  const TAMPER = new Set(['StopLogging', 'DeleteTrail', 'UpdateTrail', 'PutEventSelectors']);
  for (const e of s.cloudtrail) {
    const d = e.doc;
    const arn = d.userIdentity.arn ?? d.userIdentity.invokedBy ?? '';
    if (d.userIdentity.type === 'Root') fire('aws-root-account-usage', arn);
    if (
      d.eventName === 'ConsoleLogin' &&
      (d.userIdentity.type === 'IAMUser' || d.userIdentity.type === 'Root') &&
      pathValues(d.responseElements ?? undefined, 'ConsoleLogin').includes('Success') &&
      pathValues(d.additionalEventData, 'MFAUsed').includes('No')
    )
      fire('aws-console-login-without-mfa', arn);
    if (!d.errorCode && d.eventName === 'ScheduleKeyDeletion')
      fire('aws-kms-key-deletion', String(pathValues(d.responseElements ?? undefined, 'keyId')[0]));
    const guardDutyOff =
      d.eventSource === 'guardduty.amazonaws.com' &&
      (['DeleteDetector', 'DisassociateFromMasterAccount', 'DisassociateFromAdministratorAccount'].includes(d.eventName) ||
        (d.eventName === 'UpdateDetector' && pathValues(d.requestParameters ?? undefined, 'enable').includes(false)));
    const configOff =
      d.eventSource === 'config.amazonaws.com' &&
      ['StopConfigurationRecorder', 'DeleteConfigurationRecorder', 'DeleteDeliveryChannel'].includes(d.eventName);
    if (!d.errorCode && (guardDutyOff || configOff)) fire('aws-security-monitoring-disabled', `${d.eventSource}, ${d.awsRegion}`);
    if (TAMPER.has(d.eventName) && !d.errorCode) fire('aws-cloudtrail-tampering', arn);
    if (
      /^Attach(User|Role|Group)Policy$/.test(d.eventName) &&
      !d.errorCode &&
      pathValues(d.requestParameters ?? undefined, 'policyArn').some((p) => typeof p === 'string' && p.endsWith('/AdministratorAccess'))
    )
      fire('aws-admin-policy-attached', arn);
    if (d.eventName === 'CreateAccessKey' && !d.errorCode) {
      const target = pathValues(d.requestParameters ?? undefined, 'userName')[0];
      if (typeof target === 'string' && target !== d.userIdentity.userName) fire('aws-access-key-for-other-user', arn);
    }
  }
  perKey(
    'aws-secrets-burst',
    s.cloudtrail.filter((e) => e.doc.eventName === 'GetSecretValue'),
    (e) => e.doc.userIdentity.arn,
    5 * MIN,
    20,
  );
  for (const [arn, group] of groupBy(
    s.cloudtrail.filter((e) => e.doc.eventName === 'GetObject'),
    (e) => e.doc.userIdentity.arn,
  )) {
    // Spike: over 100 in the last 10 minutes and at least 3 times the 10 minutes before.
    const times = group.map((e) => e.ts);
    let lo = 0;
    let refLo = 0;
    for (let hi = 0; hi < times.length; hi++) {
      const t = times[hi] ?? 0;
      while ((times[lo] ?? 0) <= t - 10 * MIN) lo++;
      while ((times[refLo] ?? 0) <= t - 20 * MIN) refLo++;
      const cur = hi - lo + 1;
      const ref = lo - refLo;
      if (cur > 100 && cur >= 3 * ref) fire('aws-s3-getobject-spike', arn);
    }
  }

  detectPersistence(s, fire, range);

  // Proxy
  for (const [host, group] of groupBy(s.proxy, (e) => e.doc.host.name)) {
    if (
      maxSumPerWindow(
        group.map((e) => ({ t: e.ts, v: e.doc.source.bytes })),
        10 * MIN,
      ) >
      500 * 1024 * 1024
    )
      fire('proxy-bytes-out-spike', host);
  }
  return fired;
}

/** Every rule id a detector exists for. */
export const DETECTED_RULES: readonly DetectorId[] = [...(Object.keys(EXPECTED_RULES) as RuleId[]), 'password-guessing-per-account'];
