import { describe, expect, it } from '@jest/globals';
import { lintCommand } from '../../../src/cli/commands/lint.ts';
import { captureIO, REPO_ROOT, tempFolder } from './helpers.ts';

const GOOD = 'name: Good\ntype: any\nindex: logs-*\nalert: debug\n';
const ALSO_GOOD = 'name: Also good\ntype: frequency\nindex: logs-*\nnum_events: 3\ntimeframe: {minutes: 5}\nalert: debug\n';
const BAD = 'name: Bad\ntype: frequency\nindex: logs-*\ntimeframe: {minutes: 5}\nnum_events: ten\nalert:\n  - slak\n';

describe('logwarden lint', () => {
  it('prints every problem and a summary, and exits 1', async () => {
    const cwd = tempFolder({ 'config.yaml': 'rules_folder: rules\n', 'rules/good.yaml': GOOD, 'rules/bad.yaml': BAD, 'rules/also-good.yaml': ALSO_GOOD });
    const io = captureIO();
    expect(await lintCommand({ paths: [], cwd }, io)).toBe(1);
    expect(io.stdout).toEqual([
      'rules/bad.yaml:5: rule "Bad": num_events: expected an integer >= 1 and <= 1000000000, got "ten"',
      'rules/bad.yaml:7: rule "Bad": alert[0]: "slak": unknown alerter; did you mean "slack"?',
      '2 rules OK, 1 file with 2 problems',
    ]);
  });

  it('exits 0 when all is well', async () => {
    const cwd = tempFolder({ 'rules/good.yaml': GOOD, 'rules/also-good.yaml': ALSO_GOOD });
    const io = captureIO();
    expect(await lintCommand({ paths: [], cwd }, io)).toBe(0);
    expect(io.stdout).toEqual(['2 rules OK']);
  });

  it('prints a JSON report with --json', async () => {
    const cwd = tempFolder({ 'rules/good.yaml': GOOD, 'rules/bad.yaml': BAD });
    const io = captureIO();
    expect(await lintCommand({ paths: [], cwd, json: true }, io)).toBe(1);
    expect(JSON.parse(io.stdout.join('\n'))).toEqual({
      ok: false,
      rules: [{ file: 'rules/good.yaml', name: 'Good', type: 'any' }],
      problems: [
        { file: 'rules/bad.yaml', line: 5, rule: 'Bad', field: 'num_events', message: 'expected an integer >= 1 and <= 1000000000, got "ten"' },
        { file: 'rules/bad.yaml', line: 7, rule: 'Bad', field: 'alert[0]', message: '"slak": unknown alerter; did you mean "slack"?' },
      ],
    });
  });

  it('lints the files and folders given, and reports a path that does not exist', async () => {
    const cwd = tempFolder({ 'rules/good.yaml': GOOD, 'rules/bad.yaml': BAD, 'more/also-good.yaml': ALSO_GOOD });
    const io = captureIO();
    expect(await lintCommand({ paths: ['rules/good.yaml', 'more', 'nope.yaml'], cwd }, io)).toBe(1);
    expect(io.stdout).toEqual(['nope.yaml: no such file or folder', '2 rules OK, 1 file with 1 problem']);
  });

  it('reports config problems with the rule problems, linting the rules on defaults', async () => {
    const cwd = tempFolder({ 'config.yaml': 'run_evry: 1m\n', 'rules/good.yaml': GOOD });
    const io = captureIO();
    expect(await lintCommand({ paths: [], cwd }, io)).toBe(1);
    expect(io.stdout).toEqual(['config.yaml:1: run_evry: unknown option; did you mean "run_every"?', '1 rule OK, 1 file with 1 problem']);
  });

  it('reports what the engine would refuse: an alerter this version lacks, a rule type option out of range', async () => {
    const cwd = tempFolder({
      'rules/indexer.yaml': 'name: S\ntype: any\nindex: logs-*\nalert: indexer\n',
      'rules/slack.yaml': 'name: W\ntype: any\nindex: logs-*\nalert: slack\n',
      'rules/freq.yaml': 'name: F\ntype: frequency\nindex: logs-*\nnum_events: 3\ntimeframe: {minutes: 0}\nalert: debug\n',
    });
    const io = captureIO();
    expect(await lintCommand({ paths: ['rules'], cwd }, io)).toBe(1);
    expect(io.stdout.slice(0, -1).sort()).toEqual([
      'rules/freq.yaml: rule "F": timeframe: must be greater than 0',
      expect.stringMatching(/^rules\/indexer\.yaml:4: rule "S": alert: the "indexer" alerter is not available: not implemented in LogWarden yet \(.+\)$/),
      expect.stringMatching(/^rules\/slack\.yaml: rule "W": slack_webhook_url: /),
    ]);
    expect(io.stdout.at(-1)).toBe('0 rules OK, 3 files with 3 problems');
  });

  it('reads the config named with --config, and a ${VAR} in a rule from the environment', async () => {
    const cwd = tempFolder({ 'conf/logwarden.yaml': 'rules_folder: ../alerts\n', 'alerts/r.yaml': 'name: R\ntype: any\nindex: logs-*\nalert: debug\nslack_webhook_url: ${HOOK}\n' });
    const unset = captureIO();
    expect(await lintCommand({ paths: [], config: 'conf/logwarden.yaml', cwd }, unset)).toBe(1);
    expect(unset.stdout).toEqual(['alerts/r.yaml:5: rule "R": slack_webhook_url: environment variable HOOK is not set', '0 rules OK, 1 file with 1 problem']);
    const set = captureIO({ HOOK: 'https://hooks.slack.example/x' });
    expect(await lintCommand({ paths: [], config: 'conf/logwarden.yaml', cwd }, set)).toBe(0);
  });

  it('passes on the bundled rules', async () => {
    const io = captureIO();
    expect(await lintCommand({ paths: ['rules'], cwd: REPO_ROOT }, io)).toBe(0);
    expect(io.stdout).toHaveLength(1);
    expect(io.stdout[0]).toMatch(/^\d+ rules OK$/);
  });
});
