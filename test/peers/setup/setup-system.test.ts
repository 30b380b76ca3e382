import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/setup-system.sh', import.meta.url));
const root = mkdtempSync(path.join(os.tmpdir(), 'logwarden-setup-system-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A PATH holding only the named commands (each a no-op) and an `id` that says we are `uid`. */
function machine(name: string, uid: number, commands: string[]): string {
  const bin = path.join(root, name);
  mkdirSync(bin);
  for (const command of [...commands, 'id']) {
    writeFileSync(path.join(bin, command), command === 'id' ? `#!/bin/sh\necho ${uid}\n` : '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(bin, command), 0o755);
  }
  return bin;
}

const run = (pathVar: string, purpose: string, env: NodeJS.ProcessEnv = {}) =>
  spawnSync('/bin/bash', [script, purpose], { env: { PATH: pathVar, ...env }, encoding: 'utf8' });

describe('scripts/setup-system.sh', () => {
  it('as non-root on a fresh machine, names what is missing and why, and prints the exact command', () => {
    const result = run(machine('fresh', 1000, []), 'test');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('missing maven unzip openjdk-17-jdk-headless util-linux openssl chromium for `npm test`');
    expect(result.stderr).toContain('chromium (the status page is tested in a real headless browser)');
    expect(result.stderr).toContain(
      'sudo apt-get install -y --no-install-recommends maven unzip openjdk-17-jdk-headless util-linux openssl chromium',
    );
  });

  it('for the demo asks only for what a local Elasticsearch needs, and nothing with ES_URL set', () => {
    const pathVar = machine('demo', 1000, ['openssl']);
    const demo = run(pathVar, 'demo');
    expect(demo.status).toBe(1);
    expect(demo.stderr).toContain('missing maven unzip openjdk-17-jdk-headless util-linux for `npm run demo`');
    expect(demo.stderr).not.toContain('chromium');
    const withCluster = run(pathVar, 'demo', { ES_URL: 'http://127.0.0.1:9200' });
    expect({ status: withCluster.status, stderr: withCluster.stderr }).toEqual({ status: 0, stderr: '' });
  });

  it('is silent and installs nothing when everything is present', () => {
    const result = run(machine('ready', 0, ['mvn', 'unzip', 'java', 'setpriv', 'openssl', 'chromium']), 'test');
    expect({ status: result.status, stderr: result.stderr, stdout: result.stdout }).toEqual({ status: 0, stderr: '', stdout: '' });
  });
});
