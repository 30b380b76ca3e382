import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { allEvents, PLANTED, PRESETS, type Doc } from '../../../scripts/bench/data.ts';
import {
  alertsByRule,
  compareAlerts,
  endpointOf,
  formatAgreement,
  formatEndpoints,
  formatRatio,
  formatTable,
  median,
  medianMeasure,
  type Measure,
} from '../../../scripts/bench/report.ts';
import { RULE_TYPES, ruleMix } from '../../../scripts/bench/rules.ts';
import { parseTimeOutput, ranRule } from '../../../scripts/bench/tools.ts';
import { resolveConfig } from '../../../src/config/load-config.ts';
import { loadRules } from '../../../src/rules/load-rules.ts';

const m = (over: Partial<Measure>): Measure => ({
  wallS: 1,
  cpuS: 1,
  peakRssMb: 100,
  requests: 10,
  mbReceived: 1,
  esQueryFetchMs: 100,
  ...over,
});

describe('medians and ratios', () => {
  it('takes the middle value, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([])).toBeNaN();
    expect(medianMeasure([m({ wallS: 5 }), m({ wallS: 1 }), m({ wallS: 3 })]).wallS).toBe(3);
  });

  it('formats ratios to the floor by size, and none against a zero floor', () => {
    expect(formatRatio(1, 2)).toBe('×0.50');
    expect(formatRatio(25, 10)).toBe('×2.5');
    expect(formatRatio(35_000, 10)).toBe('×3,500');
    expect(formatRatio(5, 0)).toBe('–');
    expect(formatRatio(Number.NaN, 1)).toBe('–');
  });

  it('prints one row per tool with the ratio to the last row, the floor', () => {
    const table = formatTable([
      { label: 'ElastAlert2', measure: m({ wallS: 30, requests: 3000 }) },
      { label: 'floor', measure: m({ wallS: 2, requests: 6 }) },
    ]);
    const lines = table.split('\n');
    expect(lines[0]).toBe('| | wall s | CPU s | peak RSS MB | HTTP requests | ES query+fetch ms | MB received |');
    expect(lines[2]).toContain('| ElastAlert2 | 30.0 (×15) |');
    expect(lines[2]).toContain('| 3,000 (×500) |');
    expect(lines[3]).toBe('| floor | 2.0 | 1.0 | 100 | 6 | 100 | 1.0 |');
  });
});

describe('requests by endpoint', () => {
  it('names the endpoint, and tells the tool’s writeback reads from writes', () => {
    expect(endpointOf('POST', '/bench-sbs/_search', 'wb')).toBe('_search');
    expect(endpointOf('POST', '/_msearch', 'wb')).toBe('_msearch');
    expect(endpointOf('POST', '/wb_status/_search', 'wb')).toBe('writeback read _search');
    expect(endpointOf('POST', '/wb/_doc', 'wb')).toBe('writeback write _doc');
    expect(endpointOf('GET', '/wb/_doc/abc', 'wb')).toBe('writeback read _doc');
    expect(endpointOf('POST', '/wb/_update/abc', 'wb')).toBe('writeback write _update');
    expect(endpointOf('POST', '/_bulk', 'wb')).toBe('_bulk');
    expect(endpointOf('GET', '/', 'wb')).toBe('(document)');
    // A search over the data and the writeback together is not a writeback read.
    expect(endpointOf('POST', '/wb,bench/_search', 'wb')).toBe('_search');
  });

  it('tells a _bulk, _mget or _msearch on the writeback by the indices its body names', () => {
    const bulk = [
      JSON.stringify({ index: { _index: 'wb_status' } }),
      JSON.stringify({ rule: 'r', index: 'logs' }),
      JSON.stringify({ delete: { _index: 'wb', _id: 'x' } }),
      '',
    ].join('\n');
    expect(endpointOf('POST', '/_bulk', 'wb', bulk)).toBe('writeback write _bulk');
    expect(endpointOf('POST', '/_bulk', 'wb', `${JSON.stringify({ index: { _index: 'logs' } })}\n{}\n`)).toBe('_bulk');
    expect(
      endpointOf(
        'POST',
        '/_mget',
        'wb',
        JSON.stringify({
          docs: [
            { _index: 'wb', _id: '1' },
            { _index: 'wb_silence', _id: '2' },
          ],
        }),
      ),
    ).toBe('writeback read _mget');
    expect(endpointOf('POST', '/_msearch', 'wb', `${JSON.stringify({ index: 'logs' })}\n{"query":{"term":{"index":"wb"}}}\n`)).toBe(
      '_msearch',
    );
    // A body cut short by the proxy's limit: the whole lines are read.
    expect(endpointOf('POST', '/_bulk', 'wb', `${JSON.stringify({ create: { _index: 'wb_status' } })}\n{"cut`)).toBe(
      'writeback write _bulk',
    );
  });

  it('lists endpoints by requests, with their share and MB', () => {
    const text = formatEndpoints(
      new Map([
        ['_search', { requests: 1, bytes: 2_000_000 }],
        ['_bulk', { requests: 3, bytes: 0 }],
      ]),
    );
    expect(text).toBe('- _bulk: 3 requests (75%), 0.00 MB\n- _search: 1 requests (25%), 2.00 MB');
  });
});

