/**
 * Jira fields named by rule options (`jira_<name>`, ElastAlert2's arbitrary fields): found by
 * name or id in Jira's field list (underscores read as spaces, case ignored), and the value
 * shaped by the field's schema as ElastAlert2 shapes it. A value starting with `#` names a
 * document field whose value is used.
 */
export interface JiraField {
  id: string;
  name: string;
  schema?: { type?: string; items?: string; custom?: string };
}

/** Custom types Jira describes as strings but wants as {value}. */
const OPTION_LIKE = new Set([
  'com.atlassian.jira.plugin.system.customfieldtypes:multicheckboxes',
  'com.atlassian.jira.plugin.system.customfieldtypes:multiselect',
  'com.atlassian.jira.plugin.system.customfieldtypes:radiobuttons',
]);

const norm = (s: string): string => s.replace(/_/g, ' ').toLowerCase();

/** The field an option names, or undefined. */
export function findField(option: string, fields: readonly JiraField[]): JiraField | undefined {
  const wanted = norm(option.slice('jira_'.length));
  return fields.find((f) => norm(f.name) === wanted) ?? fields.find((f) => norm(f.id) === wanted);
}

function integer(value: unknown): number {
  const n = typeof value === 'number' ? Math.trunc(value) : Number.parseInt(String(value), 10);
  if (!Number.isFinite(n)) throw new Error(`${JSON.stringify(value)} is not a number`);
  return n;
}

/** The value for `field` in an issue's fields; throws with the reason when it cannot be shaped. */
export function shapeValue(field: JiraField, value: unknown): unknown {
  const type = field.schema?.type;
  if (!type) throw new Error(`Jira gives no schema for field ${field.id}, so its value cannot be set`);
  const optionLike = field.schema?.custom !== undefined && OPTION_LIKE.has(field.schema.custom);
  const one = (kind: string | undefined, v: unknown): unknown => {
    if (kind === 'string' || kind === 'date' || kind === 'datetime') return optionLike ? { value: v } : v;
    if (kind === 'number') return integer(v);
    if (kind === 'option') return { value: v };
    return { name: v };
  };
  if (type === 'array') return (Array.isArray(value) ? value : [value]).map((v) => one(field.schema?.items, v));
  return one(type, value);
}
