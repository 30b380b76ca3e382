import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import { WRITEBACK_KINDS, writebackIndexName } from './mappings.ts';
import { migrateControlDocuments } from './migrate-control.ts';

/**
 * elastalert-create-index --recreate: deletes the writeback indices of `base` (all alerts,
 * silences, status and outbox records are lost) so that init creates them afresh.
 */
export async function deleteWriteback(es: EsHandle, base: string): Promise<string[]> {
  const deleted: string[] = [];
  for (const kind of WRITEBACK_KINDS) {
    const index = writebackIndexName(base, kind);
    const exists = await esCall(es, `checking writeback index ${index}`, (c) => c.indices.exists({ index }));
    if (!exists) continue;
    await esCall(es, `deleting writeback index ${index}`, (c) => c.indices.delete({ index }));
    deleted.push(index);
  }
  return deleted;
}

export interface CopyResult {
  from: string;
  to: string;
  copied: number;
  failed: number;
}

/**
 * elastalert-create-index --old-index: copies the writeback of an older base name into the
 * current one, index by index, a page of documents at a time (a point in time, bulk writes
 * keeping each _id, so a second copy changes nothing). _reindex is not used: clusters without
 * the reindex module (stripped distributions) are common. Indices the old base lacks are skipped;
 * documents the current mappings refuse are counted as failed, never dropped silently.
 */
export async function copyWriteback(es: EsHandle, oldBase: string, base: string, pageSize = 1000): Promise<CopyResult[]> {
  const results: CopyResult[] = [];
  for (const kind of WRITEBACK_KINDS) {
    const from = writebackIndexName(oldBase, kind);
    const to = writebackIndexName(base, kind);
    const exists = await esCall(es, `checking old writeback index ${from}`, (c) => c.indices.exists({ index: from }));
    if (!exists) continue;
    const result: CopyResult = { from, to, copied: 0, failed: 0 };
    const opened = await esCall(es, `opening a point in time on ${from}`, (c) => c.openPointInTime({ index: from, keep_alive: '1m' }));
    let pit = opened.id;
    try {
      let after: estypes.SortResults | undefined;
      for (;;) {
        const page = await esCall(es, `reading ${from}`, (c) =>
          c.search<Record<string, unknown>>({
            size: pageSize,
            pit: { id: pit, keep_alive: '1m' },
            sort: [{ _shard_doc: 'asc' }],
            track_total_hits: false,
            ...(after ? { search_after: after } : {}),
          }),
        );
        if (page.pit_id) pit = page.pit_id;
        const hits = page.hits.hits;
        if (hits.length === 0) break;
        const bulk = await esCall(es, `copying into ${to}`, (c) =>
          c.bulk({ refresh: true, operations: hits.flatMap((h) => [{ index: { _index: to, _id: h._id } }, h._source ?? {}]) }),
        );
        for (const item of bulk.items) {
          if (item.index?.error) result.failed++;
          else result.copied++;
        }
        if (hits.length < pageSize) break;
        after = hits[hits.length - 1]?.sort;
      }
    } finally {
      await es.client.closePointInTime({ id: pit }).catch(() => undefined);
    }
    results.push(result);
  }
  // An older writeback keeps control documents in its state index: move the copied ones over.
  if (results.some((r) => r.to === writebackIndexName(base, 'state') && r.copied > 0)) await migrateControlDocuments(es, base);
  return results;
}
