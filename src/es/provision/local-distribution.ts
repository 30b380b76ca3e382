import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, chownSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, renameSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { DEFAULT_JVM_DIR, findJava, requiredJavaMajor } from './java.ts';
import type { ProvisionedCluster, ProvisionLog } from './types.ts';

const GROUP_ID = 'org.elasticsearch.distribution.integ-test-zip';
const ARTIFACT_ID = 'elasticsearch';
const DEPENDENCY_PLUGIN = 'org.apache.maven.plugins:maven-dependency-plugin:3.8.1';
const ADMIN_USER = 'logwarden_admin';

export interface LocalOptions {
  version: string;
  cacheDir: string;
  env: NodeJS.ProcessEnv;
  log: ProvisionLog;
  /** Show Maven's download progress (a terminal is attached). */
  interactive: boolean;
  heap?: string;
  startTimeoutMs?: number;
  /** Where installed JDKs are looked for; default /usr/lib/jvm. */
  jvmDir?: string;
}

/** Default cache: $LOGWARDEN_CACHE_DIR, else $XDG_CACHE_HOME/logwarden, else ~/.cache/logwarden. */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  if (env.LOGWARDEN_CACHE_DIR) return env.LOGWARDEN_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache');
  return path.join(base, 'logwarden');
}

/** Whether `command` is on the PATH of `env` (default: this process's). */
export function commandExists(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  return spawnSync('/bin/sh', ['-c', `command -v ${command}`], { stdio: 'ignore', env: { PATH: env.PATH ?? '' } }).status === 0;
}

/** Why the local distribution cannot be used here, or undefined when it can. */
export function localUnavailableReason(version: string, env: NodeJS.ProcessEnv, cacheDir: string, jvmDir = DEFAULT_JVM_DIR): string | undefined {
  const minJava = requiredJavaMajor(version);
  const missing: string[] = [];
  if (!findJava(minJava, env, jvmDir)) missing.push(`a Java ${minJava}+ JDK (set ES_JAVA_HOME or JAVA_HOME, or install one under ${jvmDir})`);
  if (!existsSync(zipPath(cacheDir, version)) && !existsSync(homePath(cacheDir, version)) && !commandExists('mvn', env)) {
    missing.push('Maven (`mvn`) to download the distribution, or a cached copy in ' + cacheDir);
  }
  return missing.length > 0 ? `missing ${missing.join(' and ')}` : undefined;
}

function zipPath(cacheDir: string, version: string): string {
  return path.join(cacheDir, 'dist', `elasticsearch-${version}.zip`);
}

function homePath(cacheDir: string, version: string): string {
  return path.join(cacheDir, `elasticsearch-${version}`);
}

/**
 * Returns the unpacked distribution, downloading it through Maven and unpacking it only when
 * the cache lacks it; a cached copy needs no network.
 */
