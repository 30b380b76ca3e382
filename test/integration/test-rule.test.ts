import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import type { TestRuleReport } from '../../src/backtest/report.ts';
import type { CliIO } from '../../src/cli/io.ts';
import { runCli } from '../../src/cli/program.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';
import { rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { EXPECTED_DAYS, frequencyRule, HOSTILE_USER, indexKnownEvents, knownEvents, writebackExists } from '../support/replay-data.ts';

const es = testEs();
const index = uniqueName('tr-logs');
const realWriteback = uniqueName('tr-real-wb');
const RANGE = ['--start', '2026-01-01T00:00:00Z', '--end', '2026-01-04T00:00:00Z'];

interface Captured extends CliIO {
  stdout: string[];
  stderr: string[];
}

function io(extraEnv: NodeJS.ProcessEnv = {}): Captured {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    env: { ...process.env, LOGWARDEN_WRITEBACK_INDEX: realWriteback, ...extraEnv },
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    onStop: () => undefined,
  };
}

async function testRule(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string; err: string }> {
  const c = io(extraEnv);
  const code = await runCli(['test-rule', ...args], c);
  return { code, out: c.stdout.join('\n'), err: c.stderr.join('\n') };
}

let folder: string;
let rule: string;

beforeAll(async () => {
  await indexKnownEvents(es, index);
  folder = rulesFolder({
    'ssh.yaml': frequencyRule(index),
    'spike.yaml': `name: Spike\ntype: spike\nindex: ${index}\nspike_height: 2\nspike_type: up\ntimeframe: {hours: 1}\nalert: [stdout]\n`,
    'aggregated.yaml': `name: Failures aggregated\ntype: any\nindex: ${index}\nrealert: {minutes: 0}\naggregation: {hours: 1}\nfilter:\n  - term:\n      event.outcome: failure\nalert: [stdout]\n`,
    'flood.yaml': `name: Failures capped\ntype: any\nindex: ${index}\nrealert: {minutes: 0}\nmax_alerts_per_hour: 2\nfilter:\n  - term:\n      event.outcome: failure\nalert: [stdout]\n`,
    'bad.yaml': `name: Bad\ntype: frequency\nindex: ${index}\nnum_events: ten\ntimeframe: {minutes: 5}\nalert: [stdout]\n`,
    'badquery.yaml': `name: Bad query\ntype: any\nindex: ${index}\nfilter:\n  - query_string:\n      query: "user.name:(("\nalert: [stdout]\n`,
  });
  rule = path.join(folder, 'ssh.yaml');
});

afterAll(async () => {
  await es.client.indices.delete({ index, ignore_unavailable: true });
  await es.close();
});

