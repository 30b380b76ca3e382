// The outbound web proxy's access log in ECS, as an Elastic Agent integration writes it to the
// logs-proxy-default data stream. One document per request or CONNECT tunnel. host.name is the
// client machine (the proxy resolves it from the source address); source.bytes is what the client
// sent upstream, i.e. bytes out, and destination.bytes what came back.
import { runActors, type Actor } from './actors.ts';
import type { Random } from './random.ts';
import { iso, MIN, SEC, type EventOf, type TimeRange } from './types.ts';

export type ProxyEvent = EventOf<'proxy'>;

export interface ProxyDoc {
  '@timestamp': string;
  data_stream: { type: 'logs'; dataset: 'proxy'; namespace: 'default' };
  event: {
    kind: 'event';
    category: string[];
    type: string[];
    dataset: 'proxy';
    action: string;
    outcome: 'success' | 'failure';
    duration: number;
  };
  observer: { name: string; type: 'proxy'; vendor: string };
  host: { name: string };
  source: { ip: string; bytes: number };
  destination: { domain: string; port: number; bytes: number };
  url: { domain: string; original: string; scheme: 'http' | 'https'; path?: string };
  http: { request: { method: string; bytes: number }; response: { status_code: number; bytes: number } };
  network: { bytes: number; transport: 'tcp'; protocol: 'http' };
  user?: { name: string };
  user_agent: { original: string };
}

export interface ProxyHost {
  name: string;
  ip: string;
  user?: string;
  userAgent: string;
  /** Workstations browse and upload now and then; build servers download packages. */
  kind: 'workstation' | 'build';
}

const PEOPLE = [
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
];
const BROWSERS = [
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36',
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0.0.0 Safari/537.36 Edg/126.0.0.0',
  'Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.5 Safari/605.1.15',
  'Mozilla/5.0 (X11; Linux x86_64; rv:127.0) Gecko/20100101 Firefox/127.0',
];

/** The fewest workstations whatever the rate, so that the exfiltration scenario's host exists. */
export const MIN_WORKSTATIONS = 20;
export const EXFIL_HOST = 'ws-014';

/** Workstations ws-001… (40 at rate 1, scaled, at least MIN_WORKSTATIONS) and two build servers. */
export function proxyHosts(rate: number): ProxyHost[] {
  const count = Math.max(MIN_WORKSTATIONS, Math.round(40 * rate));
  const hosts: ProxyHost[] = [];
  for (let i = 1; i <= count; i++) {
    const person = PEOPLE[(i - 1) % PEOPLE.length] ?? 'user';
    hosts.push({
      name: `ws-${String(i).padStart(3, '0')}`,
      ip: `10.30.${Math.floor(i / 250)}.${(i % 250) + 2}`,
      user: i <= PEOPLE.length ? person : `${person}${Math.ceil(i / PEOPLE.length)}`,
      userAgent: BROWSERS[i % BROWSERS.length] ?? 'Mozilla/5.0',
      kind: 'workstation',
    });
  }
  hosts.push({ name: 'build-01', ip: '10.0.5.21', userAgent: 'curl/8.5.0', kind: 'build' });
  hosts.push({ name: 'build-02', ip: '10.0.5.22', userAgent: 'Debian APT-HTTP/1.3 (2.6.1)', kind: 'build' });
  return hosts;
}

/** Where workstations go, by weight; every name is under the documentation domains. */
const BROWSING: readonly (readonly [string, number])[] = [
  ['mail.example.com', 8],
  ['chat.example.net', 8],
  ['docs.example.org', 6],
  ['git.example.com', 5],
  ['cdn.example.net', 10],
  ['login.example.com', 3],
  ['calendar.example.com', 3],
  ['news.example.org', 2],
  ['search.example.net', 4],
  ['files.example.org', 2],
];
export const TELEMETRY_DOMAIN = 'telemetry.example.com';
export const EXFIL_DOMAIN = 'transfer.example.net';

export interface ProxyRequest {
  host: ProxyHost;
  domain: string;
  method: 'CONNECT' | 'GET' | 'POST' | 'PUT';
  bytesOut: number;
  bytesIn: number;
  status?: number;
  path?: string;
  userAgent?: string;
}