export async function ensureDistribution(opts: LocalOptions): Promise<string> {
  const home = homePath(opts.cacheDir, opts.version);
  if (existsSync(path.join(home, 'bin', 'elasticsearch'))) return home;
  const zip = zipPath(opts.cacheDir, opts.version);
  if (!existsSync(zip)) await download(opts, zip);
  mkdirSync(opts.cacheDir, { recursive: true });
  const staging = mkdtempSync(path.join(opts.cacheDir, '.unpack-'));
  try {
    opts.log.info(`Unpacking Elasticsearch ${opts.version} into ${home}`);
    await run('unzip', ['-q', zip, '-d', staging]);
    // Unpack beside the final place and rename, so an interrupted unpack never looks complete.
    renameSync(path.join(staging, `elasticsearch-${opts.version}`), home);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return home;
}

async function download(opts: LocalOptions, zip: string): Promise<void> {
  const artifact = `${GROUP_ID}:${ARTIFACT_ID}:${opts.version}:zip`;
  opts.log.info(`Downloading Elasticsearch ${opts.version} (${artifact}) with Maven into ${path.dirname(zip)}; about 110 MB, once`);
  const args = [
    ...(opts.interactive ? [] : ['-B', '--no-transfer-progress']),
    '-q',
    `${DEPENDENCY_PLUGIN}:copy`,
    `-Dartifact=${artifact}`,
    `-DoutputDirectory=${path.dirname(zip)}`,
  ];
  // -q hides Maven's chatter but not its transfer progress, which a person at a terminal wants to see.
  await run('mvn', args, opts.interactive ? 'inherit' : 'pipe');
  if (!existsSync(zip)) throw new Error(`Maven finished but ${zip} is missing`);
}

function run(command: string, args: string[], stdio: 'inherit' | 'pipe' = 'pipe'): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: stdio === 'inherit' ? ['ignore', 'inherit', 'inherit'] : ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${command} ${args.join(' ')} exited with ${code}\n${output.slice(-4000)}`));
    });
  });
}

interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

/** Elasticsearch refuses to run as root: as root we run it as an unprivileged system user, created once. */
function ensureUnprivilegedUser(name: string): RunAs {
  if (spawnSync('id', ['-u', name], { stdio: 'ignore' }).status !== 0) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { encoding: 'utf8' });
    if (made.status !== 0 && spawnSync('id', ['-u', name], { stdio: 'ignore' }).status !== 0) {
      throw new Error(`cannot create the unprivileged user "${name}" to run Elasticsearch: ${made.stderr.trim()}`);
    }
  }
  const uid = Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
  return { user: name, uid, gid };
}

function canAccess(runAs: RunAs, file: string): boolean {
  return spawnSync('setpriv', ['--reuid', String(runAs.uid), '--regid', String(runAs.gid), '--clear-groups', 'test', '-r', file], { stdio: 'ignore' }).status === 0;
}

function chownTree(dir: string, runAs: RunAs): void {
  spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, dir]);
  chownSync(dir, runAs.uid, runAs.gid);
}

/**
 * Starts a single-node cluster from the cached distribution, bound to 127.0.0.1 on a port the
 * kernel picks, with security on and a generated admin password, data in a fresh temp dir.
 */
export async function startLocal(opts: LocalOptions): Promise<ProvisionedCluster> {
  const minJava = requiredJavaMajor(opts.version);
  const java = findJava(minJava, opts.env, opts.jvmDir);
  if (!java) throw new Error(`Elasticsearch ${opts.version} needs Java ${minJava}+, and none was found`);
  let home = await ensureDistribution(opts);

  const isRoot = process.getuid?.() === 0;
  const runAs = isRoot ? ensureUnprivilegedUser(opts.env.LOGWARDEN_ES_USER || 'logwarden-es') : undefined;
  const instance = mkdtempSync(path.join(os.tmpdir(), 'logwarden-es-'));
  chmodSync(instance, 0o755);
  if (runAs && !canAccess(runAs, path.join(home, 'lib'))) {
    // The cache usually sits under /root, which the unprivileged user cannot enter; a hard-linked
    // copy costs no disk and keeps the cache itself private.
    const linked = path.join(instance, 'home');
    const copied = spawnSync('cp', ['-al', home, linked]);
    if (copied.status !== 0) cpSync(home, linked, { recursive: true });
    home = linked;
  }
  const config = path.join(instance, 'config');
  cpSync(path.join(home, 'config'), config, { recursive: true });
  for (const dir of ['data', 'logs', 'tmp']) mkdirSync(path.join(instance, dir));
  if (runAs) chownTree(instance, runAs);

  const password = randomBytes(18).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    PATH: opts.env.PATH,
    HOME: instance,
    ES_JAVA_HOME: java.home,
    ES_PATH_CONF: config,
    ES_TMPDIR: path.join(instance, 'tmp'),
    ES_JAVA_OPTS: `-Xms${opts.heap ?? '512m'} -Xmx${opts.heap ?? '512m'}`,
  };
  const asUser = (command: string, args: string[]): [string, string[]] => {
    // --pdeathsig: if the process that started us dies (test runner killed, Ctrl-C), so do we.
    const prefix = runAs
      ? ['--reuid', String(runAs.uid), '--regid', String(runAs.gid), '--clear-groups']
      : [];
    return commandExists('setpriv')
      ? ['setpriv', [...prefix, '--pdeathsig', 'TERM', '--', command, ...args]]
      : [command, args];
  };

  const [userCmd, userArgs] = asUser(path.join(home, 'bin', 'elasticsearch-users'), ['useradd', ADMIN_USER, '-p', password, '-r', 'superuser']);
  const addUser = spawnSync(userCmd, userArgs, { env, encoding: 'utf8' });
  if (addUser.status !== 0) throw new Error(`elasticsearch-users failed: ${addUser.stderr.replaceAll(password, '***')}`);

  const settings = [
    'discovery.type=single-node',
    'network.host=127.0.0.1',
    'http.port=0',
    'transport.port=0',
    'node.portsfile=true',
    `path.data=${path.join(instance, 'data')}`,
    `path.logs=${path.join(instance, 'logs')}`,
    'cluster.name=logwarden-local',
    'xpack.security.enabled=true',
    'xpack.security.http.ssl.enabled=false',
    'xpack.security.transport.ssl.enabled=false',
    'cluster.routing.allocation.disk.threshold_enabled=false',
    'action.destructive_requires_name=false',
  ];
  const [esCmd, esArgs] = asUser(path.join(home, 'bin', 'elasticsearch'), settings.map((s) => `-E${s}`));
  opts.log.info(`Starting Elasticsearch ${opts.version} on Java ${java.major}${runAs ? ` as user ${runAs.user}` : ''} (data in ${instance})`);
  // Console output goes to a file, not a pipe: a parent whose event loop is busy (a test calling
  // spawnSync) would stop draining a pipe, and Elasticsearch would block writing its log.
  const consoleLog = path.join(instance, 'logs', 'console.log');
  const consoleFd = openSync(consoleLog, 'a');
  const child = spawn(esCmd, esArgs, { env, detached: true, stdio: ['ignore', consoleFd, consoleFd] });
  closeSync(consoleFd);
  const tail = (): string => {
    try {
      return readFileSync(consoleLog, 'utf8').slice(-8000);
    } catch {
      return '';
    }
  };
  let exited = false;
  const exitPromise = new Promise<void>((resolve) => child.on('exit', () => { exited = true; resolve(); }));

  const stop = makeStopper(child, exitPromise, instance, opts);
  try {
    const port = await waitForPort(path.join(instance, 'logs', 'http.ports'), () => exited, opts.startTimeoutMs ?? 120_000);
    const url = `http://127.0.0.1:${port}`;
    const version = await waitForHealth(url, ADMIN_USER, password, () => exited, opts.startTimeoutMs ?? 120_000);
    opts.log.info(`Elasticsearch ${version} is up at ${url}`);
    return { method: 'local', connection: { url, username: ADMIN_USER, password }, version, stop };
  } catch (error) {
    await stop();
    const reason = error instanceof Error ? error.message : String(error);
    throw new Error(`Elasticsearch ${opts.version} did not start: ${reason}\n--- last output ---\n${tail().replaceAll(password, '***')}`);
  }
}

