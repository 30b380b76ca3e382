// Where each source's events go, named as the shippers name them, and the index templates that
// give them mappings (read from rules/index-templates). Rules are written against indexPattern(); indexName() is what the loader
// uses per event. Both take an optional prefix so that tests can load side by side.
import { packTemplates, type IndexTemplateBody } from '../templates/files.ts';
import { SOURCES, type SourceName } from './types.ts';

/** UTC day as the Logstash/Fluentd logstash_format names daily indices: YYYY.MM.DD. */
function utcDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
}

/**
 * The index an event of `source` at `tsMs` is written to:
 *   k8s-audit  logstash-k8s-audit-YYYY.MM.DD  (Fluentd, logstash_format, UTC days)
 *   auth       logstash-auth-YYYY.MM.DD
 *   cloudtrail cloudtrail-YYYY.MM.DD
 *   proxy      logs-proxy-default             (a data stream's name; a plain index here)
 *   falco      falco-YYYY.MM.DD               (Falcosidekick's default, daily)
 */
export function indexName(source: SourceName, tsMs: number, prefix = ''): string {
  switch (source) {
    case 'k8s-audit':
      return `${prefix}logstash-k8s-audit-${utcDay(tsMs)}`;
    case 'auth':
      return `${prefix}logstash-auth-${utcDay(tsMs)}`;
    case 'cloudtrail':
      return `${prefix}cloudtrail-${utcDay(tsMs)}`;
    case 'proxy':
      return `${prefix}logs-proxy-default`;
    case 'falco':
      return `${prefix}falco-${utcDay(tsMs)}`;
  }
}

/** The pattern a rule's `index:` uses to search every index of `source`. */
export function indexPattern(source: SourceName, prefix = ''): string {
  switch (source) {
    case 'k8s-audit':
      return `${prefix}logstash-k8s-audit-*`;
    case 'auth':
      return `${prefix}logstash-auth-*`;
    case 'cloudtrail':
      return `${prefix}cloudtrail-*`;
    case 'proxy':
      return `${prefix}logs-proxy-default`;
    case 'falco':
      return `${prefix}falco-*`;
  }
}

/** The same as a strftime pattern, for rules with use_strftime_index: true. */
export function strftimeIndex(source: SourceName, prefix = ''): string {
  return source === 'proxy' ? indexPattern(source, prefix) : indexPattern(source, prefix).replace('*', '%Y.%m.%d');
}

export interface IndexTemplate {
  name: string;
  body: IndexTemplateBody;
}

/**
 * The pack's templates (rules/index-templates, the single source of truth) with every pattern
 * under `prefix`, so that tests can load side by side. No replicas: this is sample data, and a
 * single-node cluster would stay yellow; the deployable files leave shards and replicas to the
 * cluster's defaults.
 */
export function indexTemplates(prefix = ''): IndexTemplate[] {
  return SOURCES.map((source) => {
    const t = packTemplates().find((x) => x.source === source);
    if (!t) throw new Error(`no index template for ${source} in rules/index-templates`);
    return {
      // Its own name (as before the templates were shared): a demo never replaces the templates
      // `logwarden templates install` put in a real cluster.
      name: `${prefix}logwarden-sample-${source}`,
      body: {
        ...t.body,
        index_patterns: [indexPattern(source, prefix)],
        // One above the pack's: Elasticsearch refuses two overlapping templates of equal priority,
        // and a cluster may hold both (`logwarden templates install`, then a demo).
        priority: t.body.priority + 1,
        template: { ...t.body.template, settings: { number_of_shards: 1, number_of_replicas: 0 } },
        _meta: { description: `${t.body._meta.description} (sample data)`, managed_by: 'logwarden generate-logs' },
      },
    };
  });
}
