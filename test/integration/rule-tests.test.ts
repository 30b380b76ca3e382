import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testCommand, type TestOptions } from '../../src/cli/commands/test.ts';
import type { TestReport } from '../../src/fixtures/types.ts';
import { ManualClock } from '../../src/schedule/clock.ts';
import { captureIO, REPO_ROOT, tempFolder } from '../unit/rules/helpers.ts';
import { testEs } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));
const es = testEs();
afterAll(() => es.close());

/** The process environment (ES_URL from the global setup) without anything that would pick another config. */
const env = (): NodeJS.ProcessEnv => {
  const { LOGWARDEN_CONFIG: _c, LOGWARDEN_RULES_FOLDER: _r, ...rest } = process.env;
  return rest;
};

async function run(opts: Partial<TestOptions> & { paths: string[] }): Promise<{ code: number; stdout: string[]; stderr: string[] }> {
  const io = captureIO(env());
  const code = await testCommand({ cwd: REPO_ROOT, ...opts }, io);
  return { code, stdout: io.stdout, stderr: io.stderr };
}

/** Durations vary from run to run; everything else in the output must not. */
const stable = (lines: readonly string[]): string[] => lines.map((l) => l.replace(/, \d+ms\)$/, ', Nms)'));

async function leftoverTestIndices(): Promise<string[]> {
  const rows = await es.client.cat.indices({ index: 'logwarden-fixture-*', format: 'json', expand_wildcards: 'all' });
  return rows.map((r) => r.index ?? '');
}

