import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { runCli } from '../../src/cli/program.ts';
import { indexDocs, rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import type { EsHandle } from '../../src/es/client.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';

const HOUR = 3_600_000;
const MIN = 60_000;

/**
 * What a new user meets in the first hour, through the real command line against the real
 * cluster: a misspelt index, a misspelt silence, a backfill whose repeats must not vanish.
 */
describe('run --once, silence: the first hour', () => {
  let es: EsHandle;
  const folders: string[] = [];
  const writebacks: string[] = [];
  const index = uniqueName('fh-auth');
  // Three failures of alice, 10 minutes apart, two hours ago: realert 5m lets each through.
  const base = Math.floor((Date.now() - 3 * HOUR) / HOUR) * HOUR;
  const at = (m: number): string => new Date(base + m * MIN).toISOString();

  const logLevel = process.env.LOGWARDEN_LOG_LEVEL;
  beforeAll(async () => {
    // The engine's logger reads the process environment; the commands' output is what is tested.
    process.env.LOGWARDEN_LOG_LEVEL = 'silent';
    es = testEs();
    await es.client.indices.create({
      index,
      mappings: { properties: { '@timestamp': { type: 'date' }, user: { type: 'keyword' }, message: { type: 'text' } } },
    });
    await indexDocs(
      es,
      index,
      [0, 10, 20].map((m) => ({ '@timestamp': at(m), user: 'alice', event: 'failed' })),
    );
  });
  afterAll(async () => {
    if (logLevel === undefined) delete process.env.LOGWARDEN_LOG_LEVEL;
    else process.env.LOGWARDEN_LOG_LEVEL = logLevel;
    for (const f of folders) rmSync(f, { recursive: true, force: true });
    // By name, never by wildcard: the cluster is shared.
    const names = [index, ...writebacks.flatMap((wb) => WRITEBACK_KINDS.map((k) => writebackIndexName(wb, k)))];
    await es.client.indices.delete({ index: names, ignore_unavailable: true });
    await es.close();
  });

  /** The command line in-process (as bin/logwarden.js runs it), with its output captured. */
  function cli(
    rules: Record<string, string>,
    writeback: string,
  ): (...args: string[]) => Promise<{ status: number; stdout: string; stderr: string }> {
    const folder = rulesFolder(rules);
    folders.push(folder);
    writebacks.push(writeback);
    const env = { ...process.env, LOGWARDEN_RULES_FOLDER: folder, LOGWARDEN_WRITEBACK_INDEX: writeback };
    return async (...args) => {
      const out: string[] = [];
      const err: string[] = [];
      const status = await runCli(args, { env, out: (l) => out.push(l), err: (l) => err.push(l), onStop: () => undefined });
      return { status, stdout: out.join('\n'), stderr: err.join('\n') };
    };
  }

  it('https:// against the plain-http cluster says to try http://', async () => {
    const url = process.env.ES_URL ?? '';
    // Only meaningful where the test cluster speaks plain HTTP (the shared and the provisioned ones do).
    expect(url.startsWith('http://')).toBe(true);
    // init fails before it creates anything.
    const env = { ...process.env, ES_URL: url.replace(/^http:/, 'https:'), LOGWARDEN_WRITEBACK_INDEX: uniqueName('fh-wb') };
    const err: string[] = [];
    const status = await runCli(['init'], { env, out: () => undefined, err: (l) => err.push(l), onStop: () => undefined });
    expect(status).toBe(1);
    expect(err.join('\n')).toContain('the cluster does not speak TLS here — try http://');
  });

  it('warns when the index matches nothing: on stderr, in --json and in the status record', async () => {
    const wb = uniqueName('fh-wb');
    const run = cli({ 'r.yaml': 'name: Misspelt\ntype: any\nindex: myauht-*\nalert: [stdout]\n' }, wb);
    expect((await run('run', '--once', '--rule', 'Mispelt')).stderr).toBe(
      'run: --rule: no enabled rule named "Mispelt"; did you mean "Misspelt"?',
    );
    const plain = await run('run', '--once');
    expect(plain.status).toBe(0);
    expect(plain.stderr).toContain('warning: rule "Misspelt": index "myauht-*" matches no index, alias or data stream');
    expect(plain.stderr).toContain('1 rules run, 0 alerts sent, 0 failed, 1 with warnings');
    const json = await run('run', '--once', '--json');
    const report = JSON.parse(json.stdout) as { rules: { warning: string | null }[] };
    expect(report.rules[0]?.warning).toMatch(/"myauht-\*" matches no index/);
    await es.client.indices.refresh({ index: `${wb}_status` });
    const status = await es.client.search<{ warning?: string }>({ index: `${wb}_status`, query: { exists: { field: 'warning' } } });
    expect(status.hits.hits[0]?._source?.warning).toContain('myauht-*');
  });

  it('a backfill keeps repeats beyond realert (event time), lists every alert in --json and gates CI with --fail-on-alerts', async () => {
    const run = cli(
      { 'r.yaml': `name: Failures\ntype: any\nindex: ${index}\nquery_key: user\nrealert: {minutes: 5}\nalert: [stdout]\n` },
      uniqueName('fh-wb'),
    );
    const res = await run('run', '--once', '--start', at(-1), '--end', at(30), '--json', '--fail-on-alerts');
    expect(res.status).toBe(5);
    const report = JSON.parse(res.stdout) as {
      realert: string;
      alerts: { rule: string; key: string; matchTime: string; alertId: string; sent: Record<string, string> }[];
    };
    expect(report.realert).toBe('event-time');
    expect(report.alerts.map((a) => a.matchTime)).toEqual([at(0), at(10), at(20)]);
    expect(report.alerts.every((a) => a.rule === 'Failures' && a.key === 'alice' && a.alertId.length > 10)).toBe(true);
    expect(report.alerts[0]?.sent).toEqual({ stdout: 'sent' });
    // The stdout alerter moved to stderr: stdout is the JSON alone.
    expect(res.stderr).toContain('Failures');
  });

  it('refuses a misspelt rule, and a silence by key lands under realert_key and counts as silenced', async () => {
    const rule = `name: SSH brute force\ntype: any\nindex: ${index}\nquery_key: user\nrealert_key: ssh-shared\nrealert: {minutes: 5}\nalert: [stdout]\n`;
    const run = cli({ 'r.yaml': rule }, uniqueName('fh-wb'));
    const typo = await run('silence', '--rule', 'SSH brute forse', '--for', '1h');
    expect(typo.status).not.toBe(0);
    expect(typo.stderr).toContain('Did you mean "SSH brute force"?');
    expect((await run('silence', '--rule', 'Not deployed yet', '--force')).status).toBe(0);
    const set = await run('silence', '--rule', 'SSH brute force', '--key', 'alice', '--for', '1h');
    expect(set.stdout).toMatch(/^Silenced ssh-shared\.alice for 1h/);
    const silences = JSON.parse((await run('silences', '--json')).stdout) as { key: string; reason: string | null }[];
    expect(silences).toContainEqual(expect.objectContaining({ key: 'ssh-shared.alice', reason: 'silenced with logwarden silence' }));
    const res = await run('run', '--once', '--start', at(-1), '--end', at(30), '--json', '--fail-on-alerts');
    const report = JSON.parse(res.stdout) as { alerts: unknown[]; rules: { outcomes: Record<string, number> }[] };
    expect(report.alerts).toEqual([]);
    expect(report.rules[0]?.outcomes).toEqual({ suppressed_silence: 3 });
    expect(res.status).toBe(0);
  });

  it('test-rule warns about an index that matches nothing, lists every alert with --json and gates with --fail-on-alerts', async () => {
    const run = cli({}, uniqueName('fh-wb'));
    const folder = rulesFolder({
      'typo.yaml': 'name: Typo\ntype: any\nindex: myauht-*\nalert: [stdout]\n',
      'ok.yaml': `name: Failures\ntype: any\nindex: ${index}\nquery_key: user\nrealert: {minutes: 5}\nalert: [stdout]\n`,
    });
    folders.push(folder);
    // --count-only writes nothing: the cheapest way to meet the warning.
    const typo = await run('test-rule', `${folder}/typo.yaml`, '--start', at(-1), '--end', at(30), '--count-only');
    expect(typo.status).toBe(0);
    expect(typo.stdout).toContain('warning: index "myauht-*" matches no index, alias or data stream');
    const res = await run('test-rule', `${folder}/ok.yaml`, '--start', at(-1), '--end', at(30), '--json', '--fail-on-alerts');
    expect(res.status).toBe(5);
    const report = JSON.parse(res.stdout) as {
      alerts: { total: number; all: { queryKey: string; matchTime: string; alertId: string; sent: Record<string, string> }[] };
    };
    expect(report.alerts.total).toBe(3);
    expect(report.alerts.all.map((a) => [a.queryKey, a.matchTime, a.sent])).toEqual(
      [0, 10, 20].map((m) => ['alice', at(m), { stdout: 'captured' }]),
    );
  });

  it('lint --check-es finds what only the cluster knows, with did-you-mean', async () => {
    const run = cli(
      {
        'typo-index.yaml': 'name: Typo index\ntype: any\nindex: myauht-*\nalert: [stdout]\n',
        'typo-key.yaml': `name: Typo key\ntype: frequency\nindex: ${index}\nquery_key: usr\nnum_events: 3\ntimeframe: {minutes: 5}\nfilter:\n  - term:\n      evnt: failed\nalert: [stdout]\n`,
        'text-term.yaml': `name: Text term\ntype: new_term\nindex: ${index}\nfields: [message]\nalert: [stdout]\n`,
        'good.yaml': `name: Good\ntype: new_term\nindex: ${index}\nfields: [user, event]\nfilter:\n  - term:\n      event: failed\nalert: [stdout]\n`,
      },
      uniqueName('fh-wb'),
    );
    expect((await run('lint')).status).toBe(0);
    const res = await run('lint', '--check-es');
    expect(res.status).toBe(1);
    // Files are shown relative to the working folder; the temp folder's path is not the point.
    expect(
      res.stdout
        .split('\n')
        .map((l) => l.replace(/^.*lw-rules-[^/]+\//, ''))
        .sort(),
    ).toEqual(
      [
        `good.yaml: rule "Good": event is mapped as text in ${index}: a term query only finds its lowercased words; map it as keyword (logwarden templates install) or filter on event.keyword`,
        `text-term.yaml: rule "Text term": fields: "message" cannot be aggregated in the mapping of ${index} (a text field without a keyword sub-field?): Elasticsearch counts by it for this rule type; map it as keyword`,
        'typo-index.yaml: rule "Typo index": index: index "myauht-*" matches no index, alias or data stream: the rule reads nothing (a typo in index?)',
        `typo-key.yaml: rule "Typo key": filter: "evnt" is not in the mapping of ${index}; did you mean "event"?`,
        `typo-key.yaml: rule "Typo key": query_key: "usr" is not in the mapping of ${index}; did you mean "user"?`,
        '1 rule OK, 3 files with 4 problems',
      ].sort(),
    );
  });
});
