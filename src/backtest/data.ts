import { eventTimeMs } from '../query/build.ts';
import type { CountEntry, RuleDefinition, RuleEvent } from '../rules/types.ts';
import { queryKeyValue } from '../pycompat/index.ts';

/**
 * `test-rule --data FILE`: documents from a file instead of Elasticsearch, fed to the rule type
 * as ElastAlert2's test_rule does: the rule's `filter` is NOT applied (there is no query), every
 * document in the window is an event. Only the time range and query_key are read from them.
 */

export interface DataDocument {
  id: string;
  source: Record<string, unknown>;
  /** "line 3" or "item 3", for messages. */
  position: string;
}

/** A data file that cannot be used; the command prints it and exits 4 (ElastAlert2: missing/invalid timestamp). */
export class DataFileError extends Error {
  override name = 'DataFileError';
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * A JSON array of documents, or NDJSON (one per line). A document is its _source, optionally
 * with `_id` (what ElastAlert2's --save-json writes), or a search hit `{_id, _source}`.
 * Documents without an id get `data-<n>` from their position, so reruns give the same alert ids.
 */
export function parseDataFile(text: string, file: string): DataDocument[] {
  const trimmed = text.replace(/^\uFEFF/, '').trim();
  if (trimmed === '') throw new DataFileError(`${file}: no documents`);
  const items: { value: unknown; position: string }[] = [];
  if (trimmed.startsWith('[')) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(trimmed);
    } catch (error) {
      throw new DataFileError(`${file}: not valid JSON (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!Array.isArray(parsed)) throw new DataFileError(`${file}: expected a JSON array of documents`);
    parsed.forEach((value, i) => items.push({ value, position: `item ${i + 1}` }));
  } else {
    const lines = trimmed.split(/\r?\n/);
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      try {
        items.push({ value: JSON.parse(line), position: `line ${i + 1}` });
      } catch (error) {
        throw new DataFileError(
          `${file}:${i + 1}: not valid JSON (${error instanceof Error ? error.message : String(error)}); expected a JSON array or one document per line`,
        );
      }
    });
  }
  return items.map(({ value, position }, i) => {
    if (!isObject(value)) throw new DataFileError(`${file}: ${position}: expected a document (a JSON object)`);
    const hit = isObject(value._source) ? value._source : undefined;
    const source = { ...(hit ?? value) };
    const rawId = value._id ?? source._id;
    delete source._id;
    const id = typeof rawId === 'string' && rawId !== '' ? rawId : typeof rawId === 'number' ? String(rawId) : `data-${i + 1}`;
    return { id, source, position };
  });
}

/**
 * The documents as a rule sees them, in time order. A document whose timestamp cannot be read
 * is an error naming it, as in ElastAlert2: silently dropping it would change the result.
 */
export function dataEvents(rule: RuleDefinition, docs: readonly DataDocument[], indexName: string, file: string): RuleEvent[] {
  const events: RuleEvent[] = [];
  const unreadable: string[] = [];
  for (const doc of docs) {
    const ts = eventTimeMs(rule, doc.source);
    if (ts === undefined) unreadable.push(doc.position);
    else
      events.push({
        id: doc.id,
        index: indexName,
        timestampMs: ts,
        key: rule.queryKey ? queryKeyValue(doc.source, rule.queryKey) : undefined,
        source: doc.source,
      });
  }
  if (unreadable.length > 0) {
    const shown = unreadable.slice(0, 5).join(', ') + (unreadable.length > 5 ? `, … (${unreadable.length} in all)` : '');
    throw new DataFileError(
      `${file}: ${unreadable.length} document${unreadable.length === 1 ? ' has' : 's have'} no readable ${rule.timestampField} (timestamp_type ${rule.timestampType}): ${shown}`,
    );
  }
  // Stable: documents with the same time keep the file's order.
  return events.sort((a, b) => a.timestampMs - b.timestampMs);
}
