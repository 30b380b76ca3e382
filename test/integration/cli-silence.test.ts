import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rulesFolder } from '../support/engine.ts';
import { uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));

describe('logwarden silence, silences and unsilence', () => {
  it('sets, lists and removes a silence for one query_key value', () => {
    // silence refuses rule names that are not in the rules folder.
    const rules = rulesFolder({ 'ssh.yaml': 'name: SSH brute force\ntype: any\nindex: auth-*\nquery_key: source.ip\nalert: [stdout]\n' });
    const env = { ...process.env, LOGWARDEN_WRITEBACK_INDEX: uniqueName('cli-sil'), LOGWARDEN_RULES_FOLDER: rules };
    const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { env, encoding: 'utf8' });
    const set = cli('silence', '--rule', 'SSH brute force', '--key', '10.0.0.1', '--for', '2h', '--reason', 'pentest');
    expect(set.stderr).toBe('');
    expect(set.stdout).toMatch(/^Silenced SSH brute force\.10\.0\.0\.1 for 2h \(until /);
    const list = cli('silences', '--json');
    const parsed = JSON.parse(list.stdout) as { key: string; reason: string }[];
    expect(parsed).toEqual([expect.objectContaining({ key: 'SSH brute force.10.0.0.1', reason: 'pentest' })]);
    expect(cli('unsilence', '--rule', 'SSH brute force', '--key', '10.0.0.1').status).toBe(0);
    expect(cli('silences').stdout.trim()).toBe('No active silences.');
    expect(cli('unsilence', '--rule', 'SSH brute force', '--key', '10.0.0.1').status).toBe(1);
    rmSync(rules, { recursive: true, force: true });
  });
});
