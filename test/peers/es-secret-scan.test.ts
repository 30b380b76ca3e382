import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { inspect } from 'node:util';
import { pino } from 'pino';
import type { EsSettings } from '../../src/config/load-config.ts';
import { Engine } from '../../src/engine.ts';
import { createEsClient, esCall } from '../../src/es/client.ts';
import { rulesFolder, testConfig } from '../support/engine.ts';
import { startEchoEs, type EchoEs } from '../support/echo-es.ts';

/** The forms a credential travels in: as written, URL-encoded, and base64 of user:password. */
function forms(user: string, password: string): string[] {
  return [password, encodeURIComponent(password), Buffer.from(`${user}:${password}`).toString('base64')];
}
const API_KEY = 'bHdfa2V5OnN1cGVyLXNlY3JldC1rZXk=';

const USER = 'lw_reader';
// Characters that URL-encode, so the plain and encoded forms differ.
const PASSWORD = 'S3cr3t/pa:ss%w0rd+@x';

let peer: EchoEs;
let rules: string;
beforeAll(async () => {
  peer = await startEchoEs();
  rules = rulesFolder({ 'root.yaml': 'name: Root login\ntype: any\nindex: logs-*\nalert: [stdout]\n' });
});
afterAll(async () => {
  await peer.close();
  rmSync(rules, { recursive: true, force: true });
});

const cases: { name: string; settings: () => EsSettings; secrets: string[] }[] = [
  {
    name: 'es_username / es_password',
    settings: () => ({ url: peer.url, username: USER, password: PASSWORD, verifyCerts: true, requestTimeoutMs: 5_000 }),
    secrets: forms(USER, PASSWORD),
  },
  {
    name: 'user:pass@ in es_url',
    settings: () => ({
      url: `http://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${peer.port}`,
      verifyCerts: true,
      requestTimeoutMs: 5_000,
    }),
    secrets: forms(USER, PASSWORD),
  },
  {
    name: 'API key',
    settings: () => ({ url: peer.url, apiKey: API_KEY, verifyCerts: true, requestTimeoutMs: 5_000 }),
    secrets: [API_KEY, 'super-secret-key', encodeURIComponent('lw_key:super-secret-key')],
  },
];

describe('credentials never leave in errors, logs or writeback records (issue #16, item 4)', () => {
  it.each(cases)('redacts every encoding of the credential: $name', async ({ settings, secrets }) => {
    const es = createEsClient(settings());
    const logged: string[] = [];
    const log = pino(
      { level: 'debug' },
      new Writable({
        write(chunk: Buffer, _enc, done) {
          logged.push(chunk.toString());
          done();
        },
      }),
    );
    const from = peer.requests.length;
    const echoedFrom = peer.echoed.length;
    const config = testConfig(rules, 'wb-secret-scan');
    const engine = new Engine({ config, es, log, env: {}, out: () => undefined });
    try {
      engine.loadRules();
      // Three failing runs: one for each shape of echo (JSON 500, plain-text 502, JSON 401).
      const outcomes = [await engine.runOne('Root login'), await engine.runOne('Root login'), await engine.runOne('Root login')];
      const thrown: unknown[] = [];
      for (const what of ['searching logs-*', 'counting logs-*']) {
        await esCall(es, what, (c) => c.search({ index: 'logs-*' })).catch((e: unknown) => thrown.push(e));
      }
      expect(outcomes.every((o) => o.error !== undefined)).toBe(true);
      expect(thrown).toHaveLength(2);

      // The peer did offer the credentials: each secret form was in the error bodies it sent.
      const offered = peer.echoed.slice(echoedFrom).join('\n');
      for (const secret of secrets) expect(offered).toContain(secret);

      const written = peer.requests
        .slice(from)
        .filter((r) => r.method !== 'GET' && r.method !== 'HEAD')
        .map((r) => r.body);
      // Status and error records of the failed runs were written, with the redacted message.
      expect(written.some((b) => b.includes('"message"') && b.includes('***'))).toBe(true);
      expect(written.some((b) => b.includes('"error"') && b.includes('run_id'))).toBe(true);
      const everything = [
        ...logged,
        ...outcomes.map((o) => inspect(o.error, { depth: 5 })),
        ...outcomes.map((o) => o.error?.message ?? ''),
        ...thrown.map((e) => inspect(e, { depth: 5 })),
        ...written,
      ].join('\n');
      expect(everything).toContain('***');
      for (const secret of secrets) {
        expect(everything).not.toContain(secret);
        // JSON logs and documents escape some characters: look for the escaped form too.
        expect(everything).not.toContain(JSON.stringify(secret).slice(1, -1));
      }
    } finally {
      await engine.stop();
      await es.close();
    }
  });
});
