import { esCall, type EsHandle } from '../es/client.ts';
import { EsError } from '../es/errors.ts';
import {
  WRITEBACK_KINDS,
  WRITEBACK_MAPPINGS,
  WRITEBACK_SETTINGS,
  writebackIndexName,
  writebackTemplate,
  writebackTemplateName,
  type WritebackKind,
} from './mappings.ts';
import { migrateControlDocuments } from './migrate-control.ts';
import { mappingProblems, missingFields, settingsProblems } from './verify.ts';

export interface InitResult {
  index: string;
  kind: WritebackKind;
  /**
   * created: new index; updated: fields added to an existing mapping; unchanged: nothing to do;
   * wrong: the index exists with a mapping or settings LogWarden cannot write to safely (see problems).
   */
  action: 'created' | 'updated' | 'unchanged' | 'wrong';
  /** For `wrong`: what differs, by field or setting. */
  problems: string[];
}

export interface InitOptions {
  /** Receives what works but is not as it should be (templates the key may not install). */
  warnings?: string[];
  /** false for throw-away writebacks (backtests, rule tests): no templates left behind on the cluster. */
  templates?: boolean;
}

/**
 * Installs an index template per writeback index (so an index Elasticsearch re-creates by itself
 * gets the right mapping), creates the indices that are missing, adds fields a newer LogWarden
 * needs, and verifies the rest: an index with wrong field types, dynamic mapping or a write block
 * is reported as `wrong`, field by field, and left alone (fixing it needs a re-index or a delete).
 * Safe to run any number of times, also by several instances at once.
 */
export async function initWriteback(es: EsHandle, base: string, options: InitOptions = {}): Promise<InitResult[]> {
  const results: InitResult[] = [];
  const templateProblem = options.templates === false ? undefined : await installTemplates(es, base);
  for (const kind of WRITEBACK_KINDS) {
    const index = writebackIndexName(base, kind);
    const mappings = WRITEBACK_MAPPINGS[kind];
    const exists = await esCall(es, `checking writeback index ${index}`, (c) => c.indices.exists({ index }));
    if (!exists) {
      try {
        await esCall(es, `creating writeback index ${index}`, (c) => c.indices.create({ index, settings: WRITEBACK_SETTINGS, mappings }));
        results.push({ index, kind, action: 'created', problems: [] });
        continue;
      } catch (error) {
        // Another instance (or an auto-create through our template) created it between check and create.
        if (!(error instanceof EsError && error.esType === 'resource_already_exists_exception')) throw error;
      }
    }
    const current = await esCall(es, `reading mapping of ${index}`, (c) => c.indices.getMapping({ index }));
    const have = Object.values(current)[0]?.mappings;
    const settings = await esCall(es, `reading settings of ${index}`, (c) => c.indices.getSettings({ index, flat_settings: true }));
    const problems = [...mappingProblems(mappings, have), ...settingsProblems(Object.values(settings)[0]?.settings)];
    if (problems.length > 0) {
      results.push({ index, kind, action: 'wrong', problems });
      continue;
    }
    const missing = missingFields(mappings, have);
    if (missing.length > 0) {
      const properties = Object.fromEntries(missing.map((f) => [f, mappings.properties?.[f] ?? {}]));
      await esCall(es, `adding fields to ${index}`, (c) => c.indices.putMapping({ index, properties }));
      results.push({ index, kind, action: 'updated', problems: [] });
    } else {
      results.push({ index, kind, action: 'unchanged', problems: [] });
    }
  }
  // Only where both indices are usable; a wrong one is reported above and left alone.
  const usable = (kind: WritebackKind): boolean => results.some((r) => r.kind === kind && r.action !== 'wrong');
  if (usable('state') && usable('control') && !results.some((r) => r.kind === 'state' && r.action === 'created')) {
    const moved = await migrateControlDocuments(es, base);
    if (moved > 0)
      options.warnings?.push(
        `moved ${moved} control documents (open aggregations, flood-guard counters) from ${writebackIndexName(base, 'state')} to ${writebackIndexName(base, 'control')}`,
      );
  }
  if (templateProblem) options.warnings?.push(templateProblem);
  return results;
}

/**
 * Puts the index templates that are missing or differ (by the hash in their _meta), so a repeated
 * init or start costs one read, not six cluster-state updates. Returns a warning when the key may
 * not manage templates: the indices still work without them.
 */
async function installTemplates(es: EsHandle, base: string): Promise<string | undefined> {
  try {
    const res = await esCall(es, 'reading the writeback index templates', (c) =>
      c.indices.getIndexTemplate({ name: `${writebackTemplateName(base, 'alerts')}*` }, { ignore: [404] }),
    );
    const have = new Map((res.index_templates ?? []).map((t) => [t.name, t.index_template._meta?.template_hash]));
    for (const kind of WRITEBACK_KINDS) {
      const name = writebackTemplateName(base, kind);
      const template = writebackTemplate(base, kind);
      if (have.get(name) === template._meta.template_hash) continue;
      await esCall(es, `installing index template ${name}`, (c) => c.indices.putIndexTemplate({ name, ...template }));
    }
    return undefined;
  } catch (error) {
    if (!(error instanceof EsError && error.kind === 'forbidden')) throw error;
    return `index templates not installed (${error.message}); grant the cluster privilege manage_index_templates so a deleted writeback index is re-created with the right mappings`;
  }
}
