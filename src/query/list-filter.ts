import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { ListPushDown } from '../ruletypes/compare/list-rule.ts';

const KEYWORD = '.keyword';
const EXACT_TYPES = new Set(['keyword', 'constant_keyword']);
/** Elasticsearch's default index.max_terms_count: a longer terms list is refused by the cluster. */
const MAX_TERMS = 65_536;
/** terms_set becomes one clause per term; Elasticsearch's smallest max_clause_count is 1,024. */
const MAX_TERMS_SET = 1_024;

/** How the list can be tested in Elasticsearch for the rule's indices, if it can. */
export type ListTarget =
  /** The field is a keyword field everywhere: its indexed values are the values. */
  | { kind: 'keyword'; field: string; docValues: boolean }
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
  if (exact(field)) return { kind: 'keyword', field, docValues: types(field).every((cap) => cap.aggregatable) };
  if (copy !== undefined && exact(copy) && types(field).every((cap) => cap.type === 'text' && cap.searchable)) return { kind: 'keyword-copy', field, copy };
  return { kind: 'none' };
}

/**
 * The filter clause that keeps every document the list rule could match and, where the field
 * allows it, no other; undefined when nothing can be left out. The rule type still judges every
 * document it gets, so the clause only has to keep all candidates (see docs/rule-types-compare.md).
 */
export function listFilter(push: ListPushDown, target: ListTarget): estypes.QueryDslQueryContainer | undefined {
  // Unmapped, or mapped as something else (long, ip, mixed): documents may hold the field in
  // _source where no query sees it, so nothing is left out.
  if (target.kind === 'none' || push.values.length > MAX_TERMS) return undefined;
  const exists = { exists: { field: push.field } };
  if (push.mode === 'listed') {
    if (target.kind === 'keyword') return { terms: { [target.field]: [...push.values] } };
    if (target.kind === 'keyword-copy') {
      // A value too long for the copy cannot be ruled out: such documents are kept as well.
      return {
        bool: {
          should: [{ terms: { [target.copy]: [...push.values] } }, { bool: { filter: [exists], must_not: [{ exists: { field: target.copy } }] } }],
          minimum_should_match: 1,
        },
      };
    }
    return undefined;
  }
  const clauses: estypes.QueryDslQueryContainer[] = push.requireField ? [exists] : [];
  // The script counts the document's values, which needs doc values.
  if (target.kind === 'keyword' && target.docValues && push.values.length > 0 && push.values.length <= MAX_TERMS_SET) {
    // Leaves out the documents ALL of whose values are listed: a terms query alone would also
    // leave out ["alice", "mallory"] when only alice is listed, and mallory must alert.
    const allListed: estypes.QueryDslQueryContainer = {
      terms_set: {
        [target.field]: {
          terms: [...push.values],
          minimum_should_match_script: { source: "doc[params.f].size()", params: { f: target.field } },
        },
      },
    };
    return { bool: { filter: clauses, must_not: [allListed] } };
  }
  // A text field's copy may lack long values; a document could then look all-listed when it is not.
  return clauses.length > 0 ? { bool: { filter: clauses } } : undefined;
}

/** The rule with its list test added to its filters, for the windows of one run. */
export async function withListFilter(es: EsHandle, rule: RuleDefinition, index: string, push: ListPushDown | undefined): Promise<RuleDefinition> {
  if (push === undefined) return rule;
  const clause = listFilter(push, await listTarget(es, index, push.field));
  return clause === undefined ? rule : { ...rule, filter: [...rule.filter, clause as Record<string, unknown>] };
}
