import type { estypes } from '@elastic/elasticsearch';
import { esCall, type EsHandle } from '../es/client.ts';
import { indexFor, windowQuery } from '../query/build.ts';
import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import { isPlainObject } from '../pycompat/index.ts';

/** How many example documents a count-based match carries (the newest fills the body). */
export const SAMPLE_SIZE = 3;

/**
 * Gives a count-based match (spike, flatline recovery, new_term) example documents, so alert
 * text can name the user, host or IP. Fields the rule type set (counts, key) are never overwritten.
 */
export async function attachSample(es: EsHandle, rule: RuleDefinition, match: RuleMatch): Promise<RuleMatch> {
  const sample = match.sample;
  if (!sample) return match;
  const index = indexFor(rule, sample.startMs, sample.endMs);
  const base = windowQuery(rule, sample.startMs, sample.endMs);
  // A value may sit in a keyword field or in the keyword sub-field of a text field.
  const terms: estypes.QueryDslQueryContainer[] = Object.entries(sample.fields).map(([field, value]) => ({
    bool: { should: [{ term: { [field]: value } }, { term: { [`${field}.keyword`]: value } }], minimum_should_match: 1 },
  }));
  const res = await esCall(es, `reading example documents for rule "${rule.name}"`, (c) =>
    c.search<Record<string, unknown>>({
      index,
      size: SAMPLE_SIZE,
      ignore_unavailable: true,
      allow_no_indices: true,
      query: { bool: { filter: [base, ...terms] } },
      sort: [{ [rule.timestampField]: { order: 'desc', unmapped_type: 'date' } }],
    }),
  );
  const [newest, ...others] = res.hits.hits;
  if (!newest) return match;
  const body = mergeFields({ ...(newest._source ?? {}), _id: newest._id, _index: newest._index }, match.body);
  return { ...match, body, related: [...(match.related ?? []), ...others.map((h) => h._source ?? {})] };
}

/**
 * The example document's fields under the rule type's: a rule type's value wins, and where both
 * hold an object (metric_aggregation's `{host: {name}}` over the document's `host`), the
 * document's other fields in it are kept.
 */
function mergeFields(sample: Record<string, unknown>, own: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...sample };
  for (const [key, value] of Object.entries(own)) {
    const under = Object.hasOwn(out, key) ? out[key] : undefined;
    const merged = isPlainObject(under) && isPlainObject(value) ? mergeFields(under, value) : value;
    // defineProperty: a field named "__proto__" stays a field.
    Object.defineProperty(out, key, { value: merged, enumerable: true, writable: true, configurable: true });
  }
  return out;
}
