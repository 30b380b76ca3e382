import type { EsHandle } from '../../src/es/client.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';

/**
 * Deletes the writeback indices of these base names and the named indices, by name (clusters
 * refuse wildcard deletes by default): the shared development cluster has a shard limit.
 */
export async function dropIndices(es: EsHandle, writebacks: readonly string[], indices: readonly string[] = []): Promise<void> {
  const names = [...writebacks.flatMap((base) => WRITEBACK_KINDS.map((kind) => writebackIndexName(base, kind))), ...indices];
  for (let i = 0; i < names.length; i += 20) {
    await es.client.indices
      .delete({ index: names.slice(i, i + 20).join(','), ignore_unavailable: true, allow_no_indices: true })
      .catch(() => undefined);
  }
}