export function proxyEvent(rng: Random, ts: number, req: ProxyRequest): ProxyEvent {
  const status = req.status ?? 200;
  const tunnel = req.method === 'CONNECT';
  const scheme = tunnel ? 'https' : 'http';
  const original = tunnel ? `${req.domain}:443` : `http://${req.domain}${req.path ?? '/'}`;
  const denied = status === 403;
  // A tunnel's duration grows with what it carries; plain requests are short.
  const durationMs = Math.round(rng.logNormal(tunnel ? 900 : 120, 0.9) + (req.bytesOut + req.bytesIn) / 2500);
  const doc: ProxyDoc = {
    '@timestamp': iso(ts),
    data_stream: { type: 'logs', dataset: 'proxy', namespace: 'default' },
    event: {
      kind: 'event',
      category: ['network', 'web'],
      type: denied ? ['connection', 'denied'] : ['connection', 'allowed'],
      dataset: 'proxy',
      action: denied ? 'TCP_DENIED' : tunnel ? 'TCP_TUNNEL' : 'TCP_MISS',
      outcome: status < 400 ? 'success' : 'failure',
      duration: durationMs * 1_000_000,
    },
    observer: { name: 'proxy-01', type: 'proxy', vendor: 'Squid' },
    host: { name: req.host.name },
    source: { ip: req.host.ip, bytes: req.bytesOut },
    destination: { domain: req.domain, port: tunnel ? 443 : 80, bytes: req.bytesIn },
    url: { domain: req.domain, original, scheme, ...(tunnel ? {} : { path: req.path ?? '/' }) },
    http: { request: { method: req.method, bytes: req.bytesOut }, response: { status_code: status, bytes: req.bytesIn } },
    network: { bytes: req.bytesOut + req.bytesIn, transport: 'tcp', protocol: 'http' },
    ...(req.host.user ? { user: { name: req.host.user } } : {}),
    user_agent: { original: req.userAgent ?? req.host.userAgent },
  };
  return { source: 'proxy', ts, doc };
}

/** Caps that keep a host's bytes out bounded: the largest normal upload is 8 MB. */
export const MAX_NORMAL_UPLOAD_BYTES = 8 * 1024 * 1024;

function browse(rng: Random, ts: number, host: ProxyHost): ProxyEvent[] {
  const domain = rng.weighted(BROWSING);
  // Uploads (attachments, shared files) are rare; everything else sends little and receives more.
  const upload = (domain === 'files.example.org' || domain === 'mail.example.com') && rng.chance(0.05);
  const bytesOut = Math.round(
    upload ? Math.min(MAX_NORMAL_UPLOAD_BYTES, rng.logNormal(600_000, 1.0)) : Math.min(200_000, rng.logNormal(2_500, 0.9)),
  );
  const bytesIn = Math.round(Math.min(40_000_000, rng.logNormal(45_000, 1.4)));
  const status = domain === 'news.example.org' && rng.chance(0.1) ? 403 : 200;
  return [proxyEvent(rng, ts, { host, domain, method: 'CONNECT', bytesOut, bytesIn: status === 403 ? 0 : bytesIn, status })];
}

function fetchPackages(rng: Random, ts: number, host: ProxyHost): ProxyEvent[] {
  const domain = rng.pick(['packages.example.org', 'registry.example.net', 'mirror.example.com']);
  const plain = domain === 'mirror.example.com';
  return [
    proxyEvent(rng, ts, {
      host,
      domain,
      method: plain ? 'GET' : 'CONNECT',
      ...(plain ? { path: `/debian/pool/main/${rng.hex(2)}/${rng.hex(8)}.deb` } : {}),
      bytesOut: Math.round(Math.min(20_000, rng.logNormal(1_200, 0.6))),
      bytesIn: Math.round(Math.min(300_000_000, rng.logNormal(2_000_000, 1.5))),
    }),
  ];
}

/**
 * Normal proxy traffic: every host browses (workstations) or fetches packages (build servers)
 * at a fixed rate each, and checks in with telemetry every three minutes, so no host looks
 * silent. `rate` scales the number of workstations, not any one host's traffic.
 */
export function proxyActors(rate: number): Actor<ProxyEvent>[] {
  const actors: Actor<ProxyEvent>[] = [];
  proxyHosts(rate).forEach((host, i) => {
    actors.push({
      timing: { kind: 'poisson', perSec: host.kind === 'build' ? 1 / 10 : 1 / 20 },
      emit: (r, t) => (host.kind === 'build' ? fetchPackages(r, t, host) : browse(r, t, host)),
    });
    actors.push({
      timing: { kind: 'every', periodMs: 3 * MIN, phaseMs: (i * 7919) % (3 * MIN), jitterMs: 10 * SEC },
      emit: (r, t) => [
        proxyEvent(r, t, { host, domain: TELEMETRY_DOMAIN, method: 'CONNECT', bytesOut: r.int(900, 1600), bytesIn: r.int(400, 900) }),
      ],
    });
  });
  return actors;
}

export function proxyBackground(range: TimeRange, rng: Random, rate: number): Generator<ProxyEvent> {
  return runActors(proxyActors(rate), range, rng.fork('events'));
}
