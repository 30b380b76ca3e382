// Puts it together: the benign background of every source over a range, the scenarios injected
// at their times, and the manifest that says what was injected and what should fire.
import { authBackground } from './auth.ts';
import { cloudTrailBackground } from './cloudtrail.ts';
import { falcoBackground } from './falco.ts';
import { indexName, indexPattern } from './indices.ts';
import { k8sBackground } from './k8s-audit.ts';
import { proxyBackground } from './proxy.ts';
import { Random } from './random.ts';
import {
  BACKGROUND_INVARIANTS,
  defaultTimes,
  injectScenario,
  scenarioByName,
  SCENARIOS,
  type InjectedScenario,
  type Invariant,
  type RuleExpectation,
} from './scenarios.ts';
import { iso, SOURCES, type GeneratedEvent, type Silence, type SourceName, type TimeRange } from './types.ts';

export interface ScenarioRequest {
  name: string;
  /** When it starts; default: spread over the later part of the range (defaultTimes). */
  atMs?: number;
}

export interface GenerateOptions {
  range: TimeRange;
  /** Same seed, range, rate and scenarios: the same events, byte for byte. */
  seed: string | number;
  /** Scales the volume of the high-volume background (see each source); default 1. */
  rate?: number;
  /** 'all' (the default) or a list of names, each optionally with a start time. */
  scenarios?: 'all' | readonly (string | ScenarioRequest)[];
  /** No scenarios at all: only the background. */
  benignOnly?: boolean;
  /** Prepended to every index name (tests load side by side). */
  prefix?: string;
}

export interface EventCounts {
  total: number;
  bySource: Record<SourceName, number>;
  byIndex: Record<string, number>;
}

export interface ManifestScenario {
  scenario: string;
  source: SourceName;
  description: string;
  at: string;
  end: string;
  index: string;
  events: number;
  expect: readonly RuleExpectation[];
  alsoMayFire: readonly RuleExpectation[];
}

/** What was generated: printed by `generate-logs --json`, read by the rule pack's end-to-end test. */
export interface Manifest {
  seed: string;
  from: string;
  to: string;
  rate: number;
  benignOnly: boolean;
  indices: Record<SourceName, string>;
  counts?: EventCounts;
  scenarios: ManifestScenario[];
  invariants: readonly Invariant[];
}

export interface Generation {
  range: TimeRange;
  seed: string;
  rate: number;
  prefix: string;
  benignOnly: boolean;
  scenarios: InjectedScenario[];
  silences: Silence[];
  /** Every event, one source after the other, each mostly in time order. A new pass each call. */
  events(): Generator<GeneratedEvent>;
  manifest(counts?: EventCounts): Manifest;
}

/** A source's background over the range, without what the silences omit. */
export function* backgroundEvents(
  source: SourceName,
  range: TimeRange,
  seed: string | number,
  rate = 1,
  silences: readonly Silence[] = [],
): Generator<GeneratedEvent> {
  const rng = new Random(`${seed}/background/${source}`);
  const stream: Generator<GeneratedEvent> =
    source === 'k8s-audit'
      ? k8sBackground(range, rng, rate)
      : source === 'auth'
        ? authBackground(range, rng)
        : source === 'cloudtrail'
          ? cloudTrailBackground(range, rng, rate)
          : source === 'falco'
            ? falcoBackground(range, rng)
            : proxyBackground(range, rng, rate);
  const mine = silences.filter((s) => s.source === source);
  for (const event of stream) {
    if (mine.length > 0 && (event.source === 'auth' || event.source === 'proxy' || event.source === 'falco')) {
      const host = event.source === 'falco' ? event.doc.hostname : event.doc.host.name;
      if (mine.some((s) => s.host === host && event.ts >= s.fromMs && event.ts < s.toMs)) continue;
    }
    yield event;
  }
}

