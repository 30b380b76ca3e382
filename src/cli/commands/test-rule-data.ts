import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import type { DataDocument } from '../../backtest/data.ts';
import { esCall, type EsHandle } from '../../es/client.ts';
import { fetchDocuments } from '../../query/fetch.ts';
import { defaultMappings } from '../../fixtures/runner.ts';
import type { RuleDefinition } from '../../rules/types.ts';

const BULK_CHUNK = 1000;

export interface DataIndex {
  /** The rule, reading the throwaway index instead of its own. */
  rule: RuleDefinition;
  dispose(): Promise<void>;
}

/**
 * test-rule --data: the documents go into a throwaway index and the rule runs against it like
 * against its own, so its filter applies and every rule type works, counting ones included
 * (ElastAlert2 feeds the file to the rule type directly, without the filter, which hides mistakes
 * in the filter). The index is deleted by dispose().
 */
export async function indexDataFile(es: EsHandle, rule: RuleDefinition, docs: readonly DataDocument[]): Promise<DataIndex> {
  const index = `logwarden-test-rule-data-${randomBytes(6).toString('hex')}`;
  await esCall(es, `creating the throwaway data index ${index}`, (c) =>
    c.indices.create({ index, settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: defaultMappings(rule) }),
  );
  const dispose = async (): Promise<void> => {
    await esCall(es, `deleting the throwaway data index ${index}`, (c) => c.indices.delete({ index, ignore_unavailable: true }));
  };
  try {
    for (let from = 0; from < docs.length; from += BULK_CHUNK) {
      const chunk = docs.slice(from, from + BULK_CHUNK);
      const res = await esCall(es, `indexing the --data documents into ${index}`, (c) =>
        c.bulk({ index, operations: chunk.flatMap((d) => [{ index: d.id ? { _id: d.id } : {} }, d.source]) }),
      );
      const refused = res.items.findIndex((i) => i.index?.error);
      if (refused >= 0)
        throw new Error(
          `${chunk[refused]?.position ?? 'a document'} was refused by Elasticsearch: ${res.items[refused]?.index?.error?.reason ?? 'unknown reason'}`,
        );
    }
    await esCall(es, `refreshing ${index}`, (c) => c.indices.refresh({ index }));
  } catch (error) {
    await dispose().catch(() => undefined);
    throw error;
  }
  return { rule: { ...rule, index, useStrftimeIndex: false }, dispose };
}

/**
 * test-rule --save-json: the documents the rule's query returns over the range, as a JSON array
 * of `{_id, _index, _source}` hits (what --data reads back), day by day. Returns how many.
 */
export async function saveDocuments(
  es: EsHandle,
  rule: RuleDefinition,
  days: readonly { startMs: number; endMs: number }[],
  file: string,
): Promise<number> {
  const hits: { _id: string; _index: string; _source: Record<string, unknown> }[] = [];
  for (const day of days) {
    const fetched = await fetchDocuments(es, rule, day.startMs, day.endMs);
    for (const e of fetched.events) hits.push({ _id: e.id, _index: e.index, _source: e.source });
  }
  writeFileSync(file, `${JSON.stringify(hits, null, 1)}\n`);
  return hits.length;
}
