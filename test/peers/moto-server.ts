/**
 * A local AWS-compatible server for the sns and sqs alerters' tests: moto's server mode, from
 * PyPI, in a virtualenv cached under ~/.cache/logwarden (made on first use, about a minute),
 * started on a free port and stopped by its process id.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

const MOTO = '5.2.1';
const VENV = path.join(os.homedir(), '.cache', 'logwarden', `moto-venv-${MOTO}`);
const SERVER = path.join(VENV, 'bin', 'moto_server');

/** Makes the virtualenv with moto's server when it is not there yet. */
function ensureMoto(): void {
  if (existsSync(SERVER)) return;
  const python = existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3';
  const run = (cmd: string, args: string[]): void => {
    const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
  };
  run(python, ['-m', 'venv', VENV]);
  run(path.join(VENV, 'bin', 'pip'), ['install', '--quiet', `moto[server]==${MOTO}`]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
  });
}

export interface Moto {
  url: string;
  /** moto's own API: what it holds (sent SNS messages, queues). */
  get(pathname: string): Promise<unknown>;
  close(): Promise<void>;
}

export async function startMoto(): Promise<Moto> {
  ensureMoto();
  const port = await freePort();
  const child: ChildProcess = spawn(SERVER, ['-H', '127.0.0.1', '-p', String(port)], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  const get = async (pathname: string): Promise<unknown> => (await fetch(`${url}${pathname}`)).json();
  for (let i = 0; ; i++) {
    try {
      await get('/moto-api/data.json');
      break;
    } catch (error) {
      if (i >= 200 || child.exitCode !== null) {
        child.kill();
        throw new Error(`moto_server did not start: ${(error as Error).message}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  return {
    url,
    get,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
