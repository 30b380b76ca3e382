// Start-up burst benchmark (issue #16, item 6): 500 rules at a 10 s interval, first 80 s after start.
// Drives the real Scheduler on the manual clock with a cost model for runs (a first run queries the
// backlog since the last run before the restart, so it costs more), and prints skipped ticks and
// lateness for the earlier behaviour (first runs within 5 s, first-come order) and the current one.
//   node scripts/bench-startup.ts [--rules 500] [--every 10] [--seconds 80] [--threads 10] [--run-ms 100] [--first-run-ms 400]
import { parseArgs } from 'node:util';
import { ManualClock } from '../src/schedule/clock.ts';
import { Scheduler, type SchedulerOptions } from '../src/schedule/scheduler.ts';

const { values } = parseArgs({
  options: {
    rules: { type: 'string', default: '500' },
    every: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '80' },
    threads: { type: 'string', default: '10' },
    'run-ms': { type: 'string', default: '100' },
    'first-run-ms': { type: 'string', default: '400' },
  },
});
const rules = Number(values.rules);
const everyMs = Number(values.every) * 1000;
const horizonMs = Number(values.seconds) * 1000;
const threads = Number(values.threads);
const runMs = Number(values['run-ms']);
const firstRunMs = Number(values['first-run-ms']);

interface Figures {
  runs: number;
  skipped: number;
  late10s: number;
  p50: number;
  p99: number;
  max: number;
}

/** A fixed pseudo-random spread of run costs (±50 %), the same for both variants. */
function costs(): (name: string, first: boolean) => number {
  let s = 42;
  const next = (): number => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
  return (_name, first) => Math.round((first ? firstRunMs : runMs) * (0.5 + next()));
}

async function simulate(variant: Pick<SchedulerOptions, 'maxJitterMs' | 'catchUpYields'>): Promise<Figures> {
  const clock = new ManualClock(0);
  const cost = costs();
  const ran = new Set<string>();
  const lateness: number[] = [];
  const scheduler = new Scheduler({
    clock,
    concurrency: threads,
    ...variant,
    execute: (name, nowMs, dueMs) => {
      lateness.push(nowMs - dueMs);
      const ms = cost(name, !ran.has(name));
      ran.add(name);
      return new Promise<void>((resolve) => clock.setTimer(resolve, ms));
    },
  });
  for (let i = 0; i < rules; i++) scheduler.upsert({ name: `rule-${String(i).padStart(3, '0')}`, runEveryMs: everyMs });
  scheduler.start();
  // 10 ms steps; promise handlers of finished runs settle between steps, as on the event loop.
  for (let t = 0; t < horizonMs; t += 10) {
    clock.advance(10);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
  const skipped = scheduler.skipped;
  // Runs still in flight would finish only if the clock moved on: not waited for.
  void scheduler.stop();
  const sorted = [...lateness].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? 0;
  return {
    runs: lateness.length,
    skipped,
    late10s: lateness.filter((l) => l >= 10_000).length,
    p50: at(0.5),
    p99: at(0.99),
    max: sorted.at(-1) ?? 0,
  };
}

const before = await simulate({ maxJitterMs: 5_000, catchUpYields: false });
const after = await simulate({});
const row = (label: string, f: Figures): string =>
  `${label.padEnd(34)} ${String(f.runs).padStart(6)} ${String(f.skipped).padStart(8)} ${String(f.late10s).padStart(9)} ${(f.p50 / 1000).toFixed(2).padStart(7)} ${(f.p99 / 1000).toFixed(2).padStart(7)} ${(f.max / 1000).toFixed(2).padStart(7)}`;
console.log(
  `${rules} rules every ${everyMs / 1000} s, ${threads} threads, runs ${runMs} ms (first ${firstRunMs} ms) ±50 %, first ${horizonMs / 1000} s`,
);
console.log(
  `${'variant'.padEnd(34)} ${'runs'.padStart(6)} ${'skipped'.padStart(8)} ${'late≥10s'.padStart(9)} ${'p50 s'.padStart(7)} ${'p99 s'.padStart(7)} ${'max s'.padStart(7)}`,
);
console.log(row('before (5 s jitter, first-come)', before));
console.log(row('now (spread over interval, yield)', after));
process.exit(0);
