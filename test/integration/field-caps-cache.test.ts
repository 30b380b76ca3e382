import { afterAll, describe, expect, it } from '@jest/globals';
import { createEsClient, settingsFromConnection, type EsHandle } from '../../src/es/client.ts';
import { connectionFromEnv, type EsConnection } from '../../src/es/provision/index.ts';
import { FieldCapsCache, resolveAggregatableFields } from '../../src/query/ranges.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { responsesDuring } from '../support/es-responses.ts';

const es = testEs();
afterAll(() => es.close());

/** field_caps requests `handle` sends while `fn` runs. */
async function fieldCapsRequests(fn: () => Promise<unknown>, handle: EsHandle = es): Promise<number> {
  return (await responsesDuring(handle, (p) => p.includes('/_field_caps'), fn)).length;
}

describe('field capabilities of a rule run', () => {
  it('are asked once per index and fields while fresh, and again after the TTL', async () => {
    const index = uniqueName('caps');
    await es.client.indices.create({
      index,
      mappings: { properties: { user: { type: 'text', fields: { keyword: { type: 'keyword' } } }, ip: { type: 'keyword' } } },
    });
    let now = 0;
    const cache = new FieldCapsCache(60_000, () => now);
    const ask = (): Promise<unknown> => cache.get(es, index, ['ip', 'user', 'user.keyword']);
    expect(
      await fieldCapsRequests(async () => {
        await ask();
        await ask();
      }),
    ).toBe(1);
    now = 59_999;
    expect(await fieldCapsRequests(ask)).toBe(0);
    now = 60_000;
    expect(await fieldCapsRequests(ask)).toBe(1);
    // Another index expression is another question.
    expect(await fieldCapsRequests(() => cache.get(es, `${index}*`, ['ip']))).toBe(1);
  });

  it('forgets expired entries once many index expressions were asked', async () => {
    const index = uniqueName('caps-many');
    await es.client.indices.create({ index, mappings: { properties: { ip: { type: 'keyword' } } } });
    let now = 0;
    const cache = new FieldCapsCache(60_000, () => now);
    // 256 expressions (as daily indices accumulate), then one more after they expired.
    await Promise.all(Array.from({ length: 256 }, (_, i) => cache.get(es, `${index},nothing-${i}`, ['ip'])));
    expect(cache.size(es)).toBe(256);
    now = 60_000;
    await cache.get(es, index, ['ip']);
    expect(cache.size(es)).toBe(1);
  });

  it('a failed request is not kept: the next call asks again', async () => {
    const cache = new FieldCapsCache(60_000, () => 0);
    // Wrong credentials: the cluster refuses the request.
    const refused = createEsClient({
      ...settingsFromConnection(connectionFromEnv(process.env) as EsConnection),
      username: 'nobody',
      password: 'wrong',
    });
    try {
      await expect(cache.get(refused, 'logs', ['x'])).rejects.toThrow();
      expect(await fieldCapsRequests(() => cache.get(refused, 'logs', ['x']).catch(() => undefined), refused)).toBe(1);
    } finally {
      await refused.close();
    }
  });

  it('resolves cardinality_field to its .keyword copy, with one request for repeated steps', async () => {
    const index = uniqueName('caps-text');
    await es.client.indices.create({
      index,
      mappings: { properties: { user: { type: 'text', fields: { keyword: { type: 'keyword' } } }, host: { type: 'keyword' } } },
    });
    let resolved: string[] = [];
    const requests = await fieldCapsRequests(async () => {
      for (let step = 0; step < 5; step++) resolved = await resolveAggregatableFields(es, index, ['host', 'user'], ['user']);
    });
    expect(resolved).toEqual(['host', 'user.keyword']);
    expect(requests).toBe(1);
  });
});
