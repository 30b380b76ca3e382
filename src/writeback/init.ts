import { esCall, type EsHandle } from '../es/client.ts';
import { EsError } from '../es/errors.ts';
import { WRITEBACK_KINDS, WRITEBACK_MAPPINGS, WRITEBACK_SETTINGS, writebackIndexName, type WritebackKind } from './mappings.ts';

export interface InitResult {
  index: string;
  kind: WritebackKind;
  /** created: new index; updated: fields added to an existing mapping; unchanged: nothing to do. */
  action: 'created' | 'updated' | 'unchanged';
}

/**
 * Creates the writeback indices with explicit mappings, or adds fields a newer LogWarden needs
 * to existing ones. Safe to run any number of times, also by several instances at once.
 */
export async function initWriteback(es: EsHandle, base: string): Promise<InitResult[]> {
  const results: InitResult[] = [];
  for (const kind of WRITEBACK_KINDS) {
    const index = writebackIndexName(base, kind);
    const mappings = WRITEBACK_MAPPINGS[kind];
    const exists = await esCall(es, `checking writeback index ${index}`, (c) => c.indices.exists({ index }));
    if (!exists) {
      try {
        await esCall(es, `creating writeback index ${index}`, (c) => c.indices.create({ index, settings: WRITEBACK_SETTINGS, mappings }));
        results.push({ index, kind, action: 'created' });
        continue;
      } catch (error) {
        // Another instance created it between our check and our create.
        if (!(error instanceof EsError && error.esType === 'resource_already_exists_exception')) throw error;
      }
    }
    const current = await esCall(es, `reading mapping of ${index}`, (c) => c.indices.getMapping({ index }));
    const have = Object.values(current)[0]?.mappings.properties ?? {};
    const missing = Object.keys(mappings.properties ?? {}).filter((field) => !(field in have));
    if (missing.length > 0) {
      const properties = Object.fromEntries(missing.map((f) => [f, mappings.properties?.[f] ?? {}]));
      await esCall(es, `adding fields to ${index}`, (c) => c.indices.putMapping({ index, properties }));
      results.push({ index, kind, action: 'updated' });
    } else {
      results.push({ index, kind, action: 'unchanged' });
    }
  }
  return results;
}
