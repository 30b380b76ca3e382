import type { CountEntry, RuleDefinition, RuleEvent } from '../../../src/rules/types.ts';

export const T0 = Date.parse('2024-05-01T12:00:00Z');
export const SEC = 1000;
export const MIN = 60 * SEC;

export function makeRule(overrides: Partial<RuleDefinition> = {}, options: Record<string, unknown> = {}): RuleDefinition {
  return {
    name: 'Test rule',
    file: 'test.yaml',
    type: 'frequency',
    index: 'logs-*',
    useStrftimeIndex: false,
    filter: [],
    timestampField: '@timestamp',
    timestampType: 'iso',
    queryKey: undefined,
    runEveryMs: MIN,
    bufferTimeMs: 15 * MIN,
    queryDelayMs: 0,
    realertMs: MIN,
    exponentialRealertMs: undefined,
    maxQuerySize: 10000,
    isEnabled: true,
    alert: [],
    ...overrides,
    options: { num_events: 3, timeframe: 5 * MIN, ...options },
  };
}

let nextId = 0;

/** An event `offsetMs` after T0; `key` is the already-computed query_key value. */
export function ev(offsetMs: number, key?: string, source: Record<string, unknown> = {}): RuleEvent {
  nextId++;
  return {
    id: `id${nextId}`,
    index: 'logs-1',
    timestampMs: T0 + offsetMs,
    key,
    source: { '@timestamp': new Date(T0 + offsetMs).toISOString(), ...source },
  };
}

export function count(offsetMs: number, n: number, key?: string): CountEntry {
  return { key, count: n, timestampMs: T0 + offsetMs };
}
