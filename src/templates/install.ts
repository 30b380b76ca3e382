// Installs the pack's index templates into the user's cluster. Composable templates only apply to
// indices created afterwards, so existing daily indices keep their mappings until the next day.
import { esCall, type EsHandle } from '../es/client.ts';
import type { PackTemplate } from './files.ts';

export type InstallAction = 'created' | 'updated' | 'unchanged';

export interface InstallResult {
  name: string;
  patterns: string[];
  action: InstallAction;
}

/** Canonical JSON (sorted keys), to tell an unchanged template from one that differs. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (typeof v === 'object' && v !== null) {
    return `{${Object.keys(v)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** Puts each template unless Elasticsearch already holds exactly that body. */
export async function installPackTemplates(es: EsHandle, templates: readonly PackTemplate[]): Promise<InstallResult[]> {
  const results: InstallResult[] = [];
  for (const t of templates) {
    // One name per request: the API refuses lists, and a wildcard would also match writeback templates.
    const got = await esCall(es, `reading index template ${t.name}`, (c) =>
      c.indices.getIndexTemplate({ name: t.name }, { ignore: [404] }),
    );
    const had = got.index_templates?.find((x) => x.name === t.name)?.index_template;
    if (had !== undefined && sameTemplate(had, t)) {
      results.push({ name: t.name, patterns: t.body.index_patterns, action: 'unchanged' });
      continue;
    }
    await esCall(es, `installing index template ${t.name}`, (c) => c.indices.putIndexTemplate({ name: t.name, ...t.body }));
    results.push({ name: t.name, patterns: t.body.index_patterns, action: had === undefined ? 'created' : 'updated' });
  }
  return results;
}

/** Elasticsearch returns the stored template with the same fields; compare those the pack sets. */
function sameTemplate(stored: unknown, t: PackTemplate): boolean {
  const s = stored as { index_patterns?: unknown; priority?: unknown; template?: { mappings?: unknown }; _meta?: unknown };
  return (
    canonical({ p: s.index_patterns, r: s.priority, m: s.template?.mappings, meta: s._meta }) ===
    canonical({ p: t.body.index_patterns, r: t.body.priority, m: t.body.template.mappings, meta: t.body._meta })
  );
}
