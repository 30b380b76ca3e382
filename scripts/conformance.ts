// ElastAlert2 conformance: `node scripts/conformance.ts [case ...]` runs every case of
// test/conformance/cases through ElastAlert2's elastalert-test-rule and LogWarden's test-rule
// over the same documents and compares the alerts (rule, key, match time). See docs/conformance.md.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { clusterVersion, createEsClient, settingsFromConnection, type EsHandle } from '../src/es/client.ts';
import { provisionElasticsearch } from '../src/es/provision/index.ts';
import type { EsConnection, ProvisionedCluster } from '../src/es/provision/types.ts';
import { findCases, generateEvents, loadCase, type AlertKey, type ConformanceCase } from './conformance/case.ts';
import { AlertCollector } from './conformance/collector.ts';
import { formatResults, judgeCase, type CaseResult } from './conformance/compare.ts';
import { ELASTALERT2_VERSION, ensureElastalert2, findPython, venvDir } from './conformance/elastalert2.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const casesRoot = path.join(root, 'test', 'conformance', 'cases');
const log = (line: string): void => void process.stderr.write(`[conformance] ${line}\n`);
/** One tool on one case; the cases are small, so anything longer is a hang. */
const RUN_TIMEOUT_MS = 240_000;

interface Run {
  code: number | null;
  output: string;
}

function runTool(cmd: string, args: readonly string[], env: NodeJS.ProcessEnv): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    const keep = (b: Buffer): void => {
      output = (output + b.toString('utf8')).slice(-20_000);
    };
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** config.yaml for both tools: ElastAlert2's keys, which LogWarden reads too. */
function writeConfig(dir: string, c: EsConnection): string {
  const url = new URL(c.url);
  const lines = [
    `rules_folder: ${JSON.stringify(dir)}`,
    `es_host: ${JSON.stringify(url.hostname)}`,
    `es_port: ${url.port || (url.protocol === 'https:' ? 443 : 80)}`,
    `use_ssl: ${url.protocol === 'https:'}`,
    ...(c.caCertPath ? [`ca_certs: ${JSON.stringify(c.caCertPath)}`, 'verify_certs: true'] : []),
    ...(c.username ? [`es_username: ${JSON.stringify(c.username)}`, `es_password: ${JSON.stringify(c.password ?? '')}`] : []),
    `writeback_index: conformance_writeback_${process.pid}`,
    'run_every: {minutes: 1}',
    'buffer_time: {minutes: 15}',
    'old_query_limit: {weeks: 1}',
    'alert_time_limit: {days: 366}',
  ];
  const file = path.join(dir, 'config.yaml');
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return file;
}

async function loadEvents(es: EsHandle, index: string, c: ConformanceCase): Promise<number> {
  await es.client.indices.create({ index, ...(c.mappings ? { mappings: c.mappings } : {}) });
  const docs = generateEvents(c);
  const res = await es.client.bulk({ refresh: 'wait_for', operations: docs.flatMap((d) => [{ index: { _index: index } }, d]) });
  if (res.errors) throw new Error(`loading events: ${JSON.stringify(res.items.find((i) => i.index?.error)?.index?.error)}`);
  return docs.length;
}

function valueAt(doc: Record<string, unknown>, field: string): unknown {
  if (Object.hasOwn(doc, field)) return doc[field];
  let cursor: unknown = doc;
  for (const part of field.split('.')) {
    if (typeof cursor !== 'object' || cursor === null || !Object.hasOwn(cursor, part)) return undefined;
    cursor = (cursor as Record<string, unknown>)[part];
  }
  return cursor;
}

function alertKeys(c: ConformanceCase, rule: string, posted: readonly Record<string, unknown>[]): AlertKey[] {
  return posted.map((p) => {
    const key = c.keyFields.map((f) => valueAt(p, f)).find((v) => v !== undefined && v !== null);
    const ts = valueAt(p, c.timestampField);
    const ms = typeof ts === 'string' ? Date.parse(ts) : typeof ts === 'number' ? ts : NaN;
    return {
      rule,
      key: key === undefined || key === null ? '-' : String(key),
      time: Number.isNaN(ms) ? `unreadable ${JSON.stringify(ts)}` : new Date(ms).toISOString(),
    };
  });
}

/** "2024-05-01T12:00:00": the form elastalert-test-rule's --start/--end take (read as UTC). */
const ea2Time = (ms: number): string => new Date(ms).toISOString().slice(0, 19);

