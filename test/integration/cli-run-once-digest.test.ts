// `run --once` sends an aggregation digest whose period has ended (issue #19 item 3): a one-off
// run over past matches used to record them into a digest and exit, leaving it unsent.
import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));
const es = testEs();
const index = uniqueName('once-digest');
const wb = uniqueName('once-digest-wb');

afterAll(async () => {
  await es.client.indices.delete({ index: [index, `${wb}*`], ignore_unavailable: true, allow_no_indices: true }).catch(() => undefined);
  await es.client.indices.deleteIndexTemplate({ name: `logwarden-${wb}*` }, { ignore: [404] }).catch(() => undefined);
  await es.close();
});

describe('logwarden run --once', () => {
  it('sends the digest of an aggregation period that ended before it exits', async () => {
    const at = new Date(Date.now() - 20 * 60_000).toISOString();
    await es.client.bulk({
      refresh: true,
      operations: [
        { index: { _index: index } },
        { '@timestamp': at, msg: 'first' },
        { index: { _index: index } },
        { '@timestamp': at, msg: 'second' },
      ],
    });
    const rules = rulesFolder({
      'agg.yaml': `name: Digest\ntype: any\nindex: ${index}\naggregation: {minutes: 2}\naggregate_by_match_time: true\nalert: [stdout]\nalert_text: "digest of msg"\n`,
    });
    const env = { ...process.env, LOGWARDEN_RULES_FOLDER: rules, LOGWARDEN_WRITEBACK_INDEX: wb, LOGWARDEN_LOG_LEVEL: 'warn' };
    const run = spawnSync(process.execPath, [bin, 'run', '--once', '--start', '-30m'], { env, encoding: 'utf8' });
    expect(run.stderr).toContain('1 rules run, 1 alerts sent, 0 failed');
    expect(run.stdout.match(/digest of msg/g)?.length).toBe(2);
    expect(run.status).toBe(0);
  });
});
