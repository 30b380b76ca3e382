import type { RuleDefinition } from '../rules/types.ts';

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** ElastAlert2's replace_dots_in_field_names: "a.b" keys become "a_b", at every depth. */
export function replaceDots(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(replaceDots);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k.replaceAll('.', '_'), replaceDots(v)]));
}

/** Rule settings ElastAlert2's add_metadata_alert puts into each match. */
const METADATA = ['category', 'description', 'owner', 'priority'] as const;

/**
 * The fields of a match as alerts see them, after the rule options that add to them:
 * `include_rule_params_in_matches` (each named rule option, as ElastAlert2 copies them),
 * `add_metadata_alert` (config.yaml; name, category, description, owner, priority) and
 * `replace_dots_in_field_names`. Fields of the document win over added ones, so log content
 * cannot be hidden by a rule setting of the same name — except metadata, which ElastAlert2 sets.
 */
export function alertFields(rule: RuleDefinition, fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const opts = rule.options;
  let out: Record<string, unknown> = { ...fields };
  const params = opts['include_rule_params_in_matches'];
  if (Array.isArray(params)) {
    for (const name of params) {
      if (typeof name === 'string' && !(name in out) && opts[name] !== undefined) out[name] = opts[name];
    }
  }
  if (opts['add_metadata_alert'] === true) {
    out.name = rule.name;
    for (const key of METADATA) out[key] = opts[key] ?? (key === 'description' ? '' : key === 'priority' ? 2 : undefined);
    for (const key of METADATA) if (out[key] === undefined) delete out[key];
  }
  if (opts['replace_dots_in_field_names'] === true) out = replaceDots(out) as Record<string, unknown>;
  return out;
}
