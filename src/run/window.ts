/**
 * Which time range one run of a rule queries, and in which pieces, following ElastAlert2's
 * set_starttime, get_segment_size and run_rule. Pure: the caller reads the clock.
 */

export interface TimeRange {
  startMs: number;
  endMs: number;
}

export interface RunWindowInput {
  nowMs: number;
  queryDelayMs: number;
  bufferTimeMs: number;
  /** ElastAlert2 uses the global run_every here, even for a rule with its own. */
  runEveryMs: number;
  oldQueryLimitMs: number;
  needs: 'documents' | 'count' | 'terms';
  /** End of the previous successful run (from memory, or the latest status document after a restart). */
  previousEndMs: number | undefined;
  /**
   * ElastAlert2's minimum_starttime: the previous end found in the writeback index when the
   * process started. Document queries never start before it, because the ids seen before the
   * restart are lost and the overlap would alert twice. Omit it to always overlap by buffer_time.
   */
  minimumStartMs?: number | undefined;
  /**
   * ElastAlert2's scan_entire_timeframe: the rule's timeframe. Document runs look back the whole
   * timeframe instead of buffer_time (ids already seen are dropped); count runs do so when they
   * have no previous end to continue from, e.g. a flatline rule with a long timeframe after a restart.
   */
  scanTimeframeMs?: number | undefined;
}

export interface RunWindow extends TimeRange {
  /** Query ranges in order; each ends where the next starts and the last ends at endMs. Empty when startMs >= endMs. */
  segments: TimeRange[];
  /** A previous end (or minimum start) was given but older than old_query_limit and ignored; worth a log line. */
  previousEndExpired: boolean;
}

/**
 * - end = now - query_delay.
 * - documents: start = end - buffer_time (re-reading the overlap finds late-indexed documents;
 *   the caller drops ids already seen), but never later than the previous end, so nothing
 *   between runs is skipped, and never earlier than minimumStartMs.
 * - count/terms: start = previous end, or end - run_every on a first run. No overlap: a count
 *   cannot be de-duplicated.
 * - A previous end is ignored when now - previous end >= old_query_limit (ElastAlert2 checks
 *   this when reading it back at startup; here it is checked on every run, so an outage inside
 *   one process is bounded the same way). The run then starts from the first-run default.
 * - Segments: buffer_time long for documents, run_every long for counts, the last one shorter;
 *   as ElastAlert2 does to query a long outage in pieces the size of normal runs.
 *
 * When there are no segments, ElastAlert2 still records this end as the previous end; callers
 * should rather keep the later previous end, or counts after it would be taken twice.
 */
export function computeRunWindow(input: RunWindowInput): RunWindow {
  const { nowMs, needs } = input;
  const endMs = nowMs - input.queryDelayMs;
  const fresh = (ms: number | undefined): number | undefined => (ms !== undefined && nowMs - ms < input.oldQueryLimitMs ? ms : undefined);
  const previousEnd = fresh(input.previousEndMs);
  const minimumStart = fresh(input.minimumStartMs);
  const previousEndExpired =
    (input.previousEndMs !== undefined && previousEnd === undefined) || (input.minimumStartMs !== undefined && minimumStart === undefined);

  let startMs: number;
  let segmentMs: number;
  const scan = input.scanTimeframeMs;
  if (needs === 'documents') {
    const bufferStart = endMs - (scan ?? input.bufferTimeMs);
    if (minimumStart !== undefined && minimumStart > bufferStart) startMs = minimumStart;
    else if (previousEnd !== undefined && previousEnd < bufferStart) startMs = previousEnd;
    else startMs = bufferStart;
    segmentMs = input.bufferTimeMs;
  } else {
    // Counts cannot be de-duplicated: only a start without a usable previous end looks back the timeframe.
    startMs = previousEnd ?? endMs - (scan ?? input.runEveryMs);
    segmentMs = input.runEveryMs;
  }

  return { startMs, endMs, segments: splitRange(startMs, endMs, segmentMs), previousEndExpired };
}

/** Full-size pieces from the start, then the remainder ending at endMs. */
export function splitRange(startMs: number, endMs: number, segmentMs: number): TimeRange[] {
  if (startMs >= endMs) return [];
  if (!(segmentMs > 0)) throw new Error(`segment size must be greater than 0, got ${segmentMs}`);
  const segments: TimeRange[] = [];
  let from = startMs;
  while (endMs - from > segmentMs) {
    segments.push({ startMs: from, endMs: from + segmentMs });
    from += segmentMs;
  }
  segments.push({ startMs: from, endMs });
  return segments;
}
