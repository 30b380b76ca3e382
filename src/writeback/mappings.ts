import type { estypes } from '@elastic/elasticsearch';
import { createHash } from 'node:crypto';

/**
 * The writeback indices, named after ElastAlert2's (`<wb>` for alerts, `<wb>_status`, `<wb>_silence`,
 * `<wb>_error`) and meaning the same, plus `<wb>_state`: each rule's progress (last window end and
 * its rule type's windows), so nothing about a rule lives only in process memory, and
 * `<wb>_delivery`: one document per (alert × alerter), so each alerter is retried on its own, and
 * `<wb>_control`: the noise controls' small documents (open aggregation groups, flood-guard
 * counters). Documents from logs are kept in fields with `enabled: false`:
 * stored and returned, never indexed, so attacker-chosen field names cannot explode the mapping.
 */
export type WritebackKind = 'alerts' | 'status' | 'silence' | 'error' | 'state' | 'delivery' | 'control';

export const WRITEBACK_KINDS: readonly WritebackKind[] = ['alerts', 'status', 'silence', 'error', 'state', 'delivery', 'control'];

export function writebackIndexName(base: string, kind: WritebackKind): string {
  return kind === 'alerts' ? base : `${base}_${kind}`;
}

const keyword: estypes.MappingProperty = { type: 'keyword' };
const date: estypes.MappingProperty = { type: 'date' };
const opaque: estypes.MappingProperty = { type: 'object', enabled: false };

export const WRITEBACK_MAPPINGS: Record<WritebackKind, estypes.MappingTypeMapping> = {
  alerts: {
    dynamic: 'strict',
    properties: {
      rule_name: keyword,
      query_key: keyword,
      match_body: opaque,
      alert_info: opaque,
      alert_text: { type: 'text', index: false },
      alert_subject: { type: 'text', index: false },
      alert_sent: { type: 'boolean' },
      alert_time: date,
      match_time: date,
      alert_exception: { type: 'text' },
      aggregate_id: keyword,
      '@timestamp': date,
    },
  },
  status: {
    dynamic: 'strict',
    properties: {
      rule_name: keyword,
      run_id: keyword,
      starttime: date,
      endtime: date,
      hits: { type: 'long' },
      matches: { type: 'long' },
      alerts_sent: { type: 'long' },
      alerts_failed: { type: 'long' },
      suppressed_realert: { type: 'long' },
      suppressed_silence: { type: 'long' },
      aggregated: { type: 'long' },
      suppressed_flood: { type: 'long' },
      time_taken: { type: 'float' },
      error: { type: 'text' },
      warning: { type: 'text' },
      '@timestamp': date,
    },
  },
  silence: {
    dynamic: 'strict',
    properties: {
      rule_name: keyword,
      until: date,
      exponent: { type: 'integer' },
      reason: { type: 'text' },
      '@timestamp': date,
    },
  },
  error: {
    dynamic: 'strict',
    properties: {
      rule_name: keyword,
      message: { type: 'text' },
      kind: keyword,
      retryable: { type: 'boolean' },
      data: opaque,
      '@timestamp': date,
    },
  },
  state: {
    dynamic: 'strict',
    properties: {
      rule_name: keyword,
      rule_type: keyword,
      last_end: date,
      state: opaque,
      '@timestamp': date,
    },
  },
  delivery: {
    dynamic: 'strict',
    properties: {
      alert_id: keyword,
      rule_name: keyword,
      alerter: keyword,
      alerter_index: { type: 'integer' },
      status: keyword,
      attempts: { type: 'integer' },
      next_attempt: date,
      last_error: { type: 'text' },
      retryable: { type: 'boolean' },
      created: date,
      '@timestamp': date,
    },
  },
  control: {
    dynamic: 'strict',
    properties: {
      kind: keyword,
      rule_name: keyword,
      end: date,
      data: opaque,
      '@timestamp': date,
    },
  },
};

export const WRITEBACK_SETTINGS: estypes.IndicesIndexSettings = {
  number_of_shards: 1,
  // One replica where the cluster has a second node, none on a single node (stays green).
  auto_expand_replicas: '0-1',
};

/**
 * The composable index template that gives a writeback index its mapping whenever Elasticsearch
 * creates it, also by auto-create on a write after someone deleted it: the re-created index is
 * strict and stores match_body opaque, instead of guessing field types from the first document.
 * Exact-name patterns and a high priority, so a catch-all template of the cluster does not win.
 */
export function writebackTemplateName(base: string, kind: WritebackKind): string {
  return `logwarden-${writebackIndexName(base, kind)}`;
}

export const WRITEBACK_TEMPLATE_PRIORITY = 1_000_000;

export interface WritebackTemplate {
  index_patterns: string[];
  priority: number;
  template: { settings: estypes.IndicesIndexSettings; mappings: estypes.MappingTypeMapping };
  /** template_hash: of the rest, so init can tell an up-to-date template without comparing mappings Elasticsearch normalised. */
  _meta: { managed_by: string; writeback_kind: WritebackKind; template_hash: string };
}

export function writebackTemplate(base: string, kind: WritebackKind): WritebackTemplate {
  const body = {
    index_patterns: [writebackIndexName(base, kind)],
    priority: WRITEBACK_TEMPLATE_PRIORITY,
    template: { settings: WRITEBACK_SETTINGS, mappings: WRITEBACK_MAPPINGS[kind] },
  };
  const hash = createHash('sha256').update(JSON.stringify(body)).digest('hex').slice(0, 16);
  return { ...body, _meta: { managed_by: 'logwarden', writeback_kind: kind, template_hash: hash } };
}
