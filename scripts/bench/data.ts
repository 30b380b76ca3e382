// The benchmark's data: authentication-like events from 20 hosts and 200 users over one hour (the
// window both tools make a pass over) and the hour before it (history: spike's reference windows,
// new_term's known values), with one planted anomaly for each rule type to find.
import type { estypes } from '@elastic/elasticsearch';
import type { EsHandle } from '../../src/es/client.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;

export interface Scale {
  /** Events in the window (the hour both tools pass over). */
  events: number;
  /** Events in the hour before it. */
  history: number;
  rules: number;
}

export const PRESETS: Readonly<Record<'small' | 'full', Scale>> = {
  small: { events: 50_000, history: 12_500, rules: 24 },
  full: { events: 1_000_000, history: 250_000, rules: 200 },
};

export interface Window {
  startMs: number;
  endMs: number;
}

/** A deterministic pseudo-random generator (mulberry32), so every run indexes the same data. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const HOSTS = 20;
const USERS = 200;
const COUNTRIES = ['FR', 'DE', 'US', 'GB', 'ES', 'IT', 'NL', 'SE'];
const PROCESSES: readonly (readonly [string, number])[] = [
  ['bash', 40],
  ['sshd', 25],
  ['cron', 15],
  ['systemd', 10],
  ['nginx', 10],
];
const ACTIONS: readonly (readonly [string, number])[] = [
  ['login', 50],
  ['download', 20],
  ['logout', 20],
  ['sudo', 10],
];
/** Share of events that are downloads, for spike thresholds. */
export const DOWNLOAD_SHARE = 0.2;

function weighted(r: number, table: readonly (readonly [string, number])[]): string {
  const total = table.reduce((s, [, w]) => s + w, 0);
  let x = r * total;
  for (const [v, w] of table) {
    x -= w;
    if (x < 0) return v;
  }
  return table[0]?.[0] ?? '';
}

export type Doc = Record<string, unknown>;
export const dcOf = (host: number): string => `dc${host % 4}`;

/**
 * The planted anomalies, in minutes from the window start, each for one rule type:
 * a brute force (frequency), rare processes (any, blacklist, whitelist, new_term), users moving
 * country (change), a download surge (spike), a host going quiet (flatline), a password spray
 * (cardinality), a slow host (metric_aggregation), a failing host (percentage_match) and an
 * upload surge in bytes (spike_aggregation).
 */
export const PLANTED = {
  bruteForce: { host: 5, ip: '10.99.0.1', user: 'admin', fromMin: 20, count: 60, everyMs: 3000 },
  rareProcesses: [
    { host: 2, name: 'nc', atMin: 10 },
    { host: 9, name: 'socat', atMin: 33 },
    { host: 14, name: 'ncat', atMin: 47 },
  ],
  movers: [
    { user: 7, country: 'KP', fromMin: 15 },
    { user: 42, country: 'BR', fromMin: 38 },
  ],
  downloadSurge: { host: 11, fromMin: 40, toMin: 50, factor: 4 },
  quietHost: { host: 19, fromMin: 40 },
  spray: { user: 'svc-backup', host: 6, fromMin: 25, ips: 30, everyMs: 6000 },
  slowHost: { host: 7, fromMin: 30, toMin: 40, tookMs: 1500 },
  failingHost: { host: 3, fromMin: 30, toMin: 40, errorShare: 0.6 },
  bytesSurge: { host: 14, fromMin: 35, toMin: 45, factor: 10 },
} as const;

const within = (min: number, p: { fromMin: number; toMin: number }): boolean => min >= p.fromMin && min < p.toMin;

function background(ts: number, random: () => number, window: Window): Doc | undefined {
  const host = Math.floor(random() * HOSTS);
  const user = Math.floor(random() * USERS);
  const min = (ts - window.startMs) / MIN;
  if (host === PLANTED.quietHost.host && min >= PLANTED.quietHost.fromMin) return undefined;
  const mover = PLANTED.movers.find((m) => m.user === user && min >= m.fromMin);
  const action = weighted(random(), ACTIONS);
  const failing = host === PLANTED.failingHost.host && within(min, PLANTED.failingHost);
  const slow = host === PLANTED.slowHost.host && within(min, PLANTED.slowHost);
  const surge = host === PLANTED.bytesSurge.host && within(min, PLANTED.bytesSurge) && action === 'download';
  return {
    '@timestamp': new Date(ts).toISOString(),
    event: { action, outcome: random() < 0.3 ? 'failure' : 'success' },
    host: { name: `host${host}`, dc: dcOf(host) },
    user: { name: `user${user}` },
    source: { ip: `10.${user % 50}.${Math.floor(user / 50)}.${1 + Math.floor(random() * 2)}` },
    geo: { country: mover ? mover.country : (COUNTRIES[user % COUNTRIES.length] as string) },
    process: { name: weighted(random(), PROCESSES) },
    http: { status: random() < (failing ? PLANTED.failingHost.errorShare : 0.05) ? 'error' : 'ok' },
    took_ms: slow ? PLANTED.slowHost.tookMs : 80 + Math.floor(random() * 120),
    bytes: (1000 + Math.floor(random() * 4000)) * (surge ? PLANTED.bytesSurge.factor : 1),
  };
}

