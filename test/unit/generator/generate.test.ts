import { createHash } from 'node:crypto';
import { describe, expect, it } from '@jest/globals';
import { countEvents, generate } from '../../../src/generator/generate.ts';
import { indexName, indexPattern, indexTemplates, strftimeIndex } from '../../../src/generator/indices.ts';
import { SCENARIO_NAMES } from '../../../src/generator/scenarios.ts';
import { HOUR, MIN, SOURCES, type GeneratedEvent } from '../../../src/generator/types.ts';

const END = Date.parse('2026-03-02T01:00:00Z');
const range = (hours: number, end = END) => ({ fromMs: end - hours * HOUR, toMs: end });

function digest(events: Iterable<GeneratedEvent>): string {
  const hash = createHash('sha256');
  for (const e of events) hash.update(`${e.source} ${e.ts} ${JSON.stringify(e.doc)}\n`);
  return hash.digest('hex');
}

describe('generate', () => {
  it('is deterministic: the same seed gives the same events, another seed others', () => {
    const a = generate({ range: range(1), seed: 42 });
    const b = generate({ range: range(1), seed: 42 });
    expect(digest(a.events())).toBe(digest(b.events()));
    // A second pass over the same generation gives the same events again.
    expect(digest(a.events())).toBe(digest(b.events()));
    expect(JSON.stringify(a.manifest())).toBe(JSON.stringify(b.manifest()));
    expect(digest(generate({ range: range(1), seed: 43 }).events())).not.toBe(digest(a.events()));
  });

  it('keeps every event inside the range, each @timestamp matching its time', () => {
    const r = range(1.5);
    const g = generate({ range: r, seed: 'range' });
    const all = [...g.events()];
    expect(all.length).toBeGreaterThan(25_000);
    // One assertion over all events: jest's expect is too slow to call per event.
    expect(all.filter((e) => !(e.ts >= r.fromMs && e.ts < r.toMs) || Date.parse(e.doc['@timestamp']) !== e.ts)).toEqual([]);
  });

  it('produces every source at roughly the documented volume, scaled by rate', () => {
    // About 21,000 events an hour at rate 1.
    const one = countEvents(generate({ range: range(1), seed: 1, benignOnly: true }).events());
    const three = countEvents(generate({ range: range(1), seed: 1, benignOnly: true, rate: 3 }).events());
    for (const s of SOURCES) expect(one.bySource[s]).toBeGreaterThan(400);
    expect(one.total).toBeGreaterThan(15_000);
    expect(one.total).toBeLessThan(30_000);
    expect(three.total).toBeGreaterThan(2.2 * one.total);
    // The auth logs are per person and host, not scaled.
    expect(Math.abs(three.bySource.auth - one.bySource.auth)).toBeLessThan(one.bySource.auth * 0.2);
  });

  it('writes daily indices by UTC day and the proxy log to one index', () => {
    const counts = countEvents(generate({ range: range(1, Date.parse('2026-03-02T00:30:00Z')), seed: 5 }).events());
    expect(Object.keys(counts.byIndex).sort()).toEqual([
      'cloudtrail-2026.03.01',
      'cloudtrail-2026.03.02',
      'falco-2026.03.01',
      'falco-2026.03.02',
      'logs-proxy-default',
      'logstash-auth-2026.03.01',
      'logstash-auth-2026.03.02',
      'logstash-k8s-audit-2026.03.01',
      'logstash-k8s-audit-2026.03.02',
    ]);
    expect(Object.values(counts.byIndex).reduce((a, b) => a + b, 0)).toBe(counts.total);
  });

  it('names indices and patterns in one place, with an optional prefix', () => {
    const t = Date.parse('2026-12-31T23:59:59.999Z');
    expect(indexName('k8s-audit', t)).toBe('logstash-k8s-audit-2026.12.31');
    expect(indexName('auth', t + 1)).toBe('logstash-auth-2027.01.01');
    expect(indexName('cloudtrail', t)).toBe('cloudtrail-2026.12.31');
    expect(indexName('proxy', t)).toBe('logs-proxy-default');
    expect(indexName('auth', t, 'test-1-')).toBe('test-1-logstash-auth-2026.12.31');
    expect(indexPattern('auth')).toBe('logstash-auth-*');
    expect(indexPattern('proxy')).toBe('logs-proxy-default');
    expect(strftimeIndex('k8s-audit')).toBe('logstash-k8s-audit-%Y.%m.%d');
    const templates = indexTemplates('p-');
    expect(templates.map((x) => x.body.index_patterns[0])).toEqual([
      'p-logstash-k8s-audit-*',
      'p-logstash-auth-*',
      'p-cloudtrail-*',
      'p-logs-proxy-default',
      'p-falco-*',
    ]);
    for (const x of templates)
      expect((x.body.template.mappings.properties as Record<string, unknown>)['@timestamp']).toEqual({ type: 'date' });
  });

  it('injects all scenarios by default, none with benignOnly, and the ones named', () => {
    expect(
      generate({ range: range(2), seed: 1 })
        .scenarios.map((s) => s.name)
        .sort(),
    ).toEqual([...SCENARIO_NAMES].sort());
    expect(generate({ range: range(2), seed: 1, benignOnly: true }).scenarios).toEqual([]);
    const at = END - 30 * MIN;
    const g = generate({ range: range(2), seed: 1, scenarios: ['root-login', { name: 'ssh-bruteforce', atMs: at }] });
    expect(g.scenarios.map((s) => s.name).sort()).toEqual(['root-login', 'ssh-bruteforce']);
    const brute = g.scenarios.find((s) => s.name === 'ssh-bruteforce');
    expect(brute?.atMs).toBe(at);
    expect(Math.min(...(brute?.events ?? []).map((e) => e.ts))).toBeGreaterThanOrEqual(at);
  });

  it('rejects what cannot be generated', () => {
    expect(() => generate({ range: range(2), seed: 1, scenarios: ['no-such'] })).toThrow(/unknown scenario "no-such"/);
    expect(() => generate({ range: range(2), seed: 1, scenarios: ['root-login', 'root-login'] })).toThrow(/twice/);
    expect(() => generate({ range: range(2), seed: 1, scenarios: [{ name: 'ssh-password-spray', atMs: END - 5 * MIN }] })).toThrow(
      /does not fit/,
    );
    expect(() => generate({ range: range(0.5), seed: 1 })).toThrow(/at least 60/);
    expect(() => generate({ range: { fromMs: END, toMs: END }, seed: 1 })).toThrow(/empty/);
    expect(() => generate({ range: range(2), seed: 1, rate: 0 })).toThrow(/rate/);
    // A short range is fine without scenarios.
    expect(countEvents(generate({ range: range(0.25), seed: 1, benignOnly: true }).events()).total).toBeGreaterThan(1000);
  });

  it('describes what was injected and what should fire in the manifest', () => {
    const g = generate({ range: range(1), seed: 9 });
    const counts = countEvents(g.events());
    const m = g.manifest(counts);
    expect(m.seed).toBe('9');
    expect(m.from).toBe('2026-03-02T00:00:00.000Z');
    expect(m.indices.auth).toBe('logstash-auth-*');
    expect(m.counts?.total).toBe(counts.total);
    const spray = m.scenarios.find((s) => s.scenario === 'ssh-password-spray');
    expect(spray).toMatchObject({
      source: 'auth',
      index: 'logstash-auth-*',
      events: 30,
      expect: [{ rule: 'ssh-password-spray', field: 'source.ip', key: '198.51.100.77' }],
    });
    expect(m.invariants.length).toBeGreaterThan(10);
    // The silence is the last thing in the range.
    expect(m.scenarios.find((s) => s.scenario === 'auth-log-silent')?.end).toBe(m.to);
  });
});
