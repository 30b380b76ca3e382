// The pack's templates in the other shapes shippers and provisioning tools take, derived from the
// canonical files (rules/index-templates/<source>.json) so they can never drift apart:
//   legacy/<source>.json    a legacy `_template` body, for fluent-plugin-elasticsearch with its
//                           default `use_legacy_template true`, and older Logstash outputs;
//   mappings/<source>.json  the `template.mappings` object alone, for Terraform's
//                           elasticstack_elasticsearch_index_template (`mappings = file(...)`),
//                           Helm values or any tool that builds the template itself.
// `node scripts/template-variants.ts --write` rewrites them; test/unit/templates checks them.
import path from 'node:path';
import { packTemplates, type IndexTemplateBody } from './files.ts';

export interface LegacyTemplateBody {
  index_patterns: string[];
  /** Legacy templates are merged by `order` (higher wins), where composable ones use priority. */
  order: number;
  settings?: Record<string, string | number>;
  mappings: Record<string, unknown>;
}

export function legacyTemplate(body: IndexTemplateBody): LegacyTemplateBody {
  return {
    index_patterns: body.index_patterns,
    order: body.priority,
    ...(body.template.settings ? { settings: body.template.settings } : {}),
    mappings: body.template.mappings,
  };
}

export function mappingsOnly(body: IndexTemplateBody): Record<string, unknown> {
  return body.template.mappings;
}

export interface VariantFile {
  file: string;
  text: string;
}

/** Every variant file with the text it must have, for the templates in `dir`. */
export function variantFiles(dir: string): VariantFile[] {
  const json = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;
  return packTemplates(dir).flatMap((t) => [
    { file: path.join(dir, 'legacy', `${t.source}.json`), text: json(legacyTemplate(t.body)) },
    { file: path.join(dir, 'mappings', `${t.source}.json`), text: json(mappingsOnly(t.body)) },
  ]);
}
