// `lint --check-es`: does the mapping of a rule's indices let its filter work? Pure functions over
// the rule's filter and the `GET <index>/_mapping` answer, so they are tested without a cluster.

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export type FieldUse = 'exact' | 'range' | 'exists';

/** Every field a filter's term, terms, prefix, wildcard, range and exists clauses name, through bool clauses. */
export function filterFields(clauses: unknown): Map<string, FieldUse> {
  const out = new Map<string, FieldUse>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(walk);
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if ((key === 'term' || key === 'terms' || key === 'prefix' || key === 'wildcard') && isObject(value)) {
        for (const field of Object.keys(value)) if (field !== 'boost') out.set(field, 'exact');
      } else if (key === 'range' && isObject(value)) {
        for (const field of Object.keys(value)) out.set(field, 'range');
      } else if (key === 'exists' && isObject(value) && typeof value.field === 'string') {
        out.set(value.field, 'exists');
      } else if (key === 'bool' || key === 'must' || key === 'filter' || key === 'should' || key === 'must_not' || key === 'not') {
        walk(value);
      }
    }
  };
  walk(clauses);
  return out;
}

export interface Resolved {
  /** The leaf's type, 'object' for an object, undefined when the path is not mapped. */
  type: string | undefined;
  /** The outermost object on the path that takes new fields dynamically (dynamic not false). */
  dynamicRoot: string | undefined;
}

/** Follows a dotted field through a mapping's properties; a flattened field answers for all below it. */
export function resolveField(mapping: unknown, field: string): Resolved {
  let node: unknown = mapping;
  let dynamicRoot: string | undefined;
  let inheritedDynamic =
    !isObject(mapping) || mapping.dynamic === undefined ? true : mapping.dynamic !== false && mapping.dynamic !== 'false';
  const parts = field.split('.');
  for (let i = 0; i < parts.length; i++) {
    const props = isObject(node) && isObject(node.properties) ? node.properties : undefined;
    // Keys may contain dots themselves (flattened annotations): try the longest first.
    let next: unknown;
    let used = 1;
    for (let n = parts.length - i; n >= 1 && next === undefined; n--) {
      next = props?.[parts.slice(i, i + n).join('.')];
      used = n;
    }
    if (next === undefined) return { type: undefined, dynamicRoot };
    const path = parts.slice(0, i + used).join('.');
    i += used - 1;
    if (!isObject(next)) return { type: undefined, dynamicRoot };
    if (next.type === 'flattened') return { type: 'flattened', dynamicRoot };
    if (next.enabled === false) return { type: undefined, dynamicRoot };
    if (next.dynamic !== undefined) inheritedDynamic = next.dynamic !== false && next.dynamic !== 'false';
    const isObj = typeof next.type !== 'string' || next.type === 'object' || next.type === 'nested';
    if (isObj && inheritedDynamic && dynamicRoot === undefined && i < parts.length - 1) dynamicRoot = path;
    node = next;
    if (i === parts.length - 1) return { type: isObj ? 'object' : (next.type as string), dynamicRoot };
  }
  return { type: undefined, dynamicRoot };
}

export interface MappingWarning {
  field: string;
  message: string;
}

/**
 * What in the indices' mappings the filter cannot rely on:
 *  - an exact-match field mapped `text` (a term query only finds its lowercased words);
 *  - a field under an object the pack's template maps with `dynamic: false` (request and response
 *    bodies, CloudTrail parameters) that is dynamically mapped here: shapes differ between events,
 *    and Elasticsearch refuses each event whose shape disagrees with the first;
 *  - a field mapped in none of the indices (the filter matches nothing until it is).
 */
export function mappingWarnings(
  filter: unknown,
  indexMappings: Readonly<Record<string, unknown>>,
  packMapping?: unknown,
): MappingWarning[] {
  const warnings: MappingWarning[] = [];
  const indices = Object.keys(indexMappings).sort();
  if (indices.length === 0) return warnings;
  for (const [field, use] of filterFields(filter)) {
    const resolved = indices.map((index) => ({ index, ...resolveField(indexMappings[index], field) }));
    const text = resolved.filter((r) => r.type === 'text');
    if (use === 'exact' && text.length > 0) {
      warnings.push({
        field,
        message: `is mapped as text in ${names(text)}: a term query only finds its lowercased words; map it as keyword (logwarden templates install) or filter on ${field}.keyword`,
      });
    }
    if (packMapping !== undefined) {
      const root = resolvedPackRoot(packMapping, field);
      const dynamic =
        root === undefined
          ? []
          : resolved.filter((r) => r.dynamicRoot !== undefined && (r.dynamicRoot === root || root.startsWith(`${r.dynamicRoot}.`)));
      if (root !== undefined && dynamic.length > 0) {
        warnings.push({
          field,
          message: `${root} is mapped dynamically in ${names(dynamic)}: its shape differs between events and Elasticsearch refuses every event that disagrees with the first; install the pack's index templates (logwarden templates install)`,
        });
      }
    }
    if (resolved.every((r) => r.type === undefined) && use !== 'exists') {
      warnings.push({
        field,
        message: `is not mapped in ${names(resolved)}: the filter matches nothing until it is (indexed? spelled as in the documents?)`,
      });
    }
  }
  return warnings;
}

/** Whether the filter uses a field under an object the pack mapping closes (dynamic: false, flattened). */
export function usesClosedRoot(filter: unknown, packMapping: unknown): boolean {
  return [...filterFields(filter).keys()].some((f) => resolvedPackRoot(packMapping, f) !== undefined);
}

/** The object on `field`'s path that the pack's template closes with dynamic: false, if any. */
function resolvedPackRoot(packMapping: unknown, field: string): string | undefined {
  let node: unknown = packMapping;
  const parts = field.split('.');
  for (let i = 0; i < parts.length; i++) {
    const props = isObject(node) && isObject(node.properties) ? node.properties : undefined;
    const next = props?.[parts[i] ?? ''];
    if (!isObject(next)) return undefined;
    if (next.dynamic === false || next.type === 'flattened') return parts.slice(0, i + 1).join('.');
    node = next;
  }
  return undefined;
}

function names(rows: readonly { index: string }[]): string {
  const list = rows.map((r) => r.index);
  return list.length <= 3 ? list.join(', ') : `${list.slice(0, 3).join(', ')} and ${list.length - 3} more`;
}
