import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));

describe('logwarden silence, silences and unsilence', () => {
  it('sets, lists and removes a silence for one query_key value', async () => {
    // silence refuses rule names that are not in the rules folder.
    const rules = rulesFolder({ 'ssh.yaml': 'name: SSH brute force\ntype: any\nindex: auth-*\nquery_key: source.ip\nalert: [stdout]\n' });
    const wb = uniqueName('cli-sil');
    const env = { ...process.env, LOGWARDEN_WRITEBACK_INDEX: wb, LOGWARDEN_RULES_FOLDER: rules };
    try {
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
    } finally {
      rmSync(rules, { recursive: true, force: true });
      // The writeback the commands created, by name: the cluster is shared.
      const es = testEs();
      await es.client.indices.delete({ index: WRITEBACK_KINDS.map((k) => writebackIndexName(wb, k)), ignore_unavailable: true });
      await es.close();
    }
  });
});
