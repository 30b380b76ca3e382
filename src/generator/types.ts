// Types shared by the sample log generator's sources, scenarios and loader.
import type { AuthDoc } from './auth.ts';
import type { CloudTrailDoc } from './cloudtrail.ts';
import type { FalcoDoc } from './falco.ts';
import type { K8sAuditDoc } from './k8s-audit.ts';
import type { ProxyDoc } from './proxy.ts';

export const SEC = 1000;
export const MIN = 60 * SEC;
export const HOUR = 60 * MIN;

/** The log sources, each shipped to its own indices (see indices.ts). */
export const SOURCES = ['k8s-audit', 'auth', 'cloudtrail', 'proxy', 'falco'] as const;
export type SourceName = (typeof SOURCES)[number];

/** Any JSON value: the free-form parts of events (request bodies, CloudTrail parameters). */
export type Json = string | number | boolean | null | Json[] | JsonObject;
export type JsonObject = { [key: string]: Json };

/** Start inclusive, end exclusive, epoch milliseconds. */
export interface TimeRange {
  fromMs: number;
  toMs: number;
}

/** One document with its source and time; the index follows from both (indexName). */
export type GeneratedEvent =
  | { source: 'k8s-audit'; ts: number; doc: K8sAuditDoc }
  | { source: 'auth'; ts: number; doc: AuthDoc }
  | { source: 'cloudtrail'; ts: number; doc: CloudTrailDoc }
  | { source: 'proxy'; ts: number; doc: ProxyDoc }
  | { source: 'falco'; ts: number; doc: FalcoDoc };

export type EventOf<S extends SourceName> = Extract<GeneratedEvent, { source: S }>;

/** A host whose log stops: background events of that host and source in the range are omitted. */
export interface Silence {
  source: 'auth' | 'proxy' | 'falco';
  host: string;
  fromMs: number;
  toMs: number;
}

/** ISO 8601 in UTC with milliseconds, as Elasticsearch and Filebeat write @timestamp. */
export function iso(ms: number): string {
  return new Date(ms).toISOString();
}
