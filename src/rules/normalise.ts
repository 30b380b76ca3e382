import type { LogWardenConfig } from '../config/load-config.ts';
import type { AlertEntry } from './checks.ts';
import { durationMs } from './checks.ts';
import type { AlerterRef, RuleDefinition } from './types.ts';

const MINUTE = 60_000;

/**
 * Turns a rule that passed every check into a RuleDefinition. Global defaults fill what the rule
 * leaves out; `options` keeps every option as written (after imports and defaults) for rule types
 * and alert text.
 */
export function normaliseRule(
  merged: Readonly<Record<string, unknown>>,
  alerts: readonly AlertEntry[],
  file: string,
  config: LogWardenConfig,
): RuleDefinition {
  const options: Record<string, unknown> = { ...config.ruleDefaults };
  for (const [key, value] of Object.entries(merged)) if (key !== 'import') options[key] = value;
  // ElastAlert2 copies its whole config into each rule; this global key is read from the rule there.
  if (config.addMetadataAlert) options.add_metadata_alert = true;
  const get = <T>(key: string): T | undefined => options[key] as T | undefined;
  const own = <T>(key: string): T | undefined => merged[key] as T | undefined;

  // As ElastAlert2: without a realert of its own, a rule with aggregation realerts at once,
  // since aggregation already batches its alerts.
  const realertMs = durationMs(own('realert')) ?? (own('aggregation') !== undefined ? 0 : undefined) ?? durationMs(get('realert')) ?? MINUTE;
  // compound_query_key, when a rule gives it, names the parts of its query_key (ElastAlert2 sets it itself from a list).
  const rawKey = get<string[]>('compound_query_key') ?? get<string | string[]>('query_key');
  // A list is a compound key; a string is one field even with commas in it.
  const queryKey = typeof rawKey === 'string' ? [rawKey] : Array.isArray(rawKey) && rawKey.length > 0 ? [...rawKey] : undefined;

  return {
    name: own<string>('name') ?? '',
    file,
    type: own<string>('type') ?? '',
    index: own<string>('index') ?? '',
    useStrftimeIndex: get<boolean>('use_strftime_index') ?? false,
    filter: get<Record<string, unknown>[]>('filter') ?? [],
    timestampField: get<string>('timestamp_field') ?? '@timestamp',
    timestampType: get<RuleDefinition['timestampType']>('timestamp_type') ?? 'iso',
    timestampFormat: get<string>('timestamp_format'),
    queryTimezone: get<string>('query_timezone') || undefined,
    queryKey,
    runEveryMs: durationMs(own('run_every')) ?? config.runEveryMs,
    bufferTimeMs: durationMs(own('buffer_time')) ?? config.bufferTimeMs,
    queryDelayMs: durationMs(get('query_delay')) ?? 0,
    realertMs,
    exponentialRealertMs: durationMs(get('exponential_realert')),
    maxQuerySize: own<number>('max_query_size') ?? config.maxQuerySize,
    maxScrollingCount: config.maxScrollingCount,
    scrollKeepalive: config.scrollKeepalive,
    isEnabled: get<boolean>('is_enabled') ?? true,
    alert: alerts.map((a): AlerterRef => ({ type: a.type, options: { ...a.options } })),
    options: Object.freeze(options),
  };
}