function makeStopper(child: ChildProcess, exitPromise: Promise<void>, instance: string, opts: LocalOptions): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      const group = child.pid;
      if (group !== undefined) {
        signalGroup(group, 'SIGTERM');
        const timeout = new AbortController();
        const graceful = await Promise.race([
          exitPromise.then(() => true),
          delay(30_000, false, { signal: timeout.signal }).catch(() => false),
        ]);
        timeout.abort();
        if (!graceful) signalGroup(group, 'SIGKILL');
        // The launcher exits first; wait until the server JVM in the same group is gone too.
        for (let i = 0; i < 300 && groupAlive(group); i++) await delay(100);
        if (groupAlive(group)) signalGroup(group, 'SIGKILL');
      }
      if (!opts.env.LOGWARDEN_ES_KEEP_DATA) rmSync(instance, { recursive: true, force: true });
    })();
    return stopping;
  };
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try { process.kill(-group, signal); } catch { /* already gone */ }
}

function groupAlive(group: number): boolean {
  try { process.kill(-group, 0); return true; } catch { return false; }
}

async function waitForPort(portsFile: string, exited: () => boolean, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited()) throw new Error('the process exited during startup');
    if (existsSync(portsFile)) {
      const first = readFileSync(portsFile, 'utf8').split('\n')[0] ?? '';
      const port = Number(first.slice(first.lastIndexOf(':') + 1));
      if (port > 0) return port;
    }
    await delay(200);
  }
  throw new Error(`no HTTP port published within ${timeoutMs / 1000}s`);
}

async function waitForHealth(url: string, user: string, password: string, exited: () => boolean, timeoutMs: number): Promise<string> {
  const auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  const deadline = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < deadline) {
    if (exited()) throw new Error('the process exited during startup');
    try {
      const health = await fetch(`${url}/_cluster/health?wait_for_status=yellow&timeout=2s`, { headers: { authorization: auth } });
      if (health.ok) {
        const nodes = await fetch(`${url}/_nodes/_local?filter_path=nodes.*.version`, { headers: { authorization: auth } });
        const body = (await nodes.json()) as { nodes?: Record<string, { version: string }> };
        return Object.values(body.nodes ?? {})[0]?.version ?? 'unknown';
      }
      last = `HTTP ${health.status}`;
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    await delay(500);
  }
  throw new Error(`cluster not healthy within ${timeoutMs / 1000}s (${last})`);
}

/** Whether the distribution is cached (zip or unpacked), so starting needs no network. */
export function isCached(cacheDir: string, version: string): boolean {
  return existsSync(path.join(homePath(cacheDir, version), 'bin', 'elasticsearch')) || existsSync(zipPath(cacheDir, version));
}
