// Every shell command the README and docs/ show is run here, or named below with the test that
// runs it (or why it cannot run on a test machine), so the documentation cannot drift from
// what the program accepts.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { docPages, REPO_ROOT, shellCommands, shellWords, type DocCommand } from '../support/docs.ts';
import { testEs, uniqueName } from '../support/es.ts';

/** Commands run elsewhere: the file that runs them must still contain each of `runs`. */
const ELSEWHERE: Record<string, { file: string; runs: string[] } | { cannotRun: string }> = {
  'source scripts/setup-node.sh && npm ci && npm run demo': { file: 'test/integration/demo.test.ts', runs: ['runDemo('] },
  'source scripts/setup-node.sh && npm ci && npm test': { file: '.ci/run', runs: ['source scripts/setup-node.sh', 'npm ci', 'npm test'] },
  'node scripts/conformance.ts': { file: '.ci/run', runs: ['node scripts/conformance.ts'] },
  // One case by name: the same script as above, which .ci/run runs over every case.
  'node scripts/conformance.ts change-basic': { file: '.ci/run', runs: ['node scripts/conformance.ts'] },
  'node scripts/conformance.ts cardinality-max': { file: '.ci/run', runs: ['node scripts/conformance.ts'] },
  'npm run es:start': {
    cannotRun:
      'keeps a cluster running until Ctrl-C; the provisioning it calls is what test/integration/provision.test.ts and every integration run use',
  },
  'npm run test:integration -- test/integration/cli-run.test.ts': { file: 'package.json', runs: ['"test:integration"'] },
  'logwarden test rules/': { file: 'test/integration/rule-tests.test.ts', runs: ["'test', 'rules/'"] },
  // Installing into the shared test cluster would change how every later test's indices are mapped.
  'logwarden templates install': { file: 'test/integration/pack-templates.test.ts', runs: ['installPackTemplates(es, templates)'] },
  'kubectl create secret generic logwarden-es --from-literal=api-key=<encoded API key>': { cannotRun: 'needs a Kubernetes cluster' },
  'helm install logwarden deploy/helm/logwarden --set elasticsearch.url=https://elasticsearch:9200 --set elasticsearch.apiKeySecret.name=logwarden-es --set serviceMonitor.enabled=true --set-file rules.files.ssh-bruteforce\\\\.yaml=rules/ssh-bruteforce.yaml':
    { cannotRun: 'needs a Kubernetes cluster' },
  'jq \'{name: "logwarden", role_descriptors: {logwarden: .}, metadata: {application: "logwarden"}}\' deploy/elasticsearch-role.json | curl -sS -u admin -H \'Content-Type: application/json\' -X POST https://es.example.com:9200/_security/api_key -d @- | jq -r .encoded':
    { cannotRun: 'the test distribution cannot store API keys (docs/elasticsearch.md)' },
};

/**
 * Commands whose right answer depends on what other tests left in the test cluster: exit 0, or exit
 * 1 where every problem reported is one of `only` (here: the pack's log indices that do not exist
 * yet). Any other problem is a false alarm on the pack's own rules and templates.
 */
const EXPECTED: Record<string, { only: string }> = {
  'logwarden lint rules/ --check-es': { only: 'matches no index, alias or data stream' },
};

const PROGRAM = [/^logwarden\s/, /^npx logwarden\s/, /^node bin\/logwarden\.js\s/, /^npm run logwarden -- /];
const bin = path.join(REPO_ROOT, 'bin/logwarden.js');
const commands: DocCommand[] = docPages().flatMap((p) => shellCommands(p));
const workdirs: string[] = [];
afterAll(() => {
  for (const d of workdirs) rmSync(d, { recursive: true, force: true });
});

/** A working directory like a user's checkout: the bundled rules, nothing else. */
function workdir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'logwarden-docs-'));
  workdirs.push(dir);
  symlinkSync(path.join(REPO_ROOT, 'rules'), path.join(dir, 'rules'));
  return dir;
}

function programArgs(text: string): string[] | undefined {
  const prefix = PROGRAM.find((re) => re.test(`${text} `));
  if (!prefix) return undefined;
  return shellWords(`${text} `.replace(prefix, ''));
}

describe('commands shown in the README and docs/', () => {
  it('are each run here or by a named test', () => {
    const unaccounted = commands.filter((c) => !c.text.startsWith('export ') && !programArgs(c.text) && !(c.text in ELSEWHERE));
    expect(unaccounted.map((c) => `${c.page}:${c.line}: ${c.text}`)).toEqual([]);
    for (const [text, where] of Object.entries(ELSEWHERE)) {
      expect(commands.some((c) => c.text === text)).toBe(true); // no stale entry
      if ('file' in where) {
        const source = readFileSync(path.join(REPO_ROOT, where.file), 'utf8');
        for (const r of where.runs) expect(`${where.file}: ${source.includes(r) ? r : `missing ${r}`}`).toBe(`${where.file}: ${r}`);
      }
    }
  });

  const runnable = commands.filter((c) => programArgs(c.text) && !(c.text in ELSEWHERE));
  it.each(runnable.map((c) => [`${c.page}:${c.line} ${c.text}`, c] as const))(
    '%s',
    async (_title, command) => {
      const args = programArgs(command.text) ?? [];
      const cwd = workdir();
      const wb = uniqueName('docs-cmd');
      const env = { ...process.env, LOGWARDEN_WRITEBACK_INDEX: wb, LOGWARDEN_OPS_PORT: '0', LOGWARDEN_LOG_LEVEL: 'warn' };
      const continuous = args[0] === 'run' && !args.some((a) => ['--once', '--start', '--end'].includes(a));
      if (!continuous) {
        const res = spawnSync(process.execPath, [bin, ...args], { cwd, env, encoding: 'utf8', timeout: 240_000 });
        const expected = EXPECTED[command.text];
        if (expected) {
          expect([0, 1]).toContain(res.status);
          const problems = res.stdout.split('\n').filter((l) => /^\S+\.ya?ml(:\d+)?: rule /.test(l));
          expect(problems.filter((l) => !l.includes(expected.only))).toEqual([]);
          expect(res.status === 1).toBe(problems.length > 0);
          return;
        }
        expect({ status: res.status, stderr: res.status === 0 ? '' : res.stderr.slice(-2000) }).toEqual({ status: 0, stderr: '' });
        return;
      }
      // `run` keeps going: it must start, record runs, and stop cleanly on SIGTERM.
      const child = spawn(process.execPath, [bin, ...args], { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (d: Buffer) => {
        stderr += d.toString();
      });
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      const es = testEs();
      try {
        let runs = 0;
        for (let i = 0; i < 300 && runs === 0; i++) {
          runs = (await es.client.count({ index: `${wb}_status`, ignore_unavailable: true }).catch(() => ({ count: 0 }))).count;
          if (runs === 0) await delay(200);
        }
        expect(runs).toBeGreaterThan(0);
        child.kill('SIGTERM');
        expect({ code: await exited, stderr: stderr.includes('"level":50') ? stderr.slice(-2000) : '' }).toEqual({ code: 0, stderr: '' });
      } finally {
        child.kill('SIGKILL');
        await es.close();
      }
    },
    300_000,
  );
});
