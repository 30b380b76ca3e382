// `node scripts/conformance-examples.ts`: runs every rule of test/conformance/examples (rule
// files modelled on ElastAlert2's examples/rules) with `logwarden test-rule --days 1` over
// generated documents that should make each of them match, in a fresh index on the cluster of
// ES_URL (ES_USERNAME, ES_PASSWORD), and prints a line per rule. The rule's index is pointed
// at the generated data; an alerter this version lacks is replaced by debug, and the line says
// so. See docs/conformance.md ("ElastAlert2's example rules").
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { estypes } from '@elastic/elasticsearch';
import { parse, stringify } from 'yaml';
import { createEsClient, settingsFromConnection } from '../src/es/client.ts';
import { AVAILABLE_ALERTERS } from '../alerters/index.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const examples = path.join(root, 'test', 'conformance', 'examples');
const MIN = 60_000;

type Doc = Record<string, unknown>;

/** `count` documents `every` ms apart, the first `agoMin` minutes before `now`. */
function block(now: number, agoMin: number, count: number, everyMs: number, doc: Doc): Doc[] {
  return Array.from({ length: count }, (_, i) => ({ ...doc, '@timestamp': new Date(now - agoMin * MIN + i * everyMs).toISOString() }));
}

/** Documents that should make each example match once within the last day. */
function documents(now: number): Doc[] {
  return [
    // cardinality: billing on two hosts within 4 hours.
    ...block(now, 200, 1, 0, { service: { name: 'billing' }, host: { name: 'pay1' } }),
    ...block(now, 190, 1, 0, { service: { name: 'billing' }, host: { name: 'pay2' } }),
    // change and new_term: alice logs in from France, then from the US.
    ...block(now, 300, 1, 0, { event: { action: 'login' }, user: { name: 'alice' }, geo: { country: 'FR' }, source: { ip: '192.0.2.10' } }),
    ...block(now, 100, 1, 0, {
      event: { action: 'login' },
      user: { name: 'alice' },
      geo: { country: 'US' },
      source: { ip: '198.51.100.20' },
    }),
    // frequency, opsgenie frequency, spike: a steady trickle of errors, then a burst.
    ...block(now, 1400, 100, 12 * MIN, { log: { level: 'error' }, host: { name: 'web1' } }),
    ...block(now, 60, 60, 30_000, { log: { level: 'error' }, host: { name: 'web1' } }),
    // discord any: one critical log.
    ...block(now, 30, 1, 0, { log: { level: 'critical' }, host: { name: 'web2' }, message: 'disk full' }),
    // percentage_match: half of billing's requests in 5 minutes fail.
    ...block(now, 50, 15, 20_000, { event: { kind: 'request' }, service: { name: 'billing' }, http: { response: { status_code: 200 } } }),
    ...block(now, 49.9, 15, 20_000, { event: { kind: 'request' }, service: { name: 'billing' }, http: { response: { status_code: 500 } } }),
    // metric_aggregation, spike_aggregation: db1's CPU at 20% all day, 97% in the last hour.
    ...block(now, 1430, 274, 5 * MIN, { metricset: { name: 'cpu' }, host: { name: 'db1' }, system: { cpu: { user: { pct: 0.2 } } } }),
    ...block(now, 60, 12, 5 * MIN, { metricset: { name: 'cpu' }, host: { name: 'db1' }, system: { cpu: { user: { pct: 0.97 } } } }),
    // ssh: 25 failures from one address.
    ...block(now, 90, 25, MIN, {
      event: { type: 'authentication_failure' },
      source: { ip: '203.0.113.7' },
      user: { name: 'root' },
      host: { hostname: 'bastion' },
    }),
    // ssh-repeat-offender: two earlier alerts of the SSH rule for the same address.
    ...block(now, 600, 2, 300 * MIN, {
      rule_name: 'SSH abuse',
      match_body: { source: { ip: '203.0.113.7' }, user: { name: 'root' }, host: { hostname: 'bastion' } },
    }),
    // iris any: an opened session.
    ...block(now, 45, 1, 0, { session: { state: 'opened' }, user: { name: 'bob' }, source: { ip: '192.0.2.99' } }),
  ];
}

