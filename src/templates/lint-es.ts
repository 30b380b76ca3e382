// The Elasticsearch half of `lint --check-es`: reads the mappings of every rule's indices (one
// request per distinct index expression) and reports what check-mapping.ts finds. Warnings, not
// problems: the rules are valid, the cluster's mappings let them down.
import { esCall, type EsHandle } from '../es/client.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { mappingWarnings, usesClosedRoot } from './check-mapping.ts';
import { packTemplates, type PackTemplate } from './files.ts';

export interface EsLintWarning {
  file: string;
  rule: string;
  field: string;
  message: string;
}

const globRegex = (pattern: string): RegExp => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

/** strftime tokens (use_strftime_index) stand for any value: logs-%Y.%m.%d → logs-*.*.*. */
const searchable = (rule: Pick<RuleDefinition, 'index' | 'useStrftimeIndex'>): string =>
  rule.useStrftimeIndex ? rule.index.replace(/%[a-zA-Z]/g, '*') : rule.index;

/** The pack template whose patterns cover the rule's index, compared on a sample name. */
function packTemplateFor(index: string, templates: readonly PackTemplate[]): PackTemplate | undefined {
  const sample = index.replace(/\*/g, 'x');
  return templates.find((t) => t.body.index_patterns.some((p) => globRegex(p).test(sample)));
}

export async function esLintWarnings(
  es: EsHandle,
  rules: readonly RuleDefinition[],
  templates: readonly PackTemplate[] = packTemplates(),
): Promise<EsLintWarning[]> {
  const byIndex = new Map<string, Record<string, unknown>>();
  for (const index of new Set(rules.map(searchable))) {
    const got = await esCall(es, `reading the mappings of ${index}`, (c) =>
      c.indices.getMapping({ index, ignore_unavailable: true, allow_no_indices: true }),
    );
    byIndex.set(index, Object.fromEntries(Object.entries(got).map(([name, m]) => [name, m.mappings as unknown])));
  }
  const warnings: EsLintWarning[] = [];
  for (const rule of rules) {
    const index = searchable(rule);
    const mappings = byIndex.get(index) ?? {};
    if (Object.keys(mappings).length === 0) {
      warnings.push({
        file: rule.file,
        rule: rule.name,
        field: 'index',
        message: `no index matches ${index}: nothing to check (and nothing for the rule to search)`,
      });
      continue;
    }
    // Indices named otherwise than the pack's (a prefix, a data stream) are compared with the
    // template whose closed objects (request bodies, CloudTrail parameters) the filter uses.
    const pack = packTemplateFor(index, templates) ?? templates.find((t) => usesClosedRoot(rule.filter, t.body.template.mappings));
    for (const w of mappingWarnings(rule.filter, mappings, pack?.body.template.mappings))
      warnings.push({ file: rule.file, rule: rule.name, ...w });
  }
  return warnings;
}
