// Running each tool under test as its own process, under GNU time for CPU and peak RSS.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

export interface ProcessCost {
  wallS: number;
  cpuS: number;
  peakRssMb: number;
  exitCode: number | null;
  /** The last lines of its output, for errors. */
  tail: string;
}

export interface RunSpec {
  cmd: string;
  args: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  timeoutMs: number;
  /** Where GNU time writes its figures. */
  timeFile: string;
  /**
   * Called with each output line; returning true ends the measurement there (wall time stops) and
   * the process is interrupted. For ElastAlert2, which keeps running after its pass until its
   * main loop's sleep ends.
   */
  doneWhen?: (line: string) => boolean;
}

/** GNU time's `%e %U %S %M`: elapsed, user and system CPU seconds, peak RSS in KB. */
export function parseTimeOutput(text: string): { cpuS: number; peakRssMb: number } {
  const line = text.trim().split('\n').at(-1) ?? '';
  const [, user, sys, rssKb] = line.split(/\s+/).map(Number);
  if (user === undefined || sys === undefined || rssKb === undefined || [user, sys, rssKb].some((n) => Number.isNaN(n))) {
    throw new Error(`cannot read GNU time's output: ${JSON.stringify(text.slice(-300))}`);
  }
  return { cpuS: user + sys, peakRssMb: rssKb / 1024 };
}

export function measureProcess(spec: RunSpec): Promise<ProcessCost> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    let endedAt: number | undefined;
    // Its own process group, so an interrupt reaches the tool and not GNU time (which ignores it).
    const child = spawn('/usr/bin/time', ['-f', '%e %U %S %M', '-o', spec.timeFile, spec.cmd, ...spec.args], {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let tail = '';
    let partial = '';
    const onData = (b: Buffer): void => {
      const text = partial + b.toString('utf8');
      const lines = text.split('\n');
      partial = lines.pop() ?? '';
      tail = (tail + b.toString('utf8')).slice(-6000);
      if (endedAt !== undefined || !spec.doneWhen) return;
      for (const line of lines) {
        if (spec.doneWhen(line)) {
          endedAt = performance.now();
          // A grace second for the last alert's writeback write, then stop it.
          setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGINT'), 1000);
          return;
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    const timer = setTimeout(() => child.pid !== undefined && process.kill(-child.pid, 'SIGKILL'), spec.timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      const wallS = ((endedAt ?? performance.now()) - started) / 1000;
      try {
        const { cpuS, peakRssMb } = parseTimeOutput(readFileSync(spec.timeFile, 'utf8'));
        rmSync(spec.timeFile, { force: true });
        resolve({ wallS, cpuS, peakRssMb, exitCode: endedAt !== undefined ? 0 : code, tail });
      } catch (error) {
        reject(new Error(`${path.basename(spec.cmd)} exited ${code}: ${error instanceof Error ? error.message : String(error)}\n${tail}`));
      }
    });
  });
}

/** ElastAlert2's end-of-rule log lines: "Ran <name> from …", or an error running it. */
export function ranRule(line: string): string | undefined {
  const m =
    /Ran (.+?) from .+? to .+?: \d+ query hits/.exec(line) ??
    /Error running rule (.+?): /.exec(line) ??
    /Uncaught exception running rule (.+?):/.exec(line);
  return m?.[1];
}