/** The index a strftime pattern names for a time (the subset of directives the examples use). */
function strftime(pattern: string, t: Date): string {
  const two = (n: number): string => String(n).padStart(2, '0');
  return pattern
    .replace('%Y', String(t.getUTCFullYear()))
    .replace('%m', two(t.getUTCMonth() + 1))
    .replace('%d', two(t.getUTCDate()));
}

function run(args: readonly string[], env: NodeJS.ProcessEnv): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (b: Buffer) => (output += b.toString()));
    child.stderr.on('data', (b: Buffer) => (output += b.toString()));
    child.on('close', (code) => resolve({ code, output }));
  });
}

async function main(): Promise<number> {
  const url = process.env.ES_URL;
  if (!url) throw new Error('set ES_URL (and ES_USERNAME, ES_PASSWORD) to the cluster to use');
  const es = createEsClient(
    settingsFromConnection({
      url,
      ...(process.env.ES_USERNAME ? { username: process.env.ES_USERNAME } : {}),
      ...(process.env.ES_PASSWORD ? { password: process.env.ES_PASSWORD } : {}),
    }),
  );
  const now = Date.now();
  const base = `conformance-examples-${process.pid}-${now.toString(36)}`;
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logwarden-examples-'));
  const docs = documents(now);
  const created = new Set<string>();
  let failed = 0;
  try {
    const mappings: estypes.MappingTypeMapping = {
      dynamic_templates: [{ strings: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }],
    };
    const load = async (index: string, batch: Doc[]): Promise<void> => {
      await es.client.indices.create({ index, mappings });
      created.add(index);
      await es.client.bulk({ refresh: true, operations: batch.flatMap((d) => [{ index: { _index: index } }, d]) });
    };
    await load(base, docs);
    for (const file of readdirSync(examples)
      .filter((f) => f.endsWith('.yaml'))
      .sort()) {
      const rule = parse(readFileSync(path.join(examples, file), 'utf8')) as Record<string, unknown>;
      const notes: string[] = [];
      if (rule.use_strftime_index === true) {
        // One index per day, named as the rule's pattern names it, holding that day's documents.
        const pattern = `${base}-${String(rule.index).replace(/^.*?(%Y)/, '$1')}`;
        for (const name of new Set(docs.map((d) => strftime(pattern, new Date(String(d['@timestamp'])))))) {
          await load(
            name,
            docs.filter((d) => strftime(pattern, new Date(String(d['@timestamp']))) === name),
          );
        }
        rule.index = pattern;
      } else {
        rule.index = base;
      }
      const alerters = (Array.isArray(rule.alert) ? rule.alert : [rule.alert]).map(String);
      const lacking = alerters.filter((a) => !AVAILABLE_ALERTERS.includes(a));
      if (lacking.length > 0) {
        rule.alert = ['debug'];
        notes.push(`alert ${lacking.join(', ')} replaced by debug`);
      }
      const ruleFile = path.join(dir, file);
      writeFileSync(ruleFile, stringify(rule));
      const r = await run([path.join(root, 'src', 'cli', 'main.ts'), 'test-rule', ruleFile, '--days', '1', '--formatted-output'], {
        ...process.env,
      });
      const report = parseReport(r.output);
      if (r.code !== 0 || report === undefined) failed++;
      process.stdout.write(
        `${file}\t${String(rule.type)}\texit ${r.code}\t${report === undefined ? 'no report' : report}${notes.length ? `\t(${notes.join('; ')})` : ''}\n`,
      );
      if (r.code !== 0 || report === undefined) process.stdout.write(`${r.output.slice(-2000)}\n`);
    }
  } finally {
    for (const index of created) await es.client.indices.delete({ index, ignore_unavailable: true }).catch(() => undefined);
    await es.client.close().catch(() => undefined);
    rmSync(dir, { recursive: true, force: true });
  }
  return failed === 0 ? 0 : 1;
}

/** "N matches, M alerts" from test-rule's JSON report, or undefined when there is none. */
function parseReport(output: string): string | undefined {
  const start = output.indexOf('{');
  if (start < 0) return undefined;
  try {
    const report = JSON.parse(output.slice(start)) as { totals?: { matches?: unknown; alerts?: unknown }; error?: unknown };
    if (report.error) return undefined;
    return `${String(report.totals?.matches)} matches, ${String(report.totals?.alerts)} alerts`;
  } catch {
    return undefined;
  }
}

process.exitCode = await main().catch((error: unknown) => {
  process.stderr.write(`conformance-examples: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return 1;
});
