// Linux authentication logs (/var/log/auth.log) as the Filebeat system module ships them: ECS
// fields from its ingest pipeline (event.category authentication, event.action ssh_login,
// event.outcome, user.name, source.ip, host.name, process.name sshd/sudo/CRON) plus the module's
// own system.auth.ssh.* and system.auth.sudo.* fields, and the original line as message.
import { runActors, warmupTimes, type Actor } from './actors.ts';
import type { Random } from './random.ts';
import { iso, MIN, SEC, type EventOf, type TimeRange } from './types.ts';

export type AuthEvent = EventOf<'auth'>;

export interface AuthDoc {
  '@timestamp': string;
  message: string;
  event: {
    kind: 'event';
    module: 'system';
    dataset: 'system.auth';
    category: string[];
    type: string[];
    action?: string;
    outcome?: 'success' | 'failure';
  };
  host: { name: string; hostname: string; ip: string[] };
  process: { name: string; pid: number };
  user?: { name: string; id?: string; effective?: { name: string } };
  group?: { id: string; name?: string };
  source?: { ip: string; port: number; address: string };
  related: { user: string[]; ip?: string[] };
  system?: {
    auth: {
      ssh?: { event: 'Accepted' | 'Failed' | 'Invalid'; method?: 'password' | 'publickey'; signature?: string };
      sudo?: { tty: string; pwd: string; user: string; command: string; error?: string };
      useradd?: { home: string; shell: string };
    };
  };
  log: { file: { path: string } };
  agent: { type: 'filebeat'; version: string };
  ecs: { version: string };
}

export interface AuthHost {
  name: string;
  ip: string;
  /** The account its crontab runs as: every host logs a cron session every two minutes. */
  cronUser: string;
  cronUid: number;
}

/** The servers whose auth log is shipped. bastion-01 faces the internet; the others are reached through it. */
export const AUTH_HOSTS: readonly AuthHost[] = [
  { name: 'bastion-01', ip: '10.20.1.10', cronUser: 'backup', cronUid: 34 },
  { name: 'web-01', ip: '10.20.1.21', cronUser: 'www-data', cronUid: 33 },
  { name: 'web-02', ip: '10.20.1.22', cronUser: 'www-data', cronUid: 33 },
  { name: 'web-03', ip: '10.20.1.23', cronUser: 'www-data', cronUid: 33 },
  { name: 'app-01', ip: '10.20.1.31', cronUser: 'app', cronUid: 1500 },
  { name: 'app-02', ip: '10.20.1.32', cronUser: 'app', cronUid: 1500 },
  { name: 'db-01', ip: '10.20.1.41', cronUser: 'postgres', cronUid: 116 },
  { name: 'db-02', ip: '10.20.1.42', cronUser: 'postgres', cronUid: 116 },
];
export const BASTION = 'bastion-01';
export const CRON_PERIOD_MS = 2 * MIN;

export interface Admin {
  name: string;
  uid: number;
  /** Every address the admin ever logs in from (home, office, VPN); all appear in the warm-up. */
  ips: readonly string[];
  /** Whether the admin ever runs sudo to root. */
  sudoRoot: boolean;
}

export const ADMINS: readonly Admin[] = [
  { name: 'alice', uid: 1001, ips: ['198.51.100.10', '10.8.0.11'], sudoRoot: true },
  { name: 'bob', uid: 1002, ips: ['198.51.100.23', '10.8.0.12'], sudoRoot: true },
  { name: 'carol', uid: 1003, ips: ['198.51.100.41'], sudoRoot: false },
  { name: 'dave', uid: 1004, ips: ['10.8.0.14'], sudoRoot: true },
  { name: 'erin', uid: 1005, ips: ['10.8.0.15'], sudoRoot: false },
  { name: 'frank', uid: 1006, ips: ['198.51.100.52', '10.8.0.16'], sudoRoot: false },
];
export const DEPLOY_USER = 'deploy';
export const CI_IP = '10.0.5.20';

/** Users that internet scanners try against the bastion; root and admin are never among them. */
export const SCANNER_USERS = ['test', 'oracle', 'pi', 'guest', 'ftpuser', 'postgres', 'user', 'support', 'hadoop', 'minecraft'] as const;

/** Addresses the scenarios use; background scanners never pick these. */
export const RESERVED_ATTACKER_IPS = new Set([
  '203.0.113.50',
  '203.0.113.23',
  '198.51.100.77',
  '203.0.113.99',
  '203.0.113.200',
  '203.0.113.77',
  '203.0.113.201',
]);

export function hostByName(name: string): AuthHost {
  const host = AUTH_HOSTS.find((h) => h.name === name);
  if (!host) throw new Error(`unknown auth host ${name}`);
  return host;
}

function base(rng: Random, ts: number, host: AuthHost, processName: string, message: string): AuthDoc {
  const pid = rng.int(1000, 65000);
  return {
    '@timestamp': iso(ts),
    message,
    event: { kind: 'event', module: 'system', dataset: 'system.auth', category: [], type: [] },
    host: { name: host.name, hostname: host.name, ip: [host.ip] },
    process: { name: processName, pid },
    related: { user: [] },
    log: { file: { path: '/var/log/auth.log' } },
    agent: { type: 'filebeat', version: '8.14.3' },
    ecs: { version: '8.0.0' },
  };
}