export function generate(options: GenerateOptions): Generation {
  const { range } = options;
  if (!(range.toMs > range.fromMs)) throw new Error('the range is empty: --from must be before --to');
  const rate = options.rate ?? 1;
  if (!(rate > 0 && rate <= 100)) throw new Error(`rate must be in (0, 100], got ${rate}`);
  const seed = String(options.seed);
  const prefix = options.prefix ?? '';
  const benignOnly = options.benignOnly ?? false;

  const requested: ScenarioRequest[] = benignOnly
    ? []
    : options.scenarios === undefined || options.scenarios === 'all'
      ? SCENARIOS.map((s) => ({ name: s.name }))
      : options.scenarios.map((r) => (typeof r === 'string' ? { name: r } : r));
  const seen = new Set<string>();
  for (const r of requested) {
    scenarioByName(r.name);
    if (seen.has(r.name)) throw new Error(`scenario ${r.name} requested twice`);
    seen.add(r.name);
  }
  const needDefaults = requested.filter((r) => r.atMs === undefined).map((r) => scenarioByName(r.name));
  const defaults = needDefaults.length > 0 ? defaultTimes(range, needDefaults) : new Map<string, number>();
  const scenarios = requested
    .map((r) => injectScenario(r.name, r.atMs ?? defaults.get(r.name) ?? range.fromMs, range, seed, prefix))
    .sort((a, b) => a.atMs - b.atMs);
  for (const s of scenarios) {
    const outside = s.events.find((e) => e.ts < range.fromMs || e.ts >= range.toMs);
    if (outside) throw new Error(`scenario ${s.name} has an event at ${iso(outside.ts)}, outside the range`);
  }
  const silences = scenarios.flatMap((s) => s.silences);

  function* events(): Generator<GeneratedEvent> {
    for (const source of SOURCES) {
      const injected = scenarios.flatMap((s) => s.events.filter((e) => e.source === source)).sort((a, b) => a.ts - b.ts);
      let next = 0;
      for (const event of backgroundEvents(source, range, seed, rate, silences)) {
        while (next < injected.length && (injected[next]?.ts ?? Infinity) <= event.ts) yield injected[next++] as GeneratedEvent;
        yield event;
      }
      while (next < injected.length) yield injected[next++] as GeneratedEvent;
    }
  }

  const manifest = (counts?: EventCounts): Manifest => ({
    seed,
    from: iso(range.fromMs),
    to: iso(range.toMs),
    rate,
    benignOnly,
    indices: Object.fromEntries(SOURCES.map((s) => [s, indexPattern(s, prefix)])) as Record<SourceName, string>,
    ...(counts ? { counts } : {}),
    scenarios: scenarios.map((s) => ({
      scenario: s.name,
      source: s.source,
      description: s.description,
      at: iso(s.atMs),
      end: iso(s.endMs),
      index: s.index,
      events: s.events.length,
      expect: s.expect,
      alsoMayFire: s.alsoMayFire,
    })),
    invariants: BACKGROUND_INVARIANTS,
  });

  return { range, seed, rate, prefix, benignOnly, scenarios, silences, events, manifest };
}

/** Counts per source and per index, for a summary or to compare with what Elasticsearch holds. */
export class EventCounter {
  readonly counts: EventCounts = { total: 0, bySource: { 'k8s-audit': 0, auth: 0, cloudtrail: 0, proxy: 0, falco: 0 }, byIndex: {} };
  readonly #prefix: string;
  constructor(prefix = '') {
    this.#prefix = prefix;
  }
  add(event: GeneratedEvent): string {
    const index = indexName(event.source, event.ts, this.#prefix);
    this.counts.total++;
    this.counts.bySource[event.source]++;
    this.counts.byIndex[index] = (this.counts.byIndex[index] ?? 0) + 1;
    return index;
  }
}

export function countEvents(events: Iterable<GeneratedEvent>, prefix = ''): EventCounts {
  const counter = new EventCounter(prefix);
  for (const e of events) counter.add(e);
  return counter.counts;
}