function doc(ts: number, host: number, fields: Record<string, unknown>): Doc {
  return {
    '@timestamp': new Date(ts).toISOString(),
    event: { action: 'login', outcome: 'success' },
    host: { name: `host${host}`, dc: dcOf(host) },
    user: { name: 'user0' },
    source: { ip: '10.0.0.1' },
    geo: { country: 'FR' },
    process: { name: 'bash' },
    http: { status: 'ok' },
    took_ms: 100,
    bytes: 2000,
    ...fields,
  };
}

/** The planted events of the window. */
export function plantedEvents(window: Window, scale: Scale): Doc[] {
  const at = (min: number): number => window.startMs + min * MIN;
  const out: Doc[] = [];
  const b = PLANTED.bruteForce;
  for (let i = 0; i < b.count; i++)
    out.push(
      doc(at(b.fromMin) + i * b.everyMs, b.host, {
        event: { action: 'login', outcome: 'failure' },
        source: { ip: b.ip },
        user: { name: b.user },
      }),
    );
  for (const p of PLANTED.rareProcesses)
    for (let i = 0; i < 3; i++) out.push(doc(at(p.atMin) + i * 20_000 + 500, p.host, { process: { name: p.name } }));
  const s = PLANTED.spray;
  for (let i = 0; i < s.ips; i++)
    out.push(
      doc(at(s.fromMin) + i * s.everyMs + 250, s.host, {
        event: { action: 'login', outcome: 'failure' },
        user: { name: s.user },
        source: { ip: `10.200.0.${i + 1}` },
      }),
    );
  const d = PLANTED.downloadSurge;
  const extra = Math.round(normalDownloadsPerHost(scale, 10) * d.factor);
  const span = (d.toMin - d.fromMin) * MIN;
  for (let i = 0; i < extra; i++)
    out.push(doc(at(d.fromMin) + Math.floor((i * span) / extra) + 100, d.host, { event: { action: 'download', outcome: 'success' } }));
  return out;
}

/** Downloads one host logs in `minutes` of normal traffic. */
export function normalDownloadsPerHost(scale: Scale, minutes: number): number {
  return (scale.events * DOWNLOAD_SHARE * minutes) / (HOSTS * 60);
}

/** Every event, history first, in batches (so 1M events never sit in memory at once). */
export function* allEvents(window: Window, scale: Scale, batch = 10_000): Generator<Doc[]> {
  const random = rng(42);
  let out: Doc[] = [];
  const spans: [number, number, number][] = [
    [window.startMs - HOUR, window.startMs, scale.history],
    [window.startMs, window.endMs, scale.events],
  ];
  for (const [from, to, count] of spans) {
    for (let i = 0; i < count; i++) {
      const d = background(from + Math.floor(((to - from) * i) / count), random, window);
      if (d) out.push(d);
      if (out.length >= batch) {
        yield out;
        out = [];
      }
    }
  }
  out.push(...plantedEvents(window, scale));
  yield out;
}

export const MAPPINGS: estypes.MappingTypeMapping = {
  dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }],
  properties: { '@timestamp': { type: 'date' }, bytes: { type: 'long' }, took_ms: { type: 'long' } },
};

/**
 * Indexes the data unless an index of the same name already holds it (its _meta says which scale
 * and window): the data is deterministic, so reloading it between runs would only cost time.
 */
export async function ensureData(es: EsHandle, index: string, window: Window, scale: Scale, log: (m: string) => void): Promise<void> {
  const meta = { scale: `${scale.events}/${scale.history}`, start: new Date(window.startMs).toISOString(), version: 1 };
  if (await es.client.indices.exists({ index })) {
    const mapping = await es.client.indices.getMapping({ index });
    const have = mapping[index]?.mappings._meta ?? {};
    if (Object.entries(meta).every(([k, v]) => have[k] === v)) return log(`reusing ${index}`);
    await es.client.indices.delete({ index });
  }
  await es.client.indices.create({
    index,
    settings: { number_of_shards: 1, number_of_replicas: 0, refresh_interval: '-1' },
    mappings: { ...MAPPINGS, _meta: meta },
  });
  const started = performance.now();
  let done = 0;
  for (const docs of allEvents(window, scale)) {
    const res = await es.client.bulk({ index, operations: docs.flatMap((d) => [{ index: {} }, d]) });
    if (res.errors)
      throw new Error(`bulk load into ${index} failed: ${JSON.stringify(res.items.find((i) => i.index?.error)?.index?.error)}`);
    done += docs.length;
  }
  await es.client.indices.putSettings({ index, settings: { refresh_interval: '1s' } });
  await es.client.indices.refresh({ index });
  await es.client.indices.forcemerge({ index, max_num_segments: 1 });
  log(`indexed ${done} events into ${index} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
