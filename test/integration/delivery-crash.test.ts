import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { esStores } from '../../src/store/es/stores.ts';
import { indexDocs, rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

const child = fileURLToPath(new URL('../support/crash-child.ts', import.meta.url));
const SUBJECT = 'CRASH-TEST root login on bastion';

/** Runs the engine once in a child process; returns its stdout and how it ended. */
function runChild(env: Record<string, string>): { stdout: string; signal: NodeJS.Signals | null; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [child], { env: { ...process.env, ...env }, encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, signal: r.signal, status: r.status, stderr: r.stderr };
}

const deliveries = (stdout: string): number => stdout.split(SUBJECT).length - 1;

describe('a LogWarden process killed while delivering', () => {
  // Each row: where the process dies, and how many times the alert may reach the peer in total.
  const rows = [
    {
      crashAt: 'afterAlertRecorded',
      why: 'recorded, nothing sent, realert not written: the worker sends it after the claim expires, the re-run writes realert',
      expected: 1,
    },
    { crashAt: 'afterPeerAccepted', why: 'the peer has it but we never wrote "sent": the one documented duplicate', expected: 2 },
    { crashAt: 'afterDeliveryMarked', why: 'sent and marked, the alert not settled: the next delivery pass settles it', expected: 1 },
    { crashAt: 'afterRun', why: 'everything done before the kill: nothing is sent again', expected: 1 },
  ];
  it.each(rows)('killed at $crashAt: $why', async ({ crashAt, expected }) => {
    const index = uniqueName('logs-crash');
    const wb = uniqueName('wb-crash');
    const now = Date.now();
    await indexDocs(es, index, [{ '@timestamp': new Date(now - 60_000).toISOString(), user: { name: 'root' }, host: { name: 'bastion' } }]);
    const rules = rulesFolder({
      'root.yaml': `name: Root login\ntype: any\nindex: ${index}\nalert_subject: "${SUBJECT}"\nrealert: {hours: 1}\nalert: [stdout]\n`,
    });
    const base = { RULES: rules, WB: wb };

    const crashed = runChild({ ...base, NOW: String(now), CRASH_AT: crashAt });
    expect(crashed.signal).toBe('SIGKILL');
    // Restarted after the claim lease (60 s) has passed.
    const restarted = runChild({ ...base, NOW: String(now + 120_000) });
    expect(restarted.stderr).toBe('');
    expect(restarted.status).toBe(0);

    expect(deliveries(crashed.stdout) + deliveries(restarted.stdout)).toBe(expected);
    const alerts = await esStores(es, wb).alerts.ofRule('Root login');
    expect(alerts).toHaveLength(1);
    expect(alerts[0]?.alertSent).toBe(true);
    // Realert holds the rule back for its hour, whichever process wrote it.
    expect((await esStores(es, wb).silences.get('Root login'))?.untilMs).toBeGreaterThanOrEqual(now + 3_600_000);
  });
});
