// The rule pack's index templates: one JSON file per log source under rules/index-templates/,
// shipped with the rules (npm package and container image) so that `templates install`, the
// sample-log generator and the rule fixtures (`mappings_from:`) all use the very same mappings.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** A composable index template body as Elasticsearch's _index_template API takes it. */
export interface IndexTemplateBody {
  index_patterns: string[];
  priority: number;
  template: { settings?: Record<string, string | number>; mappings: Record<string, unknown> };
  _meta: { description: string; managed_by: string };
}

export interface PackTemplate {
  /** The template's name in Elasticsearch: logwarden-<source>. */
  name: string;
  /** The source it is for: the file's base name (k8s-audit, auth, cloudtrail, proxy, falco). */
  source: string;
  file: string;
  body: IndexTemplateBody;
}

export const TEMPLATE_SOURCES = ['k8s-audit', 'auth', 'cloudtrail', 'proxy', 'falco'] as const;
export type TemplateSource = (typeof TEMPLATE_SOURCES)[number];

/** rules/index-templates of this installation (from src/templates or dist/src/templates). */
export function bundledTemplatesDir(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const up = here.includes(`${path.sep}dist${path.sep}`) ? '../../../rules/index-templates' : '../../rules/index-templates';
  return path.resolve(here, up);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Reads and checks one template file; the error names the file and what is wrong. */
export function readTemplateFile(file: string): IndexTemplateBody {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a readable JSON index template: ${(error as Error).message}`);
  }
  const problem = !isObject(parsed)
    ? 'is not a JSON object'
    : !Array.isArray(parsed.index_patterns) || !parsed.index_patterns.every((p) => typeof p === 'string')
      ? 'index_patterns must be a list of strings'
      : typeof parsed.priority !== 'number'
        ? 'priority must be a number'
        : !isObject(parsed.template) || !isObject(parsed.template.mappings)
          ? 'template.mappings must be an object'
          : undefined;
  if (problem) throw new Error(`${file}: ${problem}`);
  return parsed as unknown as IndexTemplateBody;
}

/** Every template of the pack, read fresh from `dir`. */
export function packTemplates(dir = bundledTemplatesDir()): PackTemplate[] {
  return TEMPLATE_SOURCES.map((source) => {
    const file = path.join(dir, `${source}.json`);
    return { name: `logwarden-${source}`, source, file, body: readTemplateFile(file) };
  });
}

/** The mappings of one source's template (what the generator and fixtures index with). */
export function packMappings(source: TemplateSource, dir = bundledTemplatesDir()): Record<string, unknown> {
  return readTemplateFile(path.join(dir, `${source}.json`)).template.mappings;
}

/** The same templates under a name and pattern prefix (tests and sample data load side by side). */
export function withPrefix(templates: readonly PackTemplate[], prefix: string): PackTemplate[] {
  return templates.map((t) => ({
    ...t,
    name: `${prefix}${t.name}`,
    body: { ...t.body, index_patterns: t.body.index_patterns.map((p) => `${prefix}${p}`) },
  }));
}
