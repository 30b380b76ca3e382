import type { Silence, SilenceStore } from '../silences.ts';
import { copy } from './seq.ts';

export class MemorySilenceStore implements SilenceStore {
  readonly docs = new Map<string, Silence>();

  get(key: string): Promise<Silence | undefined> {
    const s = this.docs.get(key);
    return Promise.resolve(s ? copy(s) : undefined);
  }

  set(s: Silence, _nowMs?: number, _visibleNow?: boolean): Promise<void> {
    this.docs.set(s.key, copy(s));
    return Promise.resolve();
  }

  delete(key: string): Promise<boolean> {
    return Promise.resolve(this.docs.delete(key));
  }

  active(nowMs: number): Promise<Silence[]> {
    return Promise.resolve(
      [...this.docs.values()]
        .filter((s) => s.untilMs > nowMs)
        .sort((a, b) => a.untilMs - b.untilMs)
        .map(copy),
    );
  }
}
