import { randomBytes } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { formatProblem, type ConfigProblem } from '../../config/errors.ts';
import { loadConfig, type LogWardenConfig } from '../../config/load-config.ts';
import { clusterVersion, createEsClient, settingsFromConnection, type EsHandle } from '../../es/client.ts';
import { provisionElasticsearch, type ProvisionedCluster } from '../../es/provision/index.ts';
import { discoverTestFiles } from '../../fixtures/discover.ts';
import { junitXml } from '../../fixtures/junit.ts';
import { loadTestFile } from '../../fixtures/parse.ts';
import { renderFile, summaryLine } from '../../fixtures/report.ts';
import { runTestFile } from '../../fixtures/runner.ts';
import type { FileResult, InvalidTestFile, RuleTestFile, TestReport } from '../../fixtures/types.ts';
import { systemClock, type Clock } from '../../schedule/clock.ts';
import type { CliIO } from '../io.ts';

export interface TestOptions {
  /** Test files, rule files (their test file is used) or folders; none means the rules folder. */
  paths: string[];
  config?: string;
  /** Write JUnit XML here. */
  junit?: string;
  /** Print the report as JSON instead of text. */
  json?: boolean;
  /** Folder that paths are resolved against and shown relative to; default the process's. */
  cwd?: string;
  /** The wall clock; injected by tests. */
  clock?: Clock;
  /** How to get an Elasticsearch; default provisionElasticsearch (ES_URL, Docker, local distribution). */
  provision?: (env: NodeJS.ProcessEnv) => Promise<ProvisionedCluster>;
}

/** Test files are run this many at a time (cases of one file always one after another). */
const FILES_IN_PARALLEL = 4;

const HOW: Record<ProvisionedCluster['method'], string> = {
  env: 'from ES_URL',
  docker: 'started in Docker',
  local: 'started from the local distribution',
};

/**
 * `logwarden test`: runs rule test files against a real Elasticsearch. Everything that can be
 * checked without one is checked first, and every problem reported; Elasticsearch is only
 * provisioned when there is something to run. Exit 1 on any failing case or invalid test file.
 */
export async function testCommand(opts: TestOptions, io: CliIO): Promise<number> {
  const cwd = opts.cwd ?? process.cwd();
  const display = (p: string): string => path.relative(cwd, p) || p;
  const config = loadConfig({ file: opts.config, env: io.env, cwd });
  const found = discoverTestFiles(opts.paths, cwd, config, io.env);

  const problems: ConfigProblem[] = [...found.problems];
  const invalid: InvalidTestFile[] = [];
  const tests: RuleTestFile[] = [];
  // In path order, refused files among the others, so problems read like the folder listing.
  for (const f of [...found.testFiles, ...found.rejected.keys()].sort()) {
    const rejected = found.rejected.get(f);
    const loaded = rejected ? { test: undefined, problems: rejected } : loadTestFile(f, { config, env: io.env, displayRoot: cwd });
    problems.push(...loaded.problems);
    if (loaded.test) tests.push(loaded.test);
    else invalid.push({ file: display(f), problems: loaded.problems });
  }
  const text = !opts.json;
  if (text) for (const p of problems) io.out(formatProblem(p));

  const report: TestReport = { ok: false, passed: 0, failed: 0, invalid, elasticsearch: undefined, problems, files: [] };
  if (tests.length === 0 && problems.length === 0) {
    const where = opts.paths.length > 0 ? opts.paths.join(', ') : display(config.rulesFolder);
    io.err(`No rule test files (*.test.yaml) found in ${where}.`);
    return finish(report, opts, io, cwd, []);
  }
  if (tests.length > 0) report.files = await runAll(tests, report, opts, io, config);
  return finish(report, opts, io, cwd, found.untested);
}

async function runAll(
  tests: readonly RuleTestFile[],
  report: TestReport,
  opts: TestOptions,
  io: CliIO,
  config: LogWardenConfig,
): Promise<FileResult[]> {
  const provision = opts.provision ?? ((env) => provisionElasticsearch({ env, log: { info: (m) => io.err(`[elasticsearch] ${m}`) } }));
  const cluster = await provision(io.env);
  let es: EsHandle | undefined;
  const leftover = new Set<string>();
  const cleanup = async (): Promise<void> => {
    if (es && leftover.size > 0)
      await es.client.indices.delete({ index: [...leftover], ignore_unavailable: true }).then(
        () => leftover.clear(),
        () => undefined,
      );
  };
  io.onStop(async () => {
    await cleanup();
    await cluster.stop();
  });
  try {
    // Generous: a shared CI machine may be busy; a slow answer is not a failing rule.
    es = createEsClient({ ...settingsFromConnection(cluster.connection), requestTimeoutMs: 60_000 });
    const version = cluster.method === 'env' ? await clusterVersion(es) : cluster.version;
    report.elasticsearch = { method: cluster.method, url: es.url, version };
    io.err(`Elasticsearch ${version} ${HOW[cluster.method]} at ${es.url}`);

    const runner = {
      es,
      config,
      prefix: `logwarden-fixture-${randomBytes(4).toString('hex')}`,
      ...(opts.clock ? { clock: opts.clock } : {}),
      track: { created: (i: string) => leftover.add(i), deleted: (i: string) => leftover.delete(i) },
    };
    const results: (FileResult | undefined)[] = tests.map(() => undefined);
    let next = 0;
    let printed = 0;
    // Files finish in any order; they are printed in path order as soon as all before them are done.
    const flush = (): void => {
      for (let r = results[printed]; r !== undefined; r = results[printed]) {
        if (!opts.json) for (const line of renderFile(r)) io.out(line);
        printed++;
      }
    };
    const worker = async (): Promise<void> => {
      while (next < tests.length) {
        const i = next++;
        const test = tests[i];
        if (!test) continue;
        results[i] = await runTestFile(test, i, runner);
        flush();
      }
    };
    await Promise.all(Array.from({ length: Math.min(FILES_IN_PARALLEL, tests.length) }, worker));
    await cleanup();
    if (leftover.size > 0) io.err(`Could not delete these temporary indices: ${[...leftover].join(', ')}`);
    return results.filter((r): r is FileResult => r !== undefined);
  } finally {
    await es?.close();
    await cluster.stop();
  }
}

function finish(report: TestReport, opts: TestOptions, io: CliIO, cwd: string, untested: readonly string[]): number {
  const cases = report.files.flatMap((f) => f.cases);
  report.passed = cases.filter((c) => c.status === 'pass').length;
  report.failed = cases.length - report.passed;
  // Nothing run is not a pass: a CI job pointed at the wrong folder must not go green.
  report.ok = report.failed === 0 && report.problems.length === 0 && cases.length > 0;
  if (opts.junit) {
    const file = path.resolve(cwd, opts.junit);
    mkdirSync(path.dirname(file), { recursive: true });
    writeFileSync(file, junitXml(report, new Date((opts.clock ?? systemClock).now())));
    io.err(`JUnit report written to ${opts.junit}`);
  }
  if (opts.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    if (report.invalid.length > 0)
      io.out(`${report.invalid.length} test file${report.invalid.length === 1 ? '' : 's'} with problems, not run`);
    if (untested.length > 0)
      io.out(`note: ${untested.length} rule${untested.length === 1 ? ' has' : 's have'} no test file: ${untested.join(', ')}`);
    io.out(summaryLine(report));
  }
  return report.ok ? 0 : 1;
}
