/**
 * Elasticsearch's optimistic concurrency as the fakes keep it: every write of a document gives it
 * the next sequence number; a conditional write with another number is a conflict.
 */
export class SeqNos {
  private next = 0;
  readonly primaryTerm = 1;

  take(): number {
    return this.next++;
  }
}

/** Stored values are copies, as a round trip through Elasticsearch would make them. */
export const copy = <T>(v: T): T => structuredClone(v);
