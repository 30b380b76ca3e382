import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, cpSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { commandExists, ensureDistribution, homePath, readableHome, zipPath } from './distribution.ts';
import { DEFAULT_JVM_DIR, findJava, requiredJavaMajor } from './java.ts';
import { startReaper, type Reaper } from './reaper.ts';
import { canAccess, ensureUnprivilegedUser } from './run-as.ts';
import type { ProvisionedCluster, ProvisionLog } from './types.ts';
import { sleep, systemClock } from '../../schedule/clock.ts';

export { commandExists, defaultCacheDir, ensureDistribution, isCached } from './distribution.ts';

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

/** Why the local distribution cannot be used here, or undefined when it can. */
export function localUnavailableReason(
  version: string,
  env: NodeJS.ProcessEnv,
  cacheDir: string,
  jvmDir = DEFAULT_JVM_DIR,
): string | undefined {
  const minJava = requiredJavaMajor(version);
  const missing: string[] = [];
  if (!findJava(minJava, env, jvmDir))
    missing.push(`a Java ${minJava}+ JDK (set ES_JAVA_HOME or JAVA_HOME, or install one under ${jvmDir})`);
  if (!existsSync(zipPath(cacheDir, version)) && !existsSync(homePath(cacheDir, version)) && !commandExists('mvn', env)) {
    missing.push('Maven (`mvn`) to download the distribution, or a cached copy in ' + cacheDir);
  }
  return missing.length > 0 ? `missing ${missing.join(' and ')}` : undefined;
}

/**
 * Starts a single-node cluster from the cached distribution, bound to 127.0.0.1 on a port the
 * kernel picks, with security on and a generated admin password, data in a fresh temp dir.
 */
export async function startLocal(opts: LocalOptions): Promise<ProvisionedCluster> {
  const minJava = requiredJavaMajor(opts.version);
  const java = findJava(minJava, opts.env, opts.jvmDir);
  if (!java) throw new Error(`Elasticsearch ${opts.version} needs Java ${minJava}+, and none was found`);
  const cached = await ensureDistribution(opts);

  const isRoot = process.getuid?.() === 0;
  const runAs = isRoot ? await ensureUnprivilegedUser(opts.env.LOGWARDEN_ES_USER || 'logwarden-es') : undefined;
  // Every instance shares one read-only distribution and owns only its config, data, logs and tmp.
  const home = runAs ? await readableHome(cached, opts.version, (dir) => canAccess(runAs, dir), opts.log) : cached;
  const instance = mkdtempSync(path.join(os.tmpdir(), 'logwarden-es-'));
  // Removes the instance folder (and ends Elasticsearch) if this process dies without stopping it.
  const reaper = startReaper(instance);
  chmodSync(instance, 0o755);
  const config = path.join(instance, 'config');
  cpSync(path.join(home, 'config'), config, { recursive: true });
  for (const dir of ['data', 'logs', 'tmp']) mkdirSync(path.join(instance, dir));
  if (runAs) spawnSync('chown', ['-R', `${runAs.uid}:${runAs.gid}`, instance]);

  const password = randomBytes(18).toString('base64url');
  const env: NodeJS.ProcessEnv = {
    PATH: opts.env.PATH,
    HOME: instance,
    ES_JAVA_HOME: java.home,
    ES_PATH_CONF: config,
    ES_TMPDIR: path.join(instance, 'tmp'),
    // No hsperfdata_* and no final-flags* folders in the machine's /tmp: the JVMs' temp files stay
    // in the instance, which is removed with it.
    ES_JAVA_OPTS: `-Xms${opts.heap ?? '512m'} -Xmx${opts.heap ?? '512m'} -XX:-UsePerfData`,
    CLI_JAVA_OPTS: `-XX:-UsePerfData -Djava.io.tmpdir=${path.join(instance, 'tmp')}`,
  };
  const asUser = (command: string, args: string[]): [string, string[]] => {
    // --pdeathsig: if the process that started us dies (test runner killed, Ctrl-C), so do we.
    const prefix = runAs ? ['--reuid', String(runAs.uid), '--regid', String(runAs.gid), '--clear-groups'] : [];
    return commandExists('setpriv') ? ['setpriv', [...prefix, '--pdeathsig', 'TERM', '--', command, ...args]] : [command, args];
  };

  const [userCmd, userArgs] = asUser(path.join(home, 'bin', 'elasticsearch-users'), [
    'useradd',
    ADMIN_USER,
    '-p',
    password,
    '-r',
    'superuser',
  ]);
  const addUser = spawnSync(userCmd, userArgs, { env, encoding: 'utf8' });
  if (addUser.status !== 0) {
    rmSync(instance, { recursive: true, force: true });
    reaper.release();
    throw new Error(`elasticsearch-users failed: ${addUser.stderr.replaceAll(password, '***')}`);
  }

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
    // A whole test run creates many small indices; the default 1,000 shards would make a suite
    // fail on index creation long before the cluster is short of anything real.
    'cluster.max_shards_per_node=10000',
  ];
  const [esCmd, esArgs] = asUser(
    path.join(home, 'bin', 'elasticsearch'),
    settings.map((s) => `-E${s}`),
  );
  opts.log.info(
    `Starting Elasticsearch ${opts.version} on Java ${java.major}${runAs ? ` as user ${runAs.user}` : ''} (data in ${instance})`,
  );
  // Console output goes to a file, not a pipe: a parent whose event loop is busy (a test calling
  // spawnSync) would stop draining a pipe, and Elasticsearch would block writing its log.
  const consoleLog = path.join(instance, 'logs', 'console.log');
  const consoleFd = openSync(consoleLog, 'a');
  const child = spawn(esCmd, esArgs, { env, detached: true, stdio: ['ignore', consoleFd, consoleFd] });
  closeSync(consoleFd);
  if (child.pid !== undefined) reaper.watchGroup(child.pid);
  const tail = (): string => {
    try {
      return readFileSync(consoleLog, 'utf8').slice(-8000);
    } catch {
      return '';
    }
  };
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    child.on('exit', () => {
      exited = true;
      resolve();
    }),
  );

  const stop = makeStopper(child, exitPromise, instance, opts, reaper);
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

