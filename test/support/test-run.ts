// Every jest run gets a private temporary folder: TMPDIR points into it, so whatever a test (or
// a program it starts: LogWarden, Chromium, Elasticsearch) makes with os.tmpdir() lands there and
// goes when the run ends, also when a test forgot to clean up or the run was killed (a reaper
// process removes it then). New tests inherit this without doing anything.
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startReaper, type Reaper } from '../../src/es/provision/reaper.ts';

interface TestRun {
  dir: string;
  reaper: Reaper;
  previousTmp: string | undefined;
}

declare global {
  var __LOGWARDEN_TEST_RUN__: TestRun | undefined;
}

/** Idempotent: the unit, peers and integration projects each call it in the same jest process. */
export function prepareTestRun(): void {
  if (globalThis.__LOGWARDEN_TEST_RUN__) return;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logwarden-test-'));
  // A local Elasticsearch runs as an unprivileged user when we are root, and its folder is in here.
  chmodSync(dir, 0o755);
  globalThis.__LOGWARDEN_TEST_RUN__ = { dir, reaper: startReaper(dir), previousTmp: process.env.TMPDIR };
  process.env.TMPDIR = dir;
  process.env.LOGWARDEN_TEST_RUN_DIR = dir;
  // Never the default ops port 9477: a LogWarden running on this machine (or a second test run)
  // holds it. Every `logwarden run` a test starts with the inherited environment binds port 0.
  process.env.LOGWARDEN_OPS_PORT = '0';
}

export function finishTestRun(): void {
  const run = globalThis.__LOGWARDEN_TEST_RUN__;
  if (!run) return;
  globalThis.__LOGWARDEN_TEST_RUN__ = undefined;
  if (run.previousTmp === undefined) delete process.env.TMPDIR;
  else process.env.TMPDIR = run.previousTmp;
  delete process.env.LOGWARDEN_TEST_RUN_DIR;
  rmSync(run.dir, { recursive: true, force: true });
  run.reaper.release();
}
