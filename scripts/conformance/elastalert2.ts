import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const ELASTALERT2_VERSION = '2.31.0';
const MIN_PYTHON: readonly [number, number] = [3, 12];

export interface PythonFound {
  python: string;
  version: string;
}

/** "Python 3.12.1" → [3, 12]; undefined when the command does not run. */
function pythonVersion(cmd: string): string | undefined {
  const res = spawnSync(cmd, ['--version'], { encoding: 'utf8', timeout: 15_000 });
  if (res.status !== 0) return undefined;
  return /Python (\d+\.\d+\.\d+)/.exec(`${res.stdout}${res.stderr}`)?.[1];
}

function atLeast(version: string): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]);
}

/**
 * A Python that ElastAlert2 2.31 runs on (>= 3.12): $ELASTALERT2_PYTHON, then python3.12,
 * python3.13 and python3 on PATH, then pyenv's versions. Returns what was looked at when none fits.
 */
export function findPython(env: NodeJS.ProcessEnv): PythonFound | { lookedAt: string[] } {
  const candidates: string[] = [];
  if (env.ELASTALERT2_PYTHON) candidates.push(env.ELASTALERT2_PYTHON);
  candidates.push('python3.12', 'python3.13', 'python3');
  const pyenv = path.join(env.PYENV_ROOT ?? path.join(os.homedir(), '.pyenv'), 'versions');
  if (existsSync(pyenv)) {
    for (const v of readdirSync(pyenv).sort().reverse()) candidates.push(path.join(pyenv, v, 'bin', 'python3'));
  }
  const lookedAt: string[] = [];
  const usable: PythonFound[] = [];
  for (const cmd of candidates) {
    const version = pythonVersion(cmd);
    lookedAt.push(`${cmd} (${version ?? 'not found'})`);
    if (version !== undefined && atLeast(version)) usable.push({ python: cmd, version });
  }
  // 3.12 first: the oldest Python ElastAlert2 2.31 supports is the one its dependencies are surest to install on.
  const preferred =
    usable.find((p) => p.python === env.ELASTALERT2_PYTHON) ??
    usable.find((p) => p.version.startsWith(`${MIN_PYTHON.join('.')}.`)) ??
    usable[0];
  if (preferred) return preferred;
  return { lookedAt };
}

/** The cache folder of the virtual environment, outside the repository. */
export function venvDir(env: NodeJS.ProcessEnv): string {
  const cache = env.LOGWARDEN_CACHE_DIR ?? path.join(env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'logwarden');
  return path.join(cache, `elastalert2-${ELASTALERT2_VERSION}`);
}

/**
 * ElastAlert2 from PyPI in its own virtual environment, installed on first use and reused after.
 * Returns the path of elastalert-test-rule.
 */
export function ensureElastalert2(python: string, dir: string, log: (line: string) => void): string {
  const testRule = path.join(dir, 'bin', 'elastalert-test-rule');
  const pip = path.join(dir, 'bin', 'pip');
  const installed = (): boolean => {
    if (!existsSync(testRule)) return false;
    const res = spawnSync(pip, ['show', 'elastalert2'], { encoding: 'utf8' });
    return res.status === 0 && new RegExp(`^Version: ${ELASTALERT2_VERSION.replaceAll('.', '\\.')}$`, 'm').test(res.stdout);
  };
  if (installed()) return testRule;
  log(`installing elastalert2==${ELASTALERT2_VERSION} into ${dir} (once; cached afterwards)`);
  const run = (cmd: string, args: string[]): void => {
    const res = spawnSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
    if (res.status !== 0)
      throw new Error(`${cmd} ${args.join(' ')} failed (${res.status ?? res.signal}): ${(res.stderr || res.stdout).slice(-2000)}`);
  };
  if (!existsSync(pip)) run(python, ['-m', 'venv', dir]);
  run(pip, ['install', '--quiet', '--disable-pip-version-check', `elastalert2==${ELASTALERT2_VERSION}`]);
  if (!installed()) throw new Error(`elastalert2 ${ELASTALERT2_VERSION} is not in ${dir} after installing it`);
  return testRule;
}
