import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createEsClient } from '../../src/es/client.ts';
import { silentLogger } from '../../src/log.ts';
import { Engine } from '../../src/engine.ts';
import { ManualClock } from '../../src/schedule/clock.ts';
import { esStores } from '../../src/store/es/stores.ts';
import { indexDocs, rulesFolder, testConfig, testEngine } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

const MIN = 60_000;
const ssh = (index: string, extra = ''): string => `
name: SSH brute force
type: frequency
index: ${index}
num_events: 20
timeframe:
  minutes: 5
query_key: source.ip
filter:
  - term:
      event.outcome: failure
  - term:
      event.category: authentication
alert_subject: "SSH brute force from {0}"
alert_subject_args: [source.ip]
alert:
  - stdout
${extra}`;

const failure = (ip: string, atMs: number, user = 'root'): Record<string, unknown> => ({
  '@timestamp': new Date(atMs).toISOString(),
  event: { category: 'authentication', outcome: 'failure', action: 'ssh_login' },
  source: { ip },
  user: { name: user },
  host: { name: 'bastion-1' },
});

async function createLogIndex(index: string): Promise<void> {
  await es.client.indices.create({
    index,
    mappings: {
      properties: {
        '@timestamp': { type: 'date' },
        source: { properties: { ip: { type: 'keyword' } } },
        event: { properties: { outcome: { type: 'keyword' }, category: { type: 'keyword' } } },
      },
    },
  });
}

describe('a frequency rule for SSH brute force on real data', () => {
  const now = Date.now();
  const t0 = now - 50 * MIN;
  const index = uniqueName('logs-ssh');
  const wb = uniqueName('wb-freq');
  const rules = rulesFolder({ 'ssh.yaml': ssh(index) });
  const config = testConfig(rules, wb, { buffer_time: { hours: 2 }, run_every: { minutes: 1 } });

  beforeAll(async () => {
    await createLogIndex(index);
    const docs: Record<string, unknown>[] = [];
    for (let i = 0; i < 25; i++) docs.push(failure('10.0.0.1', t0 + i * 5_000)); // 25 in 2 min: fires
    for (let i = 0; i < 45; i++) docs.push(failure('10.0.0.2', t0 + 10 * MIN + i * 5_000)); // two windows' worth: fires once (realert)
    for (let i = 0; i < 19; i++) docs.push(failure('10.0.0.3', t0 + 20 * MIN + i * 10_000)); // one short: silent
    for (let i = 0; i < 20; i++) docs.push(failure('10.0.0.4', t0 + 30 * MIN + i * 18_000)); // 20 spread over 5.7 min: silent
    for (let i = 0; i < 30; i++)
      docs.push({ ...failure('10.0.0.9', t0 + i * 1_000), event: { category: 'authentication', outcome: 'success' } }); // successes: filtered out
    await indexDocs(es, index, docs);
  });

  it('fires exactly once per attacking IP and never for benign ones', async () => {
    const { engine, printed } = await testEngine(es, config, now);
    const [outcome] = await engine.runAllOnce({ startMs: t0 - MIN, endMs: now });
    expect(outcome?.error).toBeUndefined();
    expect(outcome?.hits).toBe(109);
    const alerts = await esStores(es, wb).alerts.ofRule('SSH brute force');
    expect(alerts.map((a) => a.queryKey).sort()).toEqual(['10.0.0.1', '10.0.0.2']);
    expect(alerts.every((a) => a.alertSent)).toBe(true);
    expect(printed).toHaveLength(2);
    expect(printed.join('\n')).toContain('SSH brute force from 10.0.0.1');
    expect(outcome?.suppressed).toBe(1);
  });

  it('sends nothing again after a restart over the same data', async () => {
    const restarted = await testEngine(es, config, now + MIN);
    await restarted.engine.runAllOnce({ startMs: t0 - MIN, endMs: now });
    await restarted.engine.runOne('SSH brute force');
    expect(restarted.printed).toEqual([]);
    const alerts = await esStores(es, wb).alerts.ofRule('SSH brute force');
    expect(alerts).toHaveLength(2);
  });
});

describe('restarting in the middle of an attack', () => {
  it('neither misses nor duplicates the alert when the engine restarts between the halves', async () => {
    const index = uniqueName('logs-ssh');
    const wb = uniqueName('wb-restart');
    await createLogIndex(index);
    const config = testConfig(rulesFolder({ 'ssh.yaml': ssh(index) }), wb, { buffer_time: { minutes: 15 }, run_every: { minutes: 1 } });
    const start = Date.now() - 10 * MIN;
    await indexDocs(
      es,
      index,
      Array.from({ length: 12 }, (_, i) => failure('10.1.0.5', start + i * 5_000)),
    );

    const first = await testEngine(es, config, start + 2 * MIN);
    await first.engine.runOne('SSH brute force');
    expect(first.printed).toEqual([]);

    // A new engine instance, as after a process restart: only the writeback index remembers.
    await indexDocs(
      es,
      index,
      Array.from({ length: 10 }, (_, i) => failure('10.1.0.5', start + 2 * MIN + 1_000 + i * 5_000)),
    );
    const second = await testEngine(es, config, start + 4 * MIN);
    await second.engine.runOne('SSH brute force');
    await second.engine.runOne('SSH brute force');
    expect(second.printed).toHaveLength(1);
    const alerts = await esStores(es, wb).alerts.ofRule('SSH brute force');
    expect(alerts.map((a) => a.queryKey)).toEqual(['10.1.0.5']);
  });
});

describe('an unreachable cluster', () => {
  it('fails the run as retryable, loses nothing, and the next run catches up', async () => {
    const index = uniqueName('logs-ssh');
    const wb = uniqueName('wb-dead');
    await createLogIndex(index);
    const config = testConfig(rulesFolder({ 'ssh.yaml': ssh(index) }), wb, { buffer_time: { minutes: 15 } });
    const start = Date.now() - 10 * MIN;
    await indexDocs(
      es,
      index,
      Array.from({ length: 20 }, (_, i) => failure('10.2.0.7', start + i * 3_000)),
    );

    const dead = createEsClient({ url: 'http://127.0.0.1:1', verifyCerts: true, requestTimeoutMs: 1000 });
    const broken = new Engine({
      config,
      es: dead,
      log: silentLogger(),
      clock: new ManualClock(start + 3 * MIN),
      env: {},
      out: () => undefined,
    });
    broken.loadRules();
    const failed = await broken.runOne('SSH brute force');
    await dead.close();
    expect(failed.error?.message).toContain('cannot connect');
    expect((failed.error as { retryable?: boolean }).retryable).toBe(true);

    const healthy = await testEngine(es, config, start + 4 * MIN);
    const ok = await healthy.engine.runOne('SSH brute force');
    expect(ok.error).toBeUndefined();
    expect(healthy.printed).toHaveLength(1);
  });
});