describe('logwarden test', () => {
  it('a passing fixture set: PASS per case, the summary line, exit 0, no index left behind', async () => {
    const { code, stdout, stderr } = await run({ paths: ['test/fixtures/rule-tests/good'] });
    expect(stable(stdout)).toEqual([
      'test/fixtures/rule-tests/good/aggregated.test.yaml: rule "Fixture aggregated root login"',
      '  PASS  three root logins within the period are one alert, sent after the window  (1 alert, Nms)',
      '  PASS  no root login, no alert  (0 alerts, Nms)',
      'test/fixtures/rule-tests/good/brute.test.yaml: rule "Fixture brute force"',
      '  PASS  five failures from one address fire  (1 alert, Nms)',
      '  PASS  two addresses from an events file  (2 alerts, Nms)',
      '  PASS  four failures do not fire  (0 alerts, Nms)',
      'test/fixtures/rule-tests/good/epoch.test.yaml: rule "Fixture epoch root login"',
      '  PASS  root on two hosts, a repeat within realert held back  (3 alerts, Nms)',
      '  PASS  other users do not alert  (0 alerts, Nms)',
      'test/fixtures/rule-tests/good/mapped.test.yaml: rule "Fixture admin login"',
      '  PASS  Administrator logs in  (1 alert, Nms)',
      '  PASS  someone else logs in  (0 alerts, Nms)',
      '9 passed, 0 failed',
    ]);
    expect(stderr.join('\n')).toMatch(/^Elasticsearch \S+ from ES_URL at http/m);
    expect(code).toBe(0);
    expect(await leftoverTestIndices()).toEqual([]);
  });

  it('a failing fixture set: the diff of expected and actual, exit 1', async () => {
    const { code, stdout } = await run({ paths: ['test/fixtures/rule-tests/failing'] });
    expect(stable(stdout)).toEqual([
      'test/fixtures/rule-tests/failing/brute.test.yaml: rule "Fixture brute force"',
      '  PASS  right  (1 alert, Nms)',
      '  FAIL  wrong count and keys  (2 alerts, Nms)',
      '        alerts: expected 1, got 2',
      '        keys: expected ["203.0.113.7"], got ["203.0.113.5", "203.0.113.6"]; missing "203.0.113.7"; unexpected "203.0.113.5", "203.0.113.6"',
      '        sent: alert 1: key "203.0.113.5" at 40s',
      '        sent: alert 2: key "203.0.113.6" at 41s',
      "        the rule's query matched 10 of the 10 events loaded",
      '  FAIL  wrong field  (1 alert, Nms)',
      '        alert 1: user.name: expected "admin", got "root"',
      '        alert 1: source.port: expected 22, got no such field',
      '        sent: alert 1: key "203.0.113.5" at 40s',
      "        the rule's query matched 5 of the 5 events loaded",
      '  FAIL  benign <that> fires & "quotes"  (1 alert, Nms)',
      '        alerts: expected 0, got 1',
      '        sent: alert 1: key "<script>" at 34s',
      "        the rule's query matched 6 of the 6 events loaded",
      'test/fixtures/rule-tests/failing/unmapped.test.yaml: rule "Fixture admin login"',
      '  FAIL  Administrator logs in  (0 alerts, Nms)',
      '        alerts: expected 1, got 0',
      '        sent: no alerts',
      "        the rule's query matched 0 of the 1 event loaded: does the filter fit the mapping? (a term query on a text field only finds its lowercased words; `mappings:` in the test file sets your real mapping)",
      '  PASS  someone else logs in  (0 alerts, Nms)',
      '2 passed, 4 failed',
    ]);
    expect(code).toBe(1);
  });

  it('relative timestamps: the same fixtures a minute later give the same result', async () => {
    const t = Date.UTC(2026, 5, 1, 12, 0, 0);
    const first = await run({ paths: ['test/fixtures/rule-tests/good/brute.test.yaml'], json: true, clock: new ManualClock(t) });
    const later = await run({ paths: ['test/fixtures/rule-tests/good/brute.test.yaml'], json: true, clock: new ManualClock(t + 60_000) });
    const a = JSON.parse(first.stdout.join('\n')) as TestReport;
    const b = JSON.parse(later.stdout.join('\n')) as TestReport;
    const outcome = (r: TestReport): unknown =>
      r.files.flatMap((f) =>
        f.cases.map((c) => ({
          name: c.name,
          status: c.status,
          keys: c.actual?.keys,
          offsets: c.actual?.sent.map((s) => s.offset),
          hits: c.actual?.hits,
        })),
      );
    expect(outcome(a)).toEqual(outcome(b));
    expect(a.passed).toBe(3);
    // ... while every absolute time moved by exactly that minute.
    const firstCase = (r: TestReport): { start: string; matchTime: string | undefined } => ({
      start: r.files[0]?.cases[0]?.window.start ?? '',
      matchTime: r.files[0]?.cases[0]?.actual?.sent[0]?.matchTime,
    });
    expect(Date.parse(firstCase(b).start) - Date.parse(firstCase(a).start)).toBe(60_000);
    expect(Date.parse(firstCase(b).matchTime ?? '') - Date.parse(firstCase(a).matchTime ?? '')).toBe(60_000);
    expect(firstCase(a).start).toBe(new Date(t - (40_000 + 120_000 + 60_000)).toISOString());
  });

  it('--junit writes a testsuite per rule and a testcase per case, failures carrying the diff; --json prints only JSON', async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-junit-'));
    const junit = path.join(dir, 'reports/rules.xml');
    const { code, stdout } = await run({ paths: ['test/fixtures/rule-tests/failing'], junit, json: true });
    expect(code).toBe(1);
    const report = JSON.parse(stdout.join('\n')) as TestReport;
    expect([report.ok, report.passed, report.failed]).toEqual([false, 2, 4]);
    expect(report.elasticsearch?.method).toBe('env');

    const xml = readFileSync(junit, 'utf8');
    expect(
      xml.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="logwarden test" tests="6" failures="4" errors="0" '),
    ).toBe(true);
    const suites = [...xml.matchAll(/<testsuite name="([^"]*)" file="([^"]*)" tests="(\d+)" failures="(\d+)" errors="(\d+)"/g)].map((m) =>
      m.slice(1),
    );
    expect(suites).toEqual([
      ['Fixture brute force', 'test/fixtures/rule-tests/failing/brute.test.yaml', '4', '3', '0'],
      ['Fixture admin login', 'test/fixtures/rule-tests/failing/unmapped.test.yaml', '2', '1', '0'],
    ]);
    const cases = [...xml.matchAll(/<testcase name="([^"]*)"/g)].map((m) => m[1]);
    expect(cases).toEqual([
      'right',
      'wrong count and keys',
      'wrong field',
      'benign &lt;that&gt; fires &amp; &quot;quotes&quot;',
      'Administrator logs in',
      'someone else logs in',
    ]);
    expect(xml).toContain(
      '<failure message="alerts: expected 1, got 2" type="expectation">alerts: expected 1, got 2\nkeys: expected [&quot;203.0.113.7&quot;], got [&quot;203.0.113.5&quot;, &quot;203.0.113.6&quot;]; missing &quot;203.0.113.7&quot;; unexpected &quot;203.0.113.5&quot;, &quot;203.0.113.6&quot;\n',
    );
    expect(xml).toContain('sent: alert 1: key &quot;&lt;script&gt;&quot; at 34s');
    // Well-formed enough for any reader: every opened element is closed.
    expect((xml.match(/<testcase /g) ?? []).length).toBe((xml.match(/<\/testcase>|<testcase [^>]*\/>/g) ?? []).length);
    expect(xml.trimEnd().endsWith('</testsuites>')).toBe(true);
  });

  it('an invalid test file is reported and fails the run; the valid ones still run', async () => {
    const dir = tempFolder({
      'ok.yaml': 'name: OK\ntype: any\nindex: x\nfilter: [{term: {user.name: root}}]\nalert: [debug]\n',
      'ok.test.yaml':
        'cases:\n  - {name: root, events: [{at: 1s, doc: {user: {name: root}}}], expect: {alerts: 1}}\n  - {name: alice, events: [{at: 1s, doc: {user: {name: alice}}}], expect: {alerts: 0}}\n',
      'other.yaml': 'name: Other\ntype: any\nindex: x\nalert: [debug]\n',
      'other.test.yaml': 'cases:\n  - {name: only firing, events: [{at: 1s, doc: {}}], expect: {alerts: 1}}\n',
    });
    const io = captureIO(env());
    const code = await testCommand({ paths: [dir], cwd: dir }, io);
    expect(stable(io.stdout)).toEqual([
      'other.test.yaml:1: cases: needs at least one case that fires (expect.alerts >= 1) and one benign case that must not (expect.alerts: 0); this file has no benign case',
      'ok.test.yaml: rule "OK"',
      '  PASS  root  (1 alert, Nms)',
      '  PASS  alice  (0 alerts, Nms)',
      '1 test file with problems, not run',
      '2 passed, 0 failed',
    ]);
    expect(code).toBe(1);
  });

  it('the bundled rules pass their fixtures, through the real binary', () => {
    const res = spawnSync(process.execPath, [bin, 'test', 'rules/'], {
      cwd: REPO_ROOT,
      env: { ...env(), LOGWARDEN_LOG_LEVEL: 'warn' },
      encoding: 'utf8',
    });
    const lines = res.stdout.trimEnd().split('\n');
    expect(lines.filter((l) => l.startsWith('  FAIL'))).toEqual([]);
    expect(lines[lines.length - 1]).toMatch(/^\d+ passed, 0 failed$/);
    expect(res.status).toBe(0);
  });

  it('through the real binary, a failing set exits 1 with the summary alone on the last line', () => {
    const res = spawnSync(process.execPath, [bin, 'test', 'test/fixtures/rule-tests/failing/unmapped.test.yaml'], {
      cwd: REPO_ROOT,
      env: env(),
      encoding: 'utf8',
    });
    expect(res.stdout.trimEnd().split('\n').pop()).toBe('1 passed, 1 failed');
    expect(res.status).toBe(1);
  });
});
