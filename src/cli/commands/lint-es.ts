import type { ConfigProblem } from '../../config/errors.ts';
import { suggest } from '../../config/suggest.ts';
import { esCall, type EsHandle } from '../../es/client.ts';
import { indexFor } from '../../query/build.ts';
import { indexMissingMessage } from '../../query/index-check.ts';
import type { RuleDefinition } from '../../rules/types.ts';
import { createRuleType } from '../../ruletypes/index.ts';

/** What the mapping says of one field, over every index the expression matches. */
interface FieldInfo {
  aggregatable: boolean;
  /** A `flattened` field: its keys are searchable but field_caps does not list them. */
  flattened?: boolean;
}

interface Mapping {
  indices: string[];
  fields: Map<string, FieldInfo>;
}

const KEYWORD = '.keyword';

/** DSL clauses whose keys are field names (ElastAlert2 filters are mostly these). */
const FIELD_KEYED = ['term', 'terms', 'match', 'match_phrase', 'match_phrase_prefix', 'range', 'prefix', 'wildcard', 'regexp', 'fuzzy'];

/**
 * The field names a filter refers to: keys of term/terms/match/range/... clauses and `exists`
 * fields, through bool and ElastAlert2's `query: {query_string}` wrappers. query_string text is
 * Lucene syntax and is left to Elasticsearch.
 */
export function filterFields(clauses: readonly unknown[]): string[] {
  const found = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const n of node) walk(n);
      return;
    }
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node as Record<string, unknown>)) {
      if (FIELD_KEYED.includes(key) && value !== null && typeof value === 'object' && !Array.isArray(value)) {
        for (const field of Object.keys(value)) if (!['boost', '_name', 'case_insensitive'].includes(field)) found.add(field);
      } else if (key === 'exists' && value !== null && typeof value === 'object') {
        const field = (value as Record<string, unknown>)['field'];
        if (typeof field === 'string') found.add(field);
      } else {
        walk(value);
      }
    }
  };
  walk(clauses);
  return [...found];
}

/** A key inside a `flattened` field (`annotations.authorization.k8s.io/decision`): field_caps lists only the field itself. */
function underFlattened(known: ReadonlyMap<string, FieldInfo>, field: string): FieldInfo | undefined {
  for (let i = field.indexOf('.'); i > 0; i = field.indexOf('.', i + 1)) {
    const info = known.get(field.slice(0, i));
    if (info?.flattened) return info;
  }
  return undefined;
}

async function readMapping(es: EsHandle, index: string): Promise<Mapping> {
  const caps = await esCall(es, `reading the mapping of ${index}`, (c) =>
    c.fieldCaps({ index, fields: ['*'], ignore_unavailable: true, allow_no_indices: true }),
  );
  const fields = new Map<string, FieldInfo>();
  for (const [name, byType] of Object.entries(caps.fields)) {
    const kinds = Object.values(byType);
    // Object fields are containers, not values a rule can compare.
    if (kinds.every((k) => k.type === 'object' || k.type === 'nested')) continue;
    if (kinds.some((k) => k.metadata_field)) continue;
    fields.set(name, { aggregatable: kinds.some((k) => k.aggregatable), flattened: kinds.some((k) => k.type === 'flattened') });
  }
  const indices = Array.isArray(caps.indices) ? [...caps.indices] : typeof caps.indices === 'string' ? [caps.indices] : [];
  return { indices, fields };
}

/**
 * `lint --check-es`: what only the cluster can tell. The index must match something; the
 * timestamp field, query_key, compare_key, new_term fields and filtered fields must be in its
 * mapping (with a did-you-mean); fields Elasticsearch groups by (query_key of rule types that
 * count per key, new_term fields) must be aggregatable, as `x` or its `x.keyword`.
 */
export async function checkRulesAgainstEs(es: EsHandle, rules: readonly RuleDefinition[], nowMs: number): Promise<ConfigProblem[]> {
  const problems: ConfigProblem[] = [];
  const mappings = new Map<string, Mapping>();
  for (const rule of rules) {
    // strftime indices: today's (and yesterday's) names are the ones a run would read now.
    const index = indexFor(rule, nowMs - 86_400_000, nowMs);
    let mapping = mappings.get(index);
    if (!mapping) {
      mapping = await readMapping(es, index);
      mappings.set(index, mapping);
    }
    const say = (field: string, message: string): void => {
      problems.push({ file: rule.file, rule: rule.name, field, message });
    };
    if (mapping.indices.length === 0) {
      say('index', indexMissingMessage(index));
      continue;
    }
    const known = mapping.fields;
    const where = `the mapping of ${index}`;
    const check = (option: string, written: string, mustAggregate: boolean): void => {
      // `sourceIPs[0]` reads one element of a list (ElastAlert2's lookup): the mapping has `sourceIPs`.
      const field = written.replace(/\[\d+\]/g, '');
      const info = known.get(field) ?? (mustAggregate ? known.get(`${field}${KEYWORD}`) : undefined) ?? underFlattened(known, field);
      if (!info) {
        const guess = suggest(
          field,
          [...known.keys()].filter((k) => !k.endsWith(KEYWORD)),
        );
        say(
          option,
          `${JSON.stringify(written)} is not in ${where}${guess !== undefined ? `; did you mean ${JSON.stringify(guess)}?` : ''}`,
        );
        return;
      }
      if (mustAggregate && !info.aggregatable && !known.get(`${field}${KEYWORD}`)?.aggregatable) {
        say(
          option,
          `${JSON.stringify(field)} cannot be aggregated in ${where} (a text field without a keyword sub-field?): Elasticsearch counts by it for this rule type; map it as keyword`,
        );
      }
    };
    check('timestamp_field', rule.timestampField, false);
    let needs: string;
    try {
      needs = createRuleType(rule).needs;
    } catch {
      needs = 'documents';
    }
    // Documents-reading types take query_key from _source; counting types group by it in Elasticsearch.
    for (const f of rule.queryKey ?? []) check('query_key', f, needs !== 'documents' && needs !== 'count');
    const compareKey = rule.options['compare_key'];
    for (const f of typeof compareKey === 'string'
      ? [compareKey]
      : Array.isArray(compareKey)
        ? compareKey.filter((x): x is string => typeof x === 'string')
        : [])
      check('compare_key', f, false);
    if (rule.type === 'new_term') {
      const fields = rule.options['fields'];
      const names = (Array.isArray(fields) ? fields.flat() : [fields]).filter((x): x is string => typeof x === 'string');
      for (const f of names) check('fields', f, true);
    }
    for (const f of filterFields(rule.filter)) check('filter', f, false);
  }
  return problems;
}
