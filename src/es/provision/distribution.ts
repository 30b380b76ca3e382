import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ProvisionLog } from './types.ts';

const GROUP_ID = 'org.elasticsearch.distribution.integ-test-zip';
const ARTIFACT_ID = 'elasticsearch';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';

/** Where root publishes a distribution the unprivileged Elasticsearch user may read but not change. */
export const SHARED_DIST_DIR = '/var/cache/logwarden';

export interface DistributionOptions {
  version: string;
  cacheDir: string;
  log: ProvisionLog;
  /** Show Maven's download progress (a terminal is attached). */
  interactive: boolean;
}

/** Default cache: $LOGWARDEN_CACHE_DIR, else $XDG_CACHE_HOME/logwarden, else ~/.cache/logwarden. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.LOGWARDEN_CACHE_DIR) return env.LOGWARDEN_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'logwarden');
}

export function zipPath(cacheDir: string, version: string): string {
  return path.join(cacheDir, 'dist', `elasticsearch-${version}.zip`);
}

export function homePath(cacheDir: string, version: string): string {
  return path.join(cacheDir, `elasticsearch-${version}`);
}

/** Whether the distribution is cached (zip or unpacked), so starting needs no network. */
export function isCached(cacheDir: string, version: string): boolean {
  return isHome(homePath(cacheDir, version)) || existsSync(zipPath(cacheDir, version));
}

const isHome = (dir: string): boolean => existsSync(path.join(dir, 'bin', 'elasticsearch'));

/**
 * Moves a finished staging folder or file into place. Several runs may race here (parallel CI
 * jobs sharing a cache): rename is atomic, and when another run got there first its copy is as
 * good as ours, so ours is dropped.
 */
function publish(staged: string, final: string, complete: (p: string) => boolean): void {
  try {
    renameSync(staged, final);
  } catch (error) {
    if (!complete(final)) throw error;
  }
}

/**
 * Returns the unpacked distribution, downloading it through Maven and unpacking it only when
 * the cache lacks it; a cached copy needs no network. Every step works in a private staging
 * folder and renames its result into place, so an interrupted or concurrent run never sees a
 * half-written zip or distribution.
 */
export async function ensureDistribution(opts: DistributionOptions): Promise<string> {
  const home = homePath(opts.cacheDir, opts.version);
  if (isHome(home)) return home;
  const zip = zipPath(opts.cacheDir, opts.version);
  mkdirSync(path.dirname(zip), { recursive: true });
  if (!existsSync(zip)) await download(opts, zip);
  const staging = mkdtempSync(path.join(opts.cacheDir, '.unpack-'));
  try {
    opts.log.info(`Unpacking Elasticsearch ${opts.version} into ${home}`);
    await run('unzip', ['-q', zip, '-d', staging]);
    publish(path.join(staging, `elasticsearch-${opts.version}`), home, isHome);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return home;
}

async function download(opts: DistributionOptions, zip: string): Promise<void> {
  const artifact = `${GROUP_ID}:${ARTIFACT_ID}:${opts.version}:zip`;
  const staging = mkdtempSync(path.join(opts.cacheDir, '.download-'));
  opts.log.info(`Downloading Elasticsearch ${opts.version} (${artifact}) with Maven into ${path.dirname(zip)}; about 110 MB, once`);
  try {
    const args = [
      ...(opts.interactive ? [] : ['-B', '--no-transfer-progress']),
      '-q',
      `${DEPENDENCY_PLUGIN}:copy`,
      `-Dartifact=${artifact}`,
      `-DoutputDirectory=${staging}`,
    ];
    // -q hides Maven's chatter but not its transfer progress, which a person at a terminal wants to see.
    await run('mvn', args, opts.interactive ? 'inherit' : 'pipe');
    const fetched = readdirSync(staging).find((f) => f.endsWith('.zip'));
    if (!fetched) throw new Error(`Maven finished but no zip is in ${staging}`);
    publish(path.join(staging, fetched), zip, existsSync);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/**
 * A copy of the distribution that `canRead` accepts: the cache itself when it is readable,
 * else (root, with the cache under a private home) one root-owned, read-only copy per version
 * in SHARED_DIST_DIR, made once per machine. Instances never get a copy of their own.
 */
export async function readableHome(
  home: string,
  version: string,
  canRead: (dir: string) => boolean,
  log: ProvisionLog,
  sharedDir = SHARED_DIST_DIR,
): Promise<string> {
  if (canRead(path.join(home, 'lib'))) return home;
  const shared = path.join(sharedDir, `elasticsearch-${version}`);
  if (!isHome(shared)) {
    mkdirSync(sharedDir, { recursive: true, mode: 0o755 });
    const staging = mkdtempSync(path.join(sharedDir, '.copy-'));
    try {
      log.info(`Publishing Elasticsearch ${version} read-only in ${shared} for the unprivileged user (once)`);
      const target = path.join(staging, 'home');
      await run('cp', ['-a', home, target]);
      // A copy, not hard links: the links would share owner and mode with the private cache.
      await run('chown', ['-R', '0:0', target]);
      await run('chmod', ['-R', 'go-w,a+rX', target]);
      publish(target, shared, isHome);
    } finally {
      rmSync(staging, { recursive: true, force: true });
    }
  }
  if (!canRead(path.join(shared, 'lib')))
    throw new Error(`${shared} is not readable by the Elasticsearch user; check the permissions of ${sharedDir} and its parents`);
  return shared;
}

export function run(command: string, args: string[], stdio: 'inherit' | 'pipe' = 'pipe'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.stderr?.on('data', (d: Buffer) => {
      output += d.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`));
    });
  });
}

/** Whether `command` is on the PATH of `env` (default: this process's). */
export function commandExists(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return spawnSync('/bin/sh', ['-c', `command -v ${command}`], { stdio: 'ignore', env: { PATH: env.PATH ?? '' } }).status === 0;
}
