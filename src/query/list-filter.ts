import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { ListPushDown } from '../ruletypes/compare/list-rule.ts';

const KEYWORD = '.keyword';
const EXACT_TYPES = new Set(['keyword']);
/** Elasticsearch's default index.max_terms_count: a longer terms list is refused by the cluster. */
const MAX_TERMS = 65_536;
/** One range clause per listed value; Elasticsearch's smallest max_clause_count is 1,024. */
const MAX_RANGES = 1_000;

/** How the list can be tested in Elasticsearch for the rule's indices, if it can. */
export type ListTarget =
  /** The field is a keyword field everywhere: its indexed values are the values. */
  | { kind: 'keyword'; field: string }
  /**
   * A text field with a `.keyword` copy (Elasticsearch's dynamic mapping for strings): the copy
   * holds the values, except those longer than its ignore_above, which it does not index.
   */
  | { kind: 'keyword-copy'; field: string; copy: string }
  | { kind: 'none' };

/**
 * Where the list test may move into the query. ElastAlert2 (enhance_filter) adds a query_string
 * of quoted phrases, which on a text field also matches a listed word inside a longer value and
 * so drops whitelist matches; here the list moves only where Elasticsearch's answer is exact.
 */
export async function listTarget(es: EsHandle, index: string, field: string): Promise<ListTarget> {
  const copy = field.endsWith(KEYWORD) ? undefined : field + KEYWORD;
  const res = await esCall(es, `reading field capabilities of ${index}`, (c) =>
    c.fieldCaps({ index, fields: copy ? [field, copy] : [field], ignore_unavailable: true, allow_no_indices: true }),
  );
  const types = (name: string): estypes.FieldCapsFieldCapability[] => Object.values(res.fields[name] ?? {});
  const exact = (name: string): boolean => {
    const caps = types(name);
    // Mapped differently in some index (keyword here, long there): no single exact test.
    return caps.length > 0 && caps.every((cap) => EXACT_TYPES.has(cap.type) && cap.searchable && cap.metadata_field !== true);
  };
  if (exact(field)) return { kind: 'keyword', field };
  if (copy !== undefined && exact(copy) && types(field).every((cap) => cap.type === 'text' && cap.searchable))
    return { kind: 'keyword-copy', field, copy };
  return { kind: 'none' };
}

/**
 * The filter clause that keeps every document the list rule could match and, where the field
 * allows it, no other; undefined when nothing can be left out. The rule type still judges every
 * document it gets, so the clause only has to keep all candidates (see docs/rule-types-compare.md).
 * Only plain queries (terms, range, exists): no script, which a cluster may not allow.
 */
export function listFilter(push: ListPushDown, target: ListTarget): estypes.QueryDslQueryContainer | undefined {
  // Unmapped, or mapped as something else (long, ip, mixed): documents may hold the field in
  // _source where no query sees it, so nothing is left out.
  if (target.kind === 'none' || push.values.length > MAX_TERMS) return undefined;
  const field = target.kind === 'keyword' ? target.field : target.copy;
  // A value longer than the field's ignore_above is not indexed, so no query can see it, but
  // Elasticsearch names the field in the document's _ignored: such documents are always kept.
  const unindexed: estypes.QueryDslQueryContainer = { term: { _ignored: field } };
  if (push.mode === 'listed') return anyOf([{ terms: { [field]: [...push.values] } }, unindexed]);
  if (push.values.length > MAX_RANGES) return push.requireField ? { exists: { field: push.field } } : undefined;
  // "Has a value that is not listed": a terms query cannot say it (must_not terms would also drop
  // ["alice", "mallory"] when alice is listed, and mallory must alert), but the unlisted values
  // are exactly the gaps between the listed ones in the field's (byte) order.
  const keep = [...gapsBetween(field, push.values), unindexed];
  if (!push.requireField) keep.push({ bool: { must_not: [{ exists: { field: push.field } }] } });
  return anyOf(keep);
}

function anyOf(clauses: estypes.QueryDslQueryContainer[]): estypes.QueryDslQueryContainer {
  return { bool: { should: clauses, minimum_should_match: 1 } };
}

/** Range queries that together match every keyword value except the listed ones. */
function gapsBetween(field: string, values: readonly string[]): estypes.QueryDslQueryContainer[] {
  // Keyword terms are ordered by their UTF-8 bytes, which JavaScript's string order is not.
  const sorted = [...new Set(values)].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  if (sorted.length === 0) return [{ exists: { field } }];
  const ranges: estypes.QueryDslQueryContainer[] = [{ range: { [field]: { lt: sorted[0] } } }];
  for (let i = 1; i < sorted.length; i++) ranges.push({ range: { [field]: { gt: sorted[i - 1], lt: sorted[i] } } });
  ranges.push({ range: { [field]: { gt: sorted[sorted.length - 1] } } });
  return ranges;
}

/** The rule with its list test added to its filters, for the windows of one run. */
export async function withListFilter(
  es: EsHandle,
  rule: RuleDefinition,
  index: string,
  push: ListPushDown | undefined,
): Promise<RuleDefinition> {
  if (push === undefined) return rule;
  const clause = listFilter(push, await listTarget(es, index, push.field));
  return clause === undefined ? rule : { ...rule, filter: [...rule.filter, clause as Record<string, unknown>] };
}