/** sshd accepted a login. */
export function sshAccepted(
  rng: Random,
  ts: number,
  host: AuthHost,
  user: string,
  ip: string,
  method: 'publickey' | 'password' = 'publickey',
): AuthEvent {
  const port = rng.int(32768, 60999);
  const signature =
    method === 'publickey' ? `ED25519 SHA256:${rng.upperAlnum(8)}${rng.hex(12)}${rng.upperAlnum(12)}${rng.hex(11)}` : undefined;
  const doc = base(
    rng,
    ts,
    host,
    'sshd',
    `Accepted ${method} for ${user} from ${ip} port ${port} ssh2${signature ? `: ${signature}` : ''}`,
  );
  doc.event = { ...doc.event, category: ['authentication', 'session'], type: ['info', 'start'], action: 'ssh_login', outcome: 'success' };
  doc.user = { name: user };
  doc.source = { ip, port, address: ip };
  doc.related = { user: [user], ip: [ip] };
  doc.system = { auth: { ssh: { event: 'Accepted', method, ...(signature ? { signature } : {}) } } };
  return { source: 'auth', ts, doc };
}

/** sshd refused a login: a wrong password for an account, or an account that does not exist. */
export function sshFailed(rng: Random, ts: number, host: AuthHost, user: string, ip: string, invalidUser: boolean): AuthEvent {
  const port = rng.int(32768, 60999);
  const message = invalidUser ? `Invalid user ${user} from ${ip} port ${port}` : `Failed password for ${user} from ${ip} port ${port} ssh2`;
  const doc = base(rng, ts, host, 'sshd', message);
  doc.event = { ...doc.event, category: ['authentication'], type: ['info'], action: 'ssh_login', outcome: 'failure' };
  doc.user = { name: user };
  doc.source = { ip, port, address: ip };
  doc.related = { user: [user], ip: [ip] };
  doc.system = { auth: { ssh: invalidUser ? { event: 'Invalid' } : { event: 'Failed', method: 'password' } } };
  return { source: 'auth', ts, doc };
}

/** sudo ran a command as `target`. */
export function sudo(rng: Random, ts: number, host: AuthHost, user: string, target: string, command: string): AuthEvent {
  const tty = `pts/${rng.int(0, 4)}`;
  const pwd = `/home/${user}`;
  const doc = base(rng, ts, host, 'sudo', `${user} : TTY=${tty} ; PWD=${pwd} ; USER=${target} ; COMMAND=${command}`);
  doc.event = { ...doc.event, category: ['process'], type: ['start'] };
  doc.user = { name: user, effective: { name: target } };
  doc.related = { user: [user, target] };
  doc.system = { auth: { sudo: { tty, pwd, user: target, command } } };
  return { source: 'auth', ts, doc };
}

/** sudo refused `user` (not in sudoers): the pipeline keeps the reason, and no effective user. */
export function sudoRefused(rng: Random, ts: number, host: AuthHost, user: string, target: string, command: string): AuthEvent {
  const tty = `pts/${rng.int(0, 4)}`;
  const pwd = `/home/${user}`;
  const doc = base(rng, ts, host, 'sudo', `${user} : user NOT in sudoers ; TTY=${tty} ; PWD=${pwd} ; USER=${target} ; COMMAND=${command}`);
  doc.event = { ...doc.event, category: ['process'], type: ['start'] };
  doc.user = { name: user };
  doc.related = { user: [user, target] };
  doc.system = { auth: { sudo: { tty, pwd, user: target, command, error: 'user NOT in sudoers' } } };
  return { source: 'auth', ts, doc };
}

/** useradd's "new user" line. */
export function useradd(rng: Random, ts: number, host: AuthHost, name: string, uid: number): AuthEvent {
  const doc = base(
    rng,
    ts,
    host,
    'useradd',
    `new user: name=${name}, UID=${uid}, GID=${uid}, home=/home/${name}, shell=/bin/bash, from=/dev/pts/1`,
  );
  doc.event = { ...doc.event, category: ['iam'], type: ['user', 'creation'] };
  doc.user = { name, id: String(uid) };
  doc.group = { id: String(uid) };
  doc.related = { user: [name] };
  doc.system = { auth: { useradd: { home: `/home/${name}`, shell: '/bin/bash' } } };
  return { source: 'auth', ts, doc };
}

/** A cron job's PAM session opening and closing. */
export function cronSession(rng: Random, ts: number, host: AuthHost): AuthEvent[] {
  const pid = rng.int(1000, 65000);
  const make = (t: number, what: 'opened' | 'closed'): AuthEvent => {
    const doc = base(
      rng,
      t,
      host,
      'CRON',
      `pam_unix(cron:session): session ${what} for user ${host.cronUser}${what === 'opened' ? `(uid=${host.cronUid}) by (uid=0)` : ''}`,
    );
    doc.process.pid = pid;
    doc.event = { ...doc.event, category: ['session'], type: [what === 'opened' ? 'start' : 'end'] };
    doc.user = { name: host.cronUser, id: String(host.cronUid) };
    doc.related = { user: [host.cronUser] };
    return { source: 'auth', ts: t, doc };
  };
  return [make(ts, 'opened'), make(ts + rng.int(200, 2500), 'closed')];
}