async function runCase(
  c: ConformanceCase,
  ctx: { es: EsHandle; testRule: string; config: string; collector: AlertCollector },
): Promise<CaseResult> {
  const index = `conformance-${c.name}-${process.pid}-${Date.now().toString(36)}`;
  const ruleName = /^name:\s*(.+?)\s*$/m.exec(readFileSync(c.ruleFile, 'utf8'))?.[1]?.replace(/^["']|["']$/g, '') ?? c.name;
  const env: NodeJS.ProcessEnv = { ...process.env, CONFORMANCE_INDEX: index, CONFORMANCE_CASE_DIR: c.dir };
  // LogWarden reads ES_URL before config.yaml; both tools must use the config's cluster.
  delete env.ES_URL;
  const inbox = { ea2: `${c.name}/elastalert2`, lw: `${c.name}/logwarden` };
  try {
    const count = await loadEvents(ctx.es, index, c);
    log(`${c.name}: ${count} documents in ${index}`);
    const ea2 = await runTool(
      ctx.testRule,
      ['--config', ctx.config, '--start', ea2Time(c.startMs), '--end', ea2Time(c.endMs), '--alert', c.ruleFile],
      { ...env, CONFORMANCE_POST_URL: ctx.collector.urlFor(inbox.ea2) },
    );
    const fromEa2 = ctx.collector.take(inbox.ea2);
    if (ea2.code !== 0 || (/Traceback \(most recent call last\)/.test(ea2.output) && fromEa2.alerts.length === 0)) {
      throw new Error(`elastalert-test-rule exited ${ea2.code}:\n${ea2.output.slice(-3000)}`);
    }
    const lwArgs = [
      path.join(root, 'src', 'cli', 'main.ts'),
      'test-rule',
      c.ruleFile,
      '--config',
      ctx.config,
      '--start',
      new Date(c.startMs).toISOString(),
      '--end',
      new Date(c.endMs).toISOString(),
      '--alert',
    ];
    const lw = await runTool(process.execPath, lwArgs, { ...env, CONFORMANCE_POST_URL: ctx.collector.urlFor(inbox.lw) });
    const fromLw = ctx.collector.take(inbox.lw);
    if (lw.code !== 0) throw new Error(`logwarden test-rule exited ${lw.code}:\n${lw.output.slice(-3000)}`);
    if (fromEa2.bad + fromLw.bad > 0) throw new Error(`${fromEa2.bad + fromLw.bad} alert bodies were not JSON objects`);
    return judgeCase(c, alertKeys(c, ruleName, fromEa2.alerts), alertKeys(c, ruleName, fromLw.alerts));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return {
      name: c.name,
      verdict: 'ERROR',
      elastalert2: 0,
      logwarden: 0,
      unexpectedOnlyElastalert2: [],
      unexpectedOnlyLogwarden: [],
      staleDeclarations: [],
      error: message,
    };
  } finally {
    await ctx.es.client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
  }
}

async function connection(): Promise<{ connection: EsConnection; cluster: ProvisionedCluster | undefined }> {
  if (process.env.ES_URL) {
    const c: EsConnection = { url: process.env.ES_URL };
    if (process.env.ES_USERNAME) c.username = process.env.ES_USERNAME;
    if (process.env.ES_PASSWORD) c.password = process.env.ES_PASSWORD;
    if (process.env.ES_CA_CERT) c.caCertPath = process.env.ES_CA_CERT;
    return { connection: c, cluster: undefined };
  }
  const cluster = await provisionElasticsearch({
    version: process.env.LOGWARDEN_ES_VERSION ?? '8.19.21',
    log: { info: (m) => log(`elasticsearch: ${m}`) },
  });
  return { connection: cluster.connection, cluster };
}

async function main(): Promise<number> {
  const only = process.argv.slice(2);
  const cases = findCases(casesRoot, only).map(loadCase);
  const python = findPython(process.env);
  if (!('python' in python)) {
    // CI machines without Python 3.12 still pass, but say plainly that nothing was compared.
    process.stdout.write(
      `conformance: SKIPPED, no Python >= 3.12 for ElastAlert2 ${ELASTALERT2_VERSION} (looked at: ${python.lookedAt.join(', ')})\n`,
    );
    return 0;
  }
  log(`Python ${python.version} (${python.python})`);
  const testRule = ensureElastalert2(python.python, venvDir(process.env), log);
  const { connection: conn, cluster } = await connection();
  const es = createEsClient(settingsFromConnection(conn));
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logwarden-conformance-'));
  const collector = await AlertCollector.start();
  try {
    const version = await clusterVersion(es);
    log(`Elasticsearch ${version}, ${cases.length} cases`);
    const config = writeConfig(dir, conn);
    // Most of a case is waiting (tool start-up, index creation), so a few run at once.
    const jobs = Math.max(1, Number(process.env.CONFORMANCE_JOBS ?? 3) || 1);
    const results: CaseResult[] = new Array<CaseResult>(cases.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      for (let i = next++; i < cases.length; i = next++) {
        const c = cases[i] as ConformanceCase;
        const started = Date.now();
        const result = await runCase(c, { es, testRule, config, collector });
        log(
          `${c.name}: ${result.verdict} (ElastAlert2 ${result.elastalert2}, LogWarden ${result.logwarden}) in ${((Date.now() - started) / 1000).toFixed(1)} s`,
        );
        results[i] = result;
      }
    };
    await Promise.all(Array.from({ length: Math.min(jobs, cases.length) }, worker));
    process.stdout.write(`\nElastAlert2 ${ELASTALERT2_VERSION} vs LogWarden on Elasticsearch ${version}\n\n${formatResults(results)}\n\n`);
    const failed = results.filter((r) => r.verdict === 'DIFFERENT' || r.verdict === 'ERROR').length;
    process.stdout.write(`conformance: ${results.length - failed} passed, ${failed} failed\n`);
    return failed === 0 ? 0 : 1;
  } finally {
    await collector.stop();
    await es.client.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
    await cluster?.stop();
  }
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`conformance: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
