/** A log document as returned by Elasticsearch, with the metadata rule types need. */
export interface EsDocument {
  _id: string;
  _index: string;
  _source: Record<string, unknown>;
}

/** An event as a rule type sees it: the document, its timestamp (ms), and its query_key value. */
export interface RuleEvent {
  id: string;
  index: string;
  timestampMs: number;
  /** Joined query_key value ("a, b" for compound keys, as ElastAlert2), or undefined without query_key. */
  key: string | undefined;
  source: Record<string, unknown>;
}

/** What a count- or terms-based run produces instead of documents: one entry per key. */
export interface CountEntry {
  key: string | undefined;
  count: number;
  /** End of the counted window; ElastAlert2 adds count entries at the run's end time. */
  timestampMs: number;
}

export interface RuleMatch {
  /** Event time of the match (ms); for count-based matches the window end. */
  timestampMs: number;
  key: string | undefined;
  /** Fields shown in the alert: the matching document plus what the rule type adds (e.g. num_hits). */
  body: Record<string, unknown>;
  /** Other documents attached to the match (frequency with attach_related). */
  related?: Record<string, unknown>[];
  /**
   * For matches made from counts: where example documents are. The run fetches up to a few of
   * them (newest first): the newest one's fields fill in the body (fields the rule type set win),
   * the rest go to `related`, so alert text can show e.g. the user or host of a spike.
   */
  sample?: { startMs: number; endMs: number; fields: Readonly<Record<string, string | number | boolean>> };
}

export interface AlerterRef {
  /** "debug", "stdout", "slack", "email", ... */
  type: string;
  /** Options for this alerter: rule-level keys plus per-alerter overrides. */
  options: Record<string, unknown>;
}

/** A validated rule, normalised from ElastAlert2's YAML. Durations are milliseconds. */
export interface RuleDefinition {
  name: string;
  /** Path of the rule file relative to the rules folder, used in every message. */
  file: string;
  type: string;
  index: string;
  useStrftimeIndex: boolean;
  /** ElastAlert2's `filter`: a list of query DSL clauses, ANDed. */
  filter: Record<string, unknown>[];
  timestampField: string;
  timestampType: 'iso' | 'unix' | 'unix_ms' | 'custom';
  /** Python strftime format of the timestamp field with timestampType custom. */
  timestampFormat?: string | undefined;
  /** query_timezone: the zone of timestamp_format wall times (custom timestamps) and of alert times. */
  queryTimezone?: string | undefined;
  /** Fields of the query key; several for a compound key. Undefined without query_key. */
  queryKey: string[] | undefined;
  runEveryMs: number;
  bufferTimeMs: number;
  queryDelayMs: number;
  realertMs: number;
  exponentialRealertMs: number | undefined;
  maxQuerySize: number;
  /** Pages of maxQuerySize read per window at most (config.yaml's max_scrolling_count); undefined: the built-in cap. */
  maxScrollingCount?: number | undefined;
  /** How long a point in time stays open between pages (config.yaml's scroll_keepalive). */
  scrollKeepalive?: string | undefined;
  isEnabled: boolean;
  alert: AlerterRef[];
  /** Every option after imports and global defaults, for rule types and alert text. */
  options: Readonly<Record<string, unknown>>;
}
