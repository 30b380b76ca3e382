import { esCall, type EsHandle } from '../es/client.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { indexFor } from './build.ts';

/**
 * Whether a rule's index expression names anything that exists. Elasticsearch answers a search
 * on `myauht-*` (or a missing name, with ignore_unavailable) with zero hits and no error, so a
 * misspelt index looks exactly like a quiet rule: the user believes it works. One field_caps
 * request resolves the expression (wildcards, aliases, data streams) without reading documents.
 */
export async function indicesMatched(es: EsHandle, index: string): Promise<string[]> {
  const caps = await esCall(es, `resolving the index ${index}`, (c) =>
    c.fieldCaps({ index, fields: ['_id'], ignore_unavailable: true, allow_no_indices: true }),
  );
  return Array.isArray(caps.indices) ? [...caps.indices] : typeof caps.indices === 'string' ? [caps.indices] : [];
}

/** The warning for a rule whose index matches nothing, or undefined when it matches something. */
export async function indexWarning(
  es: EsHandle,
  rule: Pick<RuleDefinition, 'index' | 'useStrftimeIndex'>,
  startMs: number,
  endMs: number,
): Promise<string | undefined> {
  const index = indexFor(rule, startMs, endMs);
  if ((await indicesMatched(es, index)).length > 0) return undefined;
  return indexMissingMessage(index);
}

export function indexMissingMessage(index: string): string {
  return `index ${JSON.stringify(index)} matches no index, alias or data stream: the rule reads nothing (a typo in index?)`;
}

/**
 * A run with zero hits asks once whether its index exists; the answer is kept a while per
 * client and expression, so a quiet production rule does not add a request to every run.
 */
export class IndexWatch {
  private readonly known = new Map<string, { atMs: number; warning: string | undefined }>();
  private readonly es: EsHandle;
  private readonly ttlMs: number;

  constructor(es: EsHandle, ttlMs = 10 * 60_000) {
    this.es = es;
    this.ttlMs = ttlMs;
  }

  async check(
    rule: Pick<RuleDefinition, 'index' | 'useStrftimeIndex'>,
    startMs: number,
    endMs: number,
    nowMs: number,
  ): Promise<string | undefined> {
    const index = indexFor(rule, startMs, endMs);
    const cached = this.known.get(index);
    if (cached && nowMs - cached.atMs < this.ttlMs) return cached.warning;
    const warning = (await indicesMatched(this.es, index)).length > 0 ? undefined : indexMissingMessage(index);
    this.known.set(index, { atMs: nowMs, warning });
    return warning;
  }
}