describe('logwarden test-rule against Elasticsearch', () => {
  let report: TestRuleReport;

  it('--formatted-output: exact hits, matches, alerts after realert and suppressed per day, in a stable JSON shape', async () => {
    const run = await testRule([rule, ...RANGE, '--formatted-output']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    report = JSON.parse(run.out) as TestRuleReport;
    expect(report.schema).toBe('logwarden.test-rule/1');
    expect(report.rule).toMatchObject({ name: 'SSH brute force', type: 'frequency', index, queryKey: ['user.name'], realertMs: 3_600_000 });
    expect(report.source).toBe('elasticsearch');
    expect(report.delivery).toBe('captured');
    expect(report.range).toEqual({ start: '2026-01-01T00:00:00.000Z', end: '2026-01-04T00:00:00.000Z', days: 3 });
    expect(report.days.map(({ day, hits, matches, alerts, suppressed }) => ({ day, hits, matches, alerts, suppressed }))).toEqual(
      EXPECTED_DAYS,
    );
    expect(report.totals).toMatchObject({
      hits: 20,
      matches: 6,
      alerts: 5,
      suppressed: 1,
      aggregated: 0,
      duplicates: 0,
      failed: 0,
      outcomes: { sent: 5, suppressed_realert: 1 },
    });
    expect(report.topQueryKeys).toEqual([
      { value: 'alice', matches: 4, alerts: 3 },
      { value: 'carol', matches: 1, alerts: 1 },
      { value: HOSTILE_USER, matches: 1, alerts: 1 },
    ]);
    expect(report.alerts.total).toBe(5);
    expect(report.alerts.first.map((a) => [a.matchTime, a.queryKey, a.subject, a.alerters])).toEqual([
      ['2026-01-01T10:02:00.000Z', 'alice', 'Brute force against alice', ['stdout']],
      ['2026-01-01T12:02:00.000Z', 'alice', 'Brute force against alice', ['stdout']],
      ['2026-01-02T00:01:00.000Z', 'carol', 'Brute force against carol', ['stdout']],
    ]);
    expect(report.alerts.first[0]?.text).toContain('At least 3 events occurred between');
    expect(report.error).toBeNull();
    expect(report.warnings).toEqual([]);
    expect(Object.keys(report).sort()).toEqual([
      'alerts',
      'countOnly',
      'days',
      'delivery',
      'error',
      'range',
      'rule',
      'schema',
      'source',
      'timing',
      'topQueryKeys',
      'totals',
      'warnings',
      'writeback',
    ]);
  });

  it('used a throwaway writeback that is gone afterwards, and never created the real one', async () => {
    expect(report.writeback?.throwaway).toBe(true);
    expect(report.writeback?.index).toMatch(/^logwarden-test-rule-[0-9a-f]{8}$/);
    expect(await writebackExists(es, report.writeback?.index ?? '')).toBe(false);
    expect(await writebackExists(es, realWriteback)).toBe(false);
  });

  it('prints the per-day table, top query_key values and the first 3 alerts for a person, terminal-safe; nothing is sent', async () => {
    const run = await testRule([rule, ...RANGE]);
    expect(run.code).toBe(0);
    expect(run.out).toContain(
      [
        'day         hits  matches  alerts  suppressed',
        '2026-01-01    13        3       2           1',
        '2026-01-02     1        1       1           0',
        '2026-01-03     6        2       2           0',
        'total         20        6       5           1',
      ].join('\n'),
    );
    expect(run.out).toContain('Top query_key values (user.name):');
    expect(run.out).toMatch(/ {7}4 {7}3 {2}alice/);
    expect(run.out).toContain('First 3 of 5 alerts');
    expect(run.out).toContain('Subject: Brute force against alice');
    expect(run.out).toContain('Alerts were captured, not sent');
    // The stdout alerter was replaced: its separator line never printed.
    expect(run.out).not.toContain('─'.repeat(72));
    expect(run.out).not.toMatch(/[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/);
    expect(run.out).toContain('mallory<img src=x onerror=alert(1)>');
  });

  it("--alert sends through the rule's real alerters (stdout here), with realert applied", async () => {
    const run = await testRule([rule, ...RANGE, '--alert']);
    expect(run.code).toBe(0);
    expect(run.out.split('─'.repeat(72)).length - 1).toBe(5 * 2);
    expect(run.out).toContain('Alerts were SENT');
  });

  it('--writeback keeps an explicit writeback index', async () => {
    const kept = uniqueName('tr-kept');
    try {
      const run = await testRule([rule, ...RANGE, '--writeback', kept, '--formatted-output']);
      expect(run.code).toBe(0);
      expect((JSON.parse(run.out) as TestRuleReport).writeback).toEqual({ index: kept, throwaway: false });
      await es.client.indices.refresh({ index: kept });
      expect((await es.client.count({ index: kept })).count).toBe(5);
    } finally {
      await es.client.indices
        .delete({ index: WRITEBACK_KINDS.map((k) => writebackIndexName(kept, k)), ignore_unavailable: true })
        .catch(() => undefined);
    }
  });

  it('--count-only counts filtered documents per day and writes no writeback', async () => {
    const run = await testRule([rule, ...RANGE, '--count-only', '--formatted-output']);
    expect(run.code).toBe(0);
    const counted = JSON.parse(run.out) as TestRuleReport;
    expect(counted.countOnly).toBe(true);
    expect(counted.writeback).toBeNull();
    expect(counted.days.map((d) => [d.day, d.hits, d.matches])).toEqual([
      ['2026-01-01', 13, null],
      ['2026-01-02', 1, null],
      ['2026-01-03', 6, null],
    ]);
    expect(counted.totals.hits).toBe(20);
    const text = await testRule([rule, ...RANGE, '--count-only']);
    expect(text.out).toContain('day         hits\n2026-01-01    13\n2026-01-02     1\n2026-01-03     6\ntotal         20');
    expect(await writebackExists(es, realWriteback)).toBe(false);
  });

  it('--days counts back from --end', async () => {
    const run = await testRule([rule, '--end', '2026-01-04T00:00:00Z', '--days', '1', '--count-only', '--formatted-output']);
    expect((JSON.parse(run.out) as TestRuleReport).days.map((d) => [d.day, d.hits])).toEqual([['2026-01-03', 6]]);
  });

  const perDay = (r: TestRuleReport): unknown[] => r.days.map((d) => [d.day, d.hits, d.matches, d.alerts, d.suppressed, d.aggregated]);

  it('applies aggregation as if live: one alert per group, sent when the group ends; a group open at the end counts on the last day', async () => {
    const run = await testRule([
      path.join(folder, 'aggregated.yaml'),
      '--start',
      '2026-01-01T00:00:00Z',
      '--end',
      '2026-01-03T09:45:00Z',
      '--formatted-output',
    ]);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.out) as TestRuleReport;
    // Day 1: groups from 10:00, 12:00 and 14:00; carol's group from 23:58 takes 00:01 too and is sent on day 2.
    expect(perDay(r)).toEqual([
      ['2026-01-01', 13, 13, 3, 0, 13],
      ['2026-01-02', 1, 1, 1, 0, 1],
      ['2026-01-03', 6, 6, 1, 0, 6],
    ]);
    expect(r.warnings.map((w) => w.message)).toEqual([
      expect.stringContaining('1 alert was still held by an aggregation or the flood guard at the end of the range; counted on 2026-01-03'),
    ]);
    expect(r.alerts.total).toBe(5);
    expect(await writebackExists(es, r.writeback?.index ?? '')).toBe(false);
  });

  it('applies the flood guard as if live: at most max_alerts_per_hour, plus one digest per capped hour', async () => {
    const run = await testRule([path.join(folder, 'flood.yaml'), ...RANGE, '--formatted-output']);
    expect(run.code).toBe(0);
    const r = JSON.parse(run.out) as TestRuleReport;
    // Day 1: 10:00 hour 2 sent + 4 held, 12:00 hour 2 + 1 held, bob 2, carol 2; two digests.
    expect(perDay(r)).toEqual([
      ['2026-01-01', 13, 13, 10, 5, 0],
      ['2026-01-02', 1, 1, 1, 0, 0],
      ['2026-01-03', 6, 6, 3, 4, 0],
    ]);
    expect(r.totals.outcomes).toEqual({ sent: 11, suppressed_flood: 9 });
  });

  it('reports a query Elasticsearch rejects: exit 1 and the day it failed on', async () => {
    const run = await testRule([path.join(folder, 'badquery.yaml'), ...RANGE]);
    expect(run.code).toBe(1);
    expect(run.out).toMatch(/Run failed on 2026-01-01: searching tr-logs-[0-9a-f]+ for rule "Bad query": HTTP 400/);
    expect(run.out).toContain('Range 2026-01-01T00:00:00.000Z → 2026-01-04T00:00:00.000Z, 3 days');
    expect(run.out).toContain('The days after it were not run.');
  });
});

describe('logwarden test-rule without Elasticsearch', () => {
  const noEs = { ES_URL: '', ES_USERNAME: '', ES_PASSWORD: '' };

  it('--schema-only validates like lint: exit 3 and file:line: field: message for a bad rule', async () => {
    const run = await testRule([path.join(folder, 'bad.yaml'), '--schema-only'], noEs);
    expect(run.code).toBe(3);
    expect(run.out).toMatch(/bad\.yaml:4: rule "Bad": num_events: /);
    expect(run.out).toMatch(/1 file with 1 problem/);
  });

  it('--schema-only passes a good rule with exit 0', async () => {
    const run = await testRule([rule, '--schema-only'], noEs);
    expect(run.code).toBe(0);
    expect(run.out).toContain('Schema OK');
  });

  it('a bad rule without --schema-only also exits 3 before touching Elasticsearch', async () => {
    const run = await testRule([path.join(folder, 'bad.yaml'), ...RANGE], noEs);
    expect(run.code).toBe(3);
    expect(run.err).toMatch(/num_events/);
  });

  it('rejects bad flags as usage errors (exit 2)', async () => {
    expect((await testRule([rule, '--days', 'three'])).code).toBe(2);
    expect((await testRule([rule, '--start', 'not-a-time'])).code).toBe(2);
    expect((await testRule([rule, '--count-only', '--data', 'x.json'])).code).toBe(2);
  });
});

describe('logwarden test-rule --data', () => {
  it('runs the rule, filter included, over an NDJSON file put in a throwaway index, day by day, through a throwaway writeback', async () => {
    const file = path.join(folder, 'events.ndjson');
    writeFileSync(
      file,
      `${knownEvents()
        .map((d) => JSON.stringify(d))
        .join('\n')}\n`,
    );
    const run = await testRule([rule, '--data', file, '--formatted-output']);
    expect(run.err).toBe('');
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as TestRuleReport;
    expect(report.source).toBe('data');
    // From the first document to the last, as ElastAlert2.
    expect(report.range).toEqual({ start: '2026-01-01T09:59:59.999Z', end: '2026-01-03T09:32:00.000Z', days: 3 });
    // The rule's filter applies (dave's success is not a hit), as against the live index.
    expect(report.days.map(({ day, hits, matches, alerts, suppressed }) => ({ day, hits, matches, alerts, suppressed }))).toEqual(
      EXPECTED_DAYS,
    );
    expect(report.days.map((d) => d.partial)).toEqual([true, false, true]);
    expect(await writebackExists(es, report.writeback?.index ?? '')).toBe(false);
    expect(await writebackExists(es, realWriteback)).toBe(false);
    const leftovers = await es.client.indices.get({ index: 'logwarden-test-rule-data-*', allow_no_indices: true, expand_wildcards: 'all' });
    expect(Object.keys(leftovers)).toEqual([]);
  });

  it('runs rule types that count in Elasticsearch too', async () => {
    const file = path.join(folder, 'events.json');
    writeFileSync(file, JSON.stringify(knownEvents()));
    const run = await testRule([path.join(folder, 'spike.yaml'), '--data', file, '--formatted-output']);
    expect(run.code).toBe(0);
    const report = JSON.parse(run.out) as TestRuleReport;
    expect(report.days.reduce((n, d) => n + d.hits, 0)).toBeGreaterThan(0);
  });

  it('--save-json writes what the query returns, and --use-downloaded replays it with the same result', async () => {
    const file = path.join(folder, 'saved.json');
    const live = await testRule([rule, ...RANGE, '--formatted-output']);
    const saved = await testRule([rule, ...RANGE, '--save-json', file, '--use-downloaded', '--stop-error', '--formatted-output']);
    expect(saved.code).toBe(0);
    expect(saved.err).toContain(`20 documents saved to ${file}`);
    const count = (out: string): unknown =>
      (JSON.parse(out) as TestRuleReport).days.map(({ hits, matches, alerts }) => ({ hits, matches, alerts }));
    expect(count(saved.out)).toEqual(count(live.out));
    expect(await testRule([rule, '--use-downloaded'])).toMatchObject({ code: 2, err: expect.stringContaining('give --save-json FILE') });
  });

  it('exits 4 naming documents without a readable timestamp', async () => {
    const file = path.join(folder, 'broken.ndjson');
    writeFileSync(file, '{"@timestamp":"2026-01-01T00:00:00Z"}\n{"user":{"name":"x"}}\n');
    const run = await testRule([rule, '--data', file]);
    expect(run.code).toBe(4);
    expect(run.err).toContain('1 document has no readable @timestamp (timestamp_type iso): line 2');
  });
});
