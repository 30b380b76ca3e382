import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CliIO } from '../../../src/cli/io.ts';
import { resolveConfig, type LogWardenConfig } from '../../../src/config/load-config.ts';

export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const FIXTURES = path.join(REPO_ROOT, 'test/fixtures/rules');

/** The built-in defaults with `rulesFolder` pointing at `folder`; no environment is read. */
export function configFor(folder: string, overrides: Partial<LogWardenConfig> = {}): LogWardenConfig {
  return { ...resolveConfig({}, { file: undefined, env: {}, cwd: folder }), rulesFolder: folder, ...overrides };
}

/** A fresh folder holding `files` (path relative to the folder -> content). */
export function tempFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'logwarden-rules-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export interface CapturedIO extends CliIO {
  stdout: string[];
  stderr: string[];
}

export function captureIO(env: NodeJS.ProcessEnv = {}): CapturedIO {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    env,
    stdout,
    stderr,
    out: (line) => stdout.push(line),
    err: (line) => stderr.push(line),
    onStop: () => undefined,
  };
}