describe('alert agreement', () => {
  it('agrees when each rule sent as many alerts for the same keys, whatever the order', () => {
    const a = alertsByRule([
      { rule: 'r1', key: 'x' },
      { rule: 'r1', key: 'y' },
      { rule: 'r2', key: '-' },
    ]);
    const b = alertsByRule([
      { rule: 'r2', key: '-' },
      { rule: 'r1', key: 'y' },
      { rule: 'r1', key: 'x' },
    ]);
    expect(compareAlerts(['r1', 'r2', 'r3'], a, b)).toEqual([]);
  });

  it('reports a rule with another count, other keys, or alerts from one tool only', () => {
    const ea2 = alertsByRule([
      { rule: 'count', key: 'x' },
      { rule: 'keys', key: 'x' },
      { rule: 'one', key: 'z' },
    ]);
    const lw = alertsByRule([
      { rule: 'count', key: 'x' },
      { rule: 'count', key: 'x' },
      { rule: 'keys', key: 'y' },
    ]);
    const d = compareAlerts(['count', 'keys', 'one', 'none'], ea2, lw);
    expect(d.map((x) => x.rule)).toEqual(['count', 'keys', 'one']);
    expect(d[0]).toEqual({ rule: 'count', elastalert2: { count: 1, keys: ['x'] }, logwarden: { count: 2, keys: ['x'] } });
    expect(d[2]?.logwarden).toEqual({ count: 0, keys: [] });
    expect(formatAgreement(4, d).split('\n')).toEqual([
      'alert agreement: 1 of 4 rules sent the same alerts (count and keys)',
      '- count: ElastAlert2 1 [x], LogWarden 2 [x]',
      '- keys: ElastAlert2 1 [x], LogWarden 1 [y]',
      '- one: ElastAlert2 1 [z], LogWarden 0 []',
    ]);
  });
});

describe('process measurements', () => {
  it("reads GNU time's elapsed, CPU and peak RSS line, after anything the tool printed there", () => {
    expect(parseTimeOutput('Command exited with non-zero status 1\n12.50 3.25 0.75 204800\n')).toEqual({ cpuS: 4, peakRssMb: 200 });
    expect(() => parseTimeOutput('garbage')).toThrow(/GNU time/);
  });

  it("recognises ElastAlert2's end-of-rule log lines", () => {
    expect(
      ranRule(
        'INFO:elastalert:Ran bench 003 change v0 from 2026-12-08 01:00 UTC to 2026-12-08 02:00 UTC: 120 query hits (0 already seen), 1 matches, 1 alerts sent',
      ),
    ).toBe('bench 003 change v0');
    expect(ranRule('ERROR:elastalert:Error running rule bench 001 any v0: boom')).toBe('bench 001 any v0');
    expect(ranRule('INFO:elastalert:Sleeping for 59.9 seconds')).toBeUndefined();
  });
});

describe('the data and the rule mix', () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'bench-rules-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const window = { startMs: Date.parse('2026-01-01T10:00:00Z'), endMs: Date.parse('2026-01-01T11:00:00Z') };
  const scale = { events: 2_000, history: 500, rules: 24 };

  it('is deterministic, and holds the window, the history and the planted events', () => {
    const first = [...allEvents(window, scale, 1_000)].flat();
    const again = [...allEvents(window, scale, 1_000)].flat();
    expect(again).toEqual(first);
    const inWindow = (d: Doc): boolean => Date.parse(d['@timestamp'] as string) >= window.startMs;
    expect(first.filter((d) => !inWindow(d)).length).toBeGreaterThan(450);
    expect(first.filter((d) => (d.source as { ip: string }).ip === PLANTED.bruteForce.ip)).toHaveLength(PLANTED.bruteForce.count);
    const quiet = `host${PLANTED.quietHost.host}`;
    const quietAfter = first.filter(
      (d) =>
        (d.host as { name: string }).name === quiet &&
        Date.parse(d['@timestamp'] as string) >= window.startMs + PLANTED.quietHost.fromMin * 60_000,
    );
    expect(quietAfter).toEqual([]);
  });

  it('cycles through the 12 rule types, and LogWarden loads every rule without a problem', () => {
    const rules = ruleMix(scale.rules, 'bench-data', scale, window, (file) => `http://127.0.0.1:9/${file}`);
    expect(new Set(rules.map((r) => /^type: (\S+)$/m.exec(r.yaml)?.[1]))).toEqual(new Set(RULE_TYPES));
    for (const r of rules) writeFileSync(path.join(dir, r.file), r.yaml);
    const config = resolveConfig(
      {
        rules_folder: dir,
        es_host: '127.0.0.1',
        es_port: 9200,
        writeback_index: 'wb',
        run_every: { minutes: 1 },
        buffer_time: { minutes: 15 },
      },
      { file: undefined, env: {}, cwd: dir },
    );
    const loaded = loadRules(config, {});
    expect(loaded.problems).toEqual([]);
    expect(loaded.rules).toHaveLength(24);
    // Every floor search is a size-0 aggregation over the window.
    for (const r of rules) expect(r.floor).toMatchObject({ size: 0, aggs: expect.any(Object) });
  });

  it('the presets: a small default and the issue’s full scale', () => {
    expect(PRESETS.full).toEqual({ events: 1_000_000, history: 250_000, rules: 200 });
    expect(PRESETS.small.rules).toBeGreaterThanOrEqual(RULE_TYPES.length);
  });
});
