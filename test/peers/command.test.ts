/**
 * The command alerter running real programs: a small Node script records its argv and standard
 * input in a temporary folder, so the tests see exactly what the program received.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createCommandAlerter } from '../../alerters/command/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { alertOf, httpRule, MATCH, refOf } from '../unit/alerters/http-fixtures.ts';
import { thrown } from './http-peer.ts';

let dir: string;
let recorder: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'logwarden-command-'));
  recorder = path.join(dir, 'record.cjs');
  // Writes {argv, stdin} to the file named by its first argument; exits with its second.
  writeFileSync(
    recorder,
    `const fs = require('fs'); let input = ''; process.stdin.on('data', (c) => (input += c)); process.stdin.on('end', () => { fs.writeFileSync(process.argv[2], JSON.stringify({ argv: process.argv.slice(3), stdin: input })); process.stderr.write('recorder says hi\\n'); process.exit(Number(process.env.EXIT_CODE ?? 0) || Number(process.argv[3] === 'fail' ? 3 : 0)); });`,
  );
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function run(options: Record<string, unknown>): { alerter: Alerter; out: string } {
  const out = path.join(dir, `out-${++n}.json`);
  const given = options['command'];
  const command = Array.isArray(given) ? given.map((a: string) => a.replace('OUT', out)) : given;
  const rule = httpRule('command', { ...options, command });
  return { alerter: createCommandAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined }), out };
}
const recorded = (out: string): { argv: string[]; stdin: string } =>
  JSON.parse(readFileSync(out, 'utf8')) as { argv: string[]; stdin: string };

describe('command', () => {
  it('passes values as separate arguments, never through a shell, each parsed once', async () => {
    const value = '$(id) `id`; rm -rf / # {0} %(user.name)s {{x}} \u0000end';
    const { alerter, out } = run({
      command: [process.execPath, recorder, 'OUT', 'user=%(user.name)s', '{source.ip}', '100%% {{literal}}', '%(nope)s'],
    });
    await alerter.send(alertOf({ ...MATCH, user: { name: value } }));
    expect(recorded(out).argv).toEqual([`user=${value.replace('\u0000', '')}`, '10.0.0.1', '100% {literal}', '<MISSING VALUE>']);
    expect(recorded(out).stdin).toBe('');
  });

  it('pipe_match_json writes the match list as JSON and a newline; pipe_alert_text the alert text', async () => {
    const json = run({ command: [process.execPath, recorder, 'OUT'], pipe_match_json: true });
    await json.alerter.send(alertOf({ user: 'bob', n: 1 }));
    expect(recorded(json.out).stdin).toBe('[{"user": "bob", "n": 1}]\n');
    const text = run({ command: [process.execPath, recorder, 'OUT'], pipe_alert_text: true });
    await text.alerter.send(alertOf(MATCH));
    expect(recorded(text.out).stdin).toBe('SSH brute force\n\nuser: bob\n');
  });

  it('a non-zero exit fails (retryable) only with fail_on_non_zero_exit, quoting stderr', async () => {
    await run({ command: [process.execPath, recorder, 'OUT', 'fail'] }).alerter.send(alertOf(MATCH));
    const error = await thrown(() =>
      run({ command: [process.execPath, recorder, 'OUT', 'fail'], fail_on_non_zero_exit: true }).alerter.send(alertOf(MATCH)),
    );
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^command: ".*" exited with 3; stderr: recorder says hi$/);
  });

  it('a program that cannot be found fails for good; one that hangs is killed after command_timeout and retried', async () => {
    const missing = await thrown(() => run({ command: [path.join(dir, 'no-such-program')] }).alerter.send(alertOf(MATCH)));
    expect(missing.retryable).toBe(false);
    expect(missing.message).toContain('ENOENT');
    const hang = await thrown(() =>
      run({ command: [process.execPath, '-e', 'setTimeout(() => {{}}, 60000)'], command_timeout: 0.3 }).alerter.send(alertOf(MATCH)),
    );
    expect(hang.retryable).toBe(true);
    expect(hang.message).toContain('did not finish within 0.3s and was killed');
  });

  it('refuses at load: a command string (a shell), an unsupported placeholder, an empty list', () => {
    expect(() => run({ command: 'notify-send "%(user)s"' })).toThrow('command: a string is run through a shell by ElastAlert2');
    expect(() => run({ command: ['echo', '%(n)d'] })).toThrow('command[1]: "%(n)d": only %(field)s is supported');
    expect(() => run({ command: ['echo', 'a } b'] })).toThrow('command[1]: unbalanced "}"');
    expect(() => run({ command: [] })).toThrow('command: must name a program');
  });
});
