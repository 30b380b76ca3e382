import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { BacktestReport } from '../../src/backtest/report.ts';
import { backtestCommand } from '../../src/cli/commands/backtest.ts';
import { runCli } from '../../src/cli/program.ts';
import { rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { frequencyRule, HOSTILE_USER, indexKnownEvents, writebackExists } from '../support/replay-data.ts';

const es = testEs();
const index = uniqueName('bt-logs');
const realWriteback = uniqueName('bt-real-wb');
const RANGE = ['--start', '2026-01-01T00:00:00Z', '--end', '2026-01-04T00:00:00Z'];
const HOSTILE_RULE = '<script>alert("rule")</script> every failure';

async function backtest(args: string[]): Promise<{ code: number; out: string; err: string }> {
  const stdout: string[] = [];
  const stderr: string[] = [];
  const code = await runCli(['backtest', ...args], {
    env: { ...process.env, LOGWARDEN_WRITEBACK_INDEX: realWriteback },
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    onStop: () => undefined,
  });
  return { code, out: stdout.join('\n'), err: stderr.join('\n') };
}

let folder: string;

beforeAll(async () => {
  await indexKnownEvents(es, index);
  folder = rulesFolder({
    'ssh.yaml': frequencyRule(index),
    // Every failure alerts (no realert): the noisy one, with a name that is HTML.
    'every.yaml': `name: ${JSON.stringify(HOSTILE_RULE)}\ntype: any\nindex: ${index}\nrealert: {minutes: 0}\nfilter:\n  - term:\n      event.outcome: failure\nalert_subject: "failure for {0}"\nalert_subject_args: [user.name]\nalert: [stdout]\n`,
    // Alerts whose text carries the hostile user name from the documents.
    'mallory.yaml': `name: Mallory\ntype: any\nindex: ${index}\nrealert: {minutes: 0}\nfilter:\n  - prefix:\n      user.name: mallory\nalert_subject: "failure for {0}"\nalert_subject_args: [user.name]\nalert: [stdout]\n`,
    'quiet.yaml': `name: Quiet\ntype: any\nindex: ${index}\nfilter:\n  - term:\n      event.outcome: nothing-like-this\nalert: [stdout]\n`,
    'badquery.yaml': `name: Bad query\ntype: any\nindex: ${index}\nfilter:\n  - query_string:\n      query: "user.name:(("\nalert: [stdout]\n`,
    'invalid.yaml': `name: Invalid\ntype: frequency\nindex: ${index}\nnum_events: ten\ntimeframe: {minutes: 5}\nalert: [stdout]\n`,
    'off.yaml': `name: Off\ntype: any\nindex: ${index}\nis_enabled: false\nalert: [stdout]\n`,
  });
});

afterAll(async () => {
  await es.client.indices.delete({ index, ignore_unavailable: true });
  await es.close();
});

describe('logwarden backtest', () => {
  let report: BacktestReport;
  const html = (): string => path.join(folder, 'report.html');

  it('--json: alerts per rule per day, ranked, noisy marked; failing rules listed while the others ran', async () => {
    const run = await backtest([folder, ...RANGE, '--noisy', '5', '--json', '--html', html()]);
    expect(run.code).toBe(1);
    report = JSON.parse(run.out) as BacktestReport;
    expect(report.schema).toBe('logwarden.backtest/1');
    expect(report.days.map((d) => d.day)).toEqual(['2026-01-01', '2026-01-02', '2026-01-03']);
    expect(report.rules.map((r) => [r.name, r.alertsPerDay, r.total, r.peak, r.noisy])).toEqual([
      [HOSTILE_RULE, [13, 1, 6], 20, 13, true],
      ['SSH brute force', [2, 1, 2], 5, 2, false],
      ['Mallory', [0, 0, 3], 3, 3, false],
      ['Quiet', [0, 0, 0], 0, 0, false],
    ]);
    const ssh = report.rules[1];
    expect(ssh).toMatchObject({ hits: 20, matches: 6, suppressed: 1 });
    expect(ssh?.firstAlerts.map((a) => a.subject)).toEqual([
      'Brute force against alice',
      'Brute force against alice',
      'Brute force against carol',
    ]);
    expect(report.totals).toEqual({ alerts: 28, alertsPerDay: [15, 2, 11] });
    expect(report.failed.map((f) => [f.rule, f.day])).toEqual([
      ['Invalid', null],
      ['Bad query', '2026-01-01'],
    ]);
    expect(report.failed[0]?.error).toContain('num_events');
    expect(report.failed[1]?.error).toContain('HTTP 400');
    expect(report.skipped).toEqual([{ file: expect.stringContaining('off.yaml'), rule: 'Off', reason: 'is_enabled: false' }]);
    expect(run.err).toContain('HTML report written to');
  });

  it('used a throwaway writeback that is gone afterwards, and never created the real one', async () => {
    expect(report.writeback.throwaway).toBe(true);
    expect(report.writeback.index).toMatch(/^logwarden-backtest-[0-9a-f]{8}$/);
    expect(await writebackExists(es, report.writeback.index)).toBe(false);
    expect(await writebackExists(es, realWriteback)).toBe(false);
  });

  it('wrote a self-contained HTML report with the SVG chart, escaping the hostile rule name and document values', () => {
    const page = readFileSync(html(), 'utf8');
    expect(page).toContain('<svg xmlns="http://www.w3.org/2000/svg"');
    expect(page).toContain('>day (UTC)</text>');
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(&quot;rule&quot;)&lt;/script&gt; every failure');
    // A value from a document: the hostile user name in an alert subject, escaped and without control characters.
    expect(page).toContain('failure for mallory&lt;img src=x onerror=alert(1)&gt;');
    expect(page).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
    expect(HOSTILE_USER).toContain('<img');
  });

  it('prints the noise table for a person, noisiest first, with the marker and totals', async () => {
    // The command itself, to see the progress runCli gives it only when stderr is a terminal.
    const stdout: string[] = [];
    const stderr: string[] = [];
    const progress: string[] = [];
    const code = await backtestCommand(
      {
        paths: ['ssh.yaml', 'every.yaml', 'quiet.yaml'].map((f) => path.join(folder, f)),
        start: '2026-01-01T00:00:00Z',
        end: '2026-01-04T00:00:00Z',
        noisy: 5,
      },
      {
        env: { ...process.env, LOGWARDEN_WRITEBACK_INDEX: realWriteback },
        out: (l) => stdout.push(l),
        err: (l) => stderr.push(l),
        onStop: () => undefined,
      },
      { progress: (p) => progress.push(p) },
    );
    const run = { code, out: stdout.join('\n'), err: stderr.join('\n') };
    expect(run.code).toBe(0);
    expect(progress.filter((p) => p !== '')).toEqual(
      [1, 2, 3].flatMap((r) => [1, 2, 3].map((d) => expect.stringMatching(new RegExp(`^rule ${r}/3: .+ day ${d}/3$`)))),
    );
    expect(progress[progress.length - 1]).toBe('');
    expect(run.out).toContain(
      [
        '   rule                                          01-01  01-02  01-03  total',
        '!  <script>alert("rule")</script> every failure     13      1      6     20',
        '   SSH brute force                                   2      1      2      5',
        '   Quiet                                             0      0      0      0',
        '   all rules                                        15      2      8     25',
      ].join('\n'),
    );
    expect(run.out).toContain('! = more than 5 alerts on some day');
    expect(run.err).toBe('');
  });
});
