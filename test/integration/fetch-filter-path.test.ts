import { afterAll, describe, expect, it } from '@jest/globals';
import { fetchDocuments } from '../../src/query/fetch.ts';
import { makeRule } from '../unit/ruletypes/fixtures.ts';
import { indexDocs } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { responsesDuring } from '../support/es-responses.ts';

const es = testEs();
afterAll(() => es.close());

describe('reading a window of documents', () => {
  it('receives each hit’s _id, _index, _source and sort only, through every page, and an empty window as no hits', async () => {
    const index = uniqueName('logs-fp');
    const t0 = Date.parse('2026-03-01T12:00:00Z');
    await indexDocs(
      es,
      index,
      Array.from({ length: 7 }, (_, i) => ({ '@timestamp': new Date(t0 + i * 1000).toISOString(), n: i })),
    );
    const rule = makeRule({ index, maxQuerySize: 3 });
    let fetched: Awaited<ReturnType<typeof fetchDocuments>> | undefined;
    const bodies = await responsesDuring(
      es,
      (p) => p.endsWith('/_search'),
      async () => {
        fetched = await fetchDocuments(es, rule, t0 - 1000, t0 + 60_000);
      },
    );
    expect(fetched?.events.map((e) => e.source['n'])).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(fetched?.events[0]?.index).toBe(index);
    // The first plain search and the point-in-time pages after it.
    expect(bodies.length).toBeGreaterThanOrEqual(3);
    for (const body of bodies) {
      expect(Object.keys(body as object).every((k) => k === 'hits' || k === 'pit_id')).toBe(true);
      for (const hit of (body as { hits?: { hits?: object[] } }).hits?.hits ?? [])
        expect(Object.keys(hit).sort()).toEqual(['_id', '_index', '_source', 'sort']);
    }
    const empty = await fetchDocuments(es, rule, t0 + 3_600_000, t0 + 7_200_000);
    expect(empty).toEqual({ events: [], hits: 0, unreadableTimestamps: 0, truncated: false });
  });
});