function makeStopper(
  child: ChildProcess,
  exitPromise: Promise<void>,
  instance: string,
  opts: LocalOptions,
  reaper: Reaper,
): () => Promise<void> {
  let stopping: Promise<void> | undefined;
  return () => {
    stopping ??= (async () => {
      const group = child.pid;
      if (group !== undefined) {
        signalGroup(group, 'SIGTERM');
        let cancel = (): void => undefined;
        const graceful = await Promise.race([
          exitPromise.then(() => true),
          new Promise<boolean>((resolve) => {
            cancel = systemClock.setTimer(() => resolve(false), 30_000);
          }),
        ]);
        cancel();
        if (!graceful) signalGroup(group, 'SIGKILL');
        // The launcher exits first; wait until the server JVM in the same group is gone too.
        for (let i = 0; i < 300 && groupAlive(group); i++) await sleep(systemClock, 100);
        if (groupAlive(group)) signalGroup(group, 'SIGKILL');
      }
      if (!opts.env.LOGWARDEN_ES_KEEP_DATA) rmSync(instance, { recursive: true, force: true });
      reaper.release();
    })();
    return stopping;
  };
}

function signalGroup(group: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-group, signal);
  } catch {
    /* already gone */
  }
}

function groupAlive(group: number): boolean {
  try {
    process.kill(-group, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitForPort(portsFile: string, exited: () => boolean, timeoutMs: number): Promise<number> {
  const deadline = systemClock.now() + timeoutMs;
  while (systemClock.now() < deadline) {
    if (exited()) throw new Error('the process exited during startup');
    if (existsSync(portsFile)) {
      const first = readFileSync(portsFile, 'utf8').split('\n')[0] ?? '';
      const port = Number(first.slice(first.lastIndexOf(':') + 1));
      if (port > 0) return port;
    }
    await sleep(systemClock, 200);
  }
  throw new Error(`no HTTP port published within ${timeoutMs / 1000}s`);
}

async function waitForHealth(url: string, user: string, password: string, exited: () => boolean, timeoutMs: number): Promise<string> {
  const auth = 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
  const deadline = systemClock.now() + timeoutMs;
  let last = '';
  while (systemClock.now() < deadline) {
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
    await sleep(systemClock, 500);
  }
  throw new Error(`cluster not healthy within ${timeoutMs / 1000}s (${last})`);
}
