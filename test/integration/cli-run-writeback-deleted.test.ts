import { describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import { rmSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';
import { indexDocs, rulesFolder } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const bin = fileURLToPath(new URL('../../bin/logwarden.js', import.meta.url));

async function until(what: string, check: () => boolean | Promise<boolean>, timeoutMs = 30_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await check()) return;
    await delay(200);
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('a running logwarden whose writeback indices are deleted (issue #16, item 2)', () => {
  it('keeps alerting on new events, sends none of the earlier ones again, and says what happened', async () => {
    const logs = uniqueName('logs-live-del');
    const wb = uniqueName('wb-live-del');
    const rules = rulesFolder({
      'every.yaml': `name: Every event\ntype: any\nindex: ${logs}\nrun_every: {seconds: 1}\nbuffer_time: {minutes: 10}\nrealert: {minutes: 0}\nalert_text: "LWEVENT-{0}"\nalert_text_args: [n]\nalert_text_type: alert_text_only\nalert: [stdout]\n`,
    });
    const env = {
      ...process.env,
      LOGWARDEN_RULES_FOLDER: rules,
      LOGWARDEN_WRITEBACK_INDEX: wb,
      LOGWARDEN_OPS_PORT: '0',
      LOGWARDEN_LOG_LEVEL: 'warn',
    };
    const es = testEs();
    const event = (n: number): Record<string, unknown> => ({ '@timestamp': new Date(Date.now() - 1_000).toISOString(), n });
    const child = spawn(process.execPath, [bin, 'run'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d.toString();
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d.toString();
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const delivered = (): string[] => [...stdout.matchAll(/LWEVENT-(\d+)/g)].map((m) => m[1] ?? '');
    try {
      await indexDocs(es, logs, [event(1), event(2), event(3)]);
      await until('the first three alerts', () => delivered().length >= 3);

      await es.client.indices.delete({ index: WRITEBACK_KINDS.map((k) => writebackIndexName(wb, k)), ignore_unavailable: true });
      await indexDocs(es, logs, [event(4), event(5)]);
      await until('the two new alerts', () => delivered().length >= 5);
      await until('the deletion noticed', () => /writeback indices missing while running/.test(stderr));
      // Several more runs over the same buffer_time: nothing is sent again.
      await delay(4_000);
      expect(delivered().sort()).toEqual(['1', '2', '3', '4', '5']);
      for (const kind of WRITEBACK_KINDS) {
        const index = writebackIndexName(wb, kind);
        expect(await es.client.indices.exists({ index })).toBe(true);
        const mapping = await es.client.indices.getMapping({ index });
        expect(mapping[index]?.mappings.dynamic).toBe('strict');
      }
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await es.client.indices.deleteIndexTemplate({ name: `logwarden-${wb}*` }, { ignore: [404] }).catch(() => undefined);
      await es.client.indices.delete({ index: [`${wb}*`, logs] }, { ignore: [404] }).catch(() => undefined);
      await es.close();
      rmSync(rules, { recursive: true, force: true });
    }
  });
});
