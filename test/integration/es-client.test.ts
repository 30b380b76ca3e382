import { afterAll, describe, expect, it } from '@jest/globals';
import { clusterVersion, createEsClient, esCall } from '../../src/es/client.ts';
import { EsError } from '../../src/es/errors.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
afterAll(() => es.close());

describe('the Elasticsearch client module against a real cluster', () => {
  it('indexes documents and counts them', async () => {
    const index = uniqueName('client-count');
    const operations = Array.from({ length: 25 }, (_, i) => [
      { index: { _index: index } },
      { '@timestamp': new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(), n: i, host: i % 2 ? 'a' : 'b' },
    ]).flat();
    const bulk = await esCall(es, 'bulk', (c) => c.bulk({ operations, refresh: true }));
    expect(bulk.errors).toBe(false);
    const all = await esCall(es, 'count', (c) => c.count({ index }));
    expect(all.count).toBe(25);
    const some = await esCall(es, 'count', (c) => c.count({ index, query: { term: { 'host.keyword': 'a' } } }));
    expect(some.count).toBe(12);
  });

  it('reports the cluster version from the node', async () => {
    expect(await clusterVersion(es)).toMatch(/^\d+\.\d+\.\d+/);
  });

  it("classifies a malformed query as permanent and quotes Elasticsearch's reason", async () => {
    const index = uniqueName('client-bad');
    await es.client.indices.create({ index });
    const error = await esCall(es, `searching ${index}`, (c) => c.search({ index, query: { no_such_query: {} } as never })).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EsError);
    const e = error as EsError;
    expect(e.retryable).toBe(false);
    expect(e.kind).toBe('bad_request');
    expect(e.message).toContain(`searching ${index}: HTTP 400 parsing_exception`);
    expect(e.message).toContain('no_such_query');
  });

  it('rejects wrong credentials as a permanent auth error without showing the password', async () => {
    if (!process.env.ES_USERNAME) {
      // A cluster given through ES_URL with an API key: use a bogus key instead.
      const bad = createEsClient({
        url: process.env.ES_URL ?? '',
        apiKey: 'bm90LWEta2V5OmJvZ3VzLXNlY3JldC12YWx1ZQ==',
        verifyCerts: true,
        requestTimeoutMs: 5000,
      });
      const error = (await clusterVersion(bad).catch((x: unknown) => x)) as EsError;
      expect(error.kind).toBe('auth');
      expect(error.message).not.toContain('bm90LWEta2V5OmJvZ3VzLXNlY3JldC12YWx1ZQ==');
      await bad.close();
      return;
    }
    const password = 'Wrong-Secret-Password-123';
    const bad = createEsClient({
      url: process.env.ES_URL ?? '',
      username: process.env.ES_USERNAME,
      password,
      verifyCerts: true,
      requestTimeoutMs: 5000,
    });
    const error = (await clusterVersion(bad).catch((x: unknown) => x)) as EsError;
    await bad.close();
    expect(error).toBeInstanceOf(EsError);
    expect(error.kind).toBe('auth');
    expect(error.retryable).toBe(false);
    expect(error.status).toBe(401);
    expect(error.message).not.toContain(password);
    expect(JSON.stringify(error)).not.toContain(password);
  });

  it('classifies a refused connection as retryable', async () => {
    const dead = createEsClient({
      url: 'http://127.0.0.1:1',
      username: 'u',
      password: 'Sup3rSecretValue',
      verifyCerts: true,
      requestTimeoutMs: 2000,
    });
    const error = (await clusterVersion(dead).catch((x: unknown) => x)) as EsError;
    await dead.close();
    expect(error.kind).toBe('connection');
    expect(error.retryable).toBe(true);
    expect(error.message).not.toContain('Sup3rSecretValue');
  });
});
