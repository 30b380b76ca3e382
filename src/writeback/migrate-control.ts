import { esCall, type EsHandle } from '../es/client.ts';
import { bulkItemError } from '../es/errors.ts';
import type { ControlSource } from '../store/es/control.ts';
import { writebackIndexName } from './mappings.ts';

/** The kinds of control documents older versions kept in `<wb>_state`, under rule-state fields. */
const OLD_CONTROL_KINDS = ['aggregation', 'flood_guard'];

interface OldStateDoc {
  rule_name: string;
  rule_type: string;
  last_end: string;
  state: unknown;
  '@timestamp': string;
}

/**
 * Moves control documents (open aggregation groups, flood-guard counters) an older LogWarden kept
 * in `<wb>_state` to `<wb>_control`, where they now have their own mapping. Without this an
 * upgrade inside an aggregation period would open a second group (two alerts where one was
 * due), and inside an hour would restart the flood guard's count and lose its digest. A document
 * already in `<wb>_control` wins (op_type create). Returns how many were moved; run by init.
 */
export async function migrateControlDocuments(es: EsHandle, base: string): Promise<number> {
  const state = writebackIndexName(base, 'state');
  const control = writebackIndexName(base, 'control');
  await esCall(es, `refreshing ${state}`, (c) => c.indices.refresh({ index: state }));
  const res = await esCall(es, `reading old control documents in ${state}`, (c) =>
    c.search<OldStateDoc>({ index: state, size: 10_000, query: { terms: { rule_type: OLD_CONTROL_KINDS } } }),
  );
  const hits = res.hits.hits.flatMap((h) => (h._source && h._id ? [{ id: h._id, doc: h._source }] : []));
  if (hits.length === 0) return 0;
  const operations = hits.flatMap(({ id, doc }) => {
    const moved: ControlSource = {
      kind: doc.rule_type,
      rule_name: doc.rule_name,
      end: doc.last_end,
      data: doc.state,
      '@timestamp': doc['@timestamp'],
    };
    return [{ create: { _index: control, _id: id } }, moved];
  });
  const copied = await esCall(es, `copying control documents to ${control}`, (c) => c.bulk({ refresh: 'wait_for', operations }));
  for (const item of copied.items) {
    const r = item.create;
    // 409: already moved (an earlier init, or a newer version wrote it): the old one just goes.
    if (r?.error && r.status !== 409) throw bulkItemError(`copying control document ${r._id ?? ''}`, r, es.secrets);
  }
  await esCall(es, `removing old control documents from ${state}`, (c) =>
    c.bulk({ refresh: 'wait_for', operations: hits.map(({ id }) => ({ delete: { _index: state, _id: id } })) }),
  );
  return hits.length;
}