const ADMIN_COMMANDS = [
  '/usr/bin/systemctl restart nginx',
  '/usr/bin/journalctl -u app --since today',
  '/usr/bin/apt-get update',
  '/usr/bin/tail -n 200 /var/log/syslog',
  '/usr/bin/systemctl status postgresql',
];
const INTERNAL_HOSTS = AUTH_HOSTS.filter((h) => h.name !== BASTION);

/** An admin's working session: onto the bastion, then on to one or two servers, maybe sudo. */
function adminSession(rng: Random, ts: number, admin: Admin, fromIp: string, hop: boolean): AuthEvent[] {
  const bastion = hostByName(BASTION);
  const out: AuthEvent[] = [];
  let t = ts;
  // A mistyped password now and then: one failure, then the key works.
  if (rng.chance(0.08)) {
    out.push(sshFailed(rng, t, bastion, admin.name, fromIp, false));
    t += rng.int(5 * SEC, 40 * SEC);
  }
  out.push(sshAccepted(rng, t, bastion, admin.name, fromIp));
  if (!hop) return out;
  for (let i = rng.int(1, 2); i > 0; i--) {
    t += rng.int(20 * SEC, 4 * MIN);
    const target = rng.pick(INTERNAL_HOSTS);
    out.push(sshAccepted(rng, t, target, admin.name, bastion.ip));
    if (admin.sudoRoot && rng.chance(0.5))
      out.push(sudo(rng, t + rng.int(10 * SEC, 2 * MIN), target, admin.name, 'root', rng.pick(ADMIN_COMMANDS)));
  }
  return out;
}

function deployRun(rng: Random, ts: number): AuthEvent[] {
  const target = rng.pick(INTERNAL_HOSTS.filter((h) => h.name.startsWith('web') || h.name.startsWith('app')));
  return [
    sshAccepted(rng, ts, target, DEPLOY_USER, CI_IP),
    sudo(rng, ts + rng.int(2 * SEC, 8 * SEC), target, DEPLOY_USER, target.cronUser, '/usr/local/bin/deploy-release'),
  ];
}

/** A scanner from the internet tries one or two made-up accounts on the bastion. */
function scannerProbe(rng: Random, ts: number): AuthEvent[] {
  let ip: string;
  do ip = `203.0.113.${rng.int(1, 254)}`;
  while (RESERVED_ATTACKER_IPS.has(ip));
  const bastion = hostByName(BASTION);
  const users = rng.sample(SCANNER_USERS, rng.chance(0.7) ? 1 : 2);
  return users.map((u, i) => sshFailed(rng, ts + i * rng.int(1 * SEC, 6 * SEC), bastion, u, ip, true));
}

/**
 * The servers' normal auth logs. Not scaled by rate: their invariants (failures per address,
 * sudo users, login addresses) are per person and per host, and the volume is small anyway.
 */
export function authActors(range: TimeRange, rng: Random): Actor<AuthEvent>[] {
  const actors: Actor<AuthEvent>[] = [];
  for (const host of AUTH_HOSTS) {
    actors.push({
      timing: { kind: 'every', periodMs: CRON_PERIOD_MS, phaseMs: 0, jitterMs: 1500 },
      emit: (r, t) => cronSession(r, t, host),
    });
  }
  for (const admin of ADMINS) {
    actors.push({ timing: { kind: 'poisson', perSec: 1 / 3600 }, emit: (r, t) => adminSession(r, t, admin, r.pick(admin.ips), true) });
    // Warm-up: every address of every admin, and a hop (and sudo for those who do) early on.
    const times = warmupTimes(rng, range, admin.ips.length + 1);
    admin.ips.forEach((ip, i) =>
      actors.push({ timing: { kind: 'at', times: [times[i] ?? range.fromMs] }, emit: (r, t) => adminSession(r, t, admin, ip, false) }),
    );
    actors.push({
      timing: { kind: 'at', times: [times[admin.ips.length] ?? range.fromMs] },
      emit: (r, t) => {
        const target = r.pick(INTERNAL_HOSTS);
        const out = [sshAccepted(r, t, target, admin.name, hostByName(BASTION).ip)];
        if (admin.sudoRoot) out.push(sudo(r, t + 30 * SEC, target, admin.name, 'root', r.pick(ADMIN_COMMANDS)));
        return out;
      },
    });
  }
  actors.push({ timing: { kind: 'poisson', perSec: 1 / 1200 }, emit: deployRun });
  actors.push({ timing: { kind: 'at', times: warmupTimes(rng, range, 1) }, emit: deployRun });
  actors.push({ timing: { kind: 'poisson', perSec: 1 / 400 }, emit: scannerProbe });
  return actors;
}

export function authBackground(range: TimeRange, rng: Random): Generator<AuthEvent> {
  return runActors(authActors(range, rng.fork('actors')), range, rng.fork('events'));
}
