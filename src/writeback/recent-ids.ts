/**
 * Ids of alerts this process recorded lately, oldest dropped first. Recording an alert relies on
 * its stored record to refuse a second one (a re-run window finds it); when the writeback index
 * was deleted in between, this memory still refuses it, so the alert is not sent twice (issue #16).
 */
export class RecentIds {
  private readonly ids = new Set<string>();
  private readonly capacity: number;

  constructor(capacity = 50_000) {
    this.capacity = capacity;
  }

  has(id: string): boolean {
    return this.ids.has(id);
  }

  add(id: string): void {
    this.ids.delete(id);
    this.ids.add(id);
    // A Set iterates in insertion order: the first entry is the oldest.
    while (this.ids.size > this.capacity) {
      const oldest = this.ids.values().next().value;
      if (oldest === undefined) break;
      this.ids.delete(oldest);
    }
  }
}
