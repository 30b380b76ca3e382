import { describe, expect, it } from '@jest/globals';
import { generate } from '../../../src/generator/generate.ts';
import { indexName, indexPattern } from '../../../src/generator/indices.ts';
import { EXPECTED_RULES, SCENARIOS } from '../../../src/generator/scenarios.ts';
import { HOUR, type GeneratedEvent, type Json, type TimeRange } from '../../../src/generator/types.ts';
import { detect, keyValues, type Firing } from './detectors.ts';

const END = Date.parse('2026-05-04T10:00:00Z');
const range = (hours: number): TimeRange => ({ fromMs: END - hours * HOUR, toMs: END });
const firing = (x: { rule: string; key: string }): Firing => `${x.rule} ${x.key}` as Firing;
const globToRegex = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.]/g, '\\.').replace('*', '.*')}$`);

// One background for every scenario below (what generate() does, without regenerating it 25 times).
const r2 = range(1.5);
const background = [...generate({ range: r2, seed: 42, benignOnly: true }).events()];

describe.each(SCENARIOS.map((s) => [s.name, s] as const))('scenario %s', (name, def) => {
  const r = r2;
  const injected = generate({ range: r, seed: 42, scenarios: [name] }).scenarios[0];
  const silenced = (e: GeneratedEvent): boolean =>
    (injected?.silences ?? []).some(
      (s) =>
        (e.source === 'auth' || e.source === 'proxy' || e.source === 'falco') &&
        s.source === e.source &&
        s.host === (e.source === 'falco' ? e.doc.hostname : e.doc.host.name) &&
        e.ts >= s.fromMs &&
        e.ts < s.toMs,
    );

  it('fires its expected rules, for its keys, and nothing unexpected', () => {
    const fired = detect([...background.filter((e) => !silenced(e)), ...(injected?.events ?? [])], r);
    for (const e of def.expect) expect(fired).toContain(firing(e));
    const allowed = new Set([...def.expect, ...def.alsoMayFire].map(firing));
    expect([...fired].filter((f) => !allowed.has(f))).toEqual([]);
  });

  it('puts its events in its source, inside the range, in the indices rules search', () => {
    expect(injected?.name).toBe(name);
    const events = injected?.events ?? [];
    if (!def.atEnd) expect(events.length).toBeGreaterThan(0);
    for (const e of events) {
      expect(e.source).toBe(def.source);
      expect(e.ts >= (injected?.atMs ?? 0) && e.ts <= (injected?.endMs ?? 0)).toBe(true);
      expect(e.ts < r.toMs).toBe(true);
      expect(indexName(e.source, e.ts)).toMatch(globToRegex(indexPattern(def.source)));
      expect(Date.parse(e.doc['@timestamp'])).toBe(e.ts);
    }
    expect(injected?.index).toBe(indexPattern(def.source));
  });

  it('carries each expected key in the field the rule keys on', () => {
    for (const e of def.expect) {
      // A silence has no events of its own: the key is a host that logs until it stops.
      const source = def.atEnd ? background.filter((x) => x.source === def.source) : (injected?.events ?? []);
      expect(source.some((x) => keyValues(x.doc as unknown as Json, e.field).includes(e.key))).toBe(true);
    }
  });

  it('names rules of its own source and keys on their fields', () => {
    for (const e of [...def.expect, ...def.alsoMayFire]) {
      expect(EXPECTED_RULES[e.rule].source).toBe(def.source);
      expect(e.field).toBe(EXPECTED_RULES[e.rule].field);
    }
    expect(def.expect.length).toBeGreaterThan(0);
  });
});

describe('all scenarios together', () => {
  it.each([42, 7, 'demo'])('fire exactly what they expect (seed %s)', (seed) => {
    const r = range(3);
    const g = generate({ range: r, seed });
    const fired = detect(g.events(), r);
    const expected = new Set(g.scenarios.flatMap((s) => s.expect.map(firing)));
    const allowed = new Set([...expected, ...g.scenarios.flatMap((s) => s.alsoMayFire.map(firing))]);
    for (const e of expected) expect(fired).toContain(e);
    expect([...fired].filter((f) => !allowed.has(f))).toEqual([]);
  });

  it('cover every rule the pack is expected to have', () => {
    const covered = new Set(SCENARIOS.flatMap((s) => s.expect.map((e) => e.rule)));
    expect([...covered].sort()).toEqual(Object.keys(EXPECTED_RULES).sort());
  });
});
