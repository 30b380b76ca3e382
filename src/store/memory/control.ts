import type { ControlDoc, ControlExpectation, ControlStore, ControlWrite } from '../control.ts';
import { copy, SeqNos } from './seq.ts';

/** Control documents in memory, with Elasticsearch's if_seq_no and op_type=create conflicts. */
export class MemoryControlStore implements ControlStore {
  readonly docs = new Map<string, ControlDoc<unknown>>();
  private readonly seq = new SeqNos();

  get<T>(id: string): Promise<ControlDoc<T> | undefined> {
    const d = this.docs.get(id);
    return Promise.resolve(d ? (copy(d) as ControlDoc<T>) : undefined);
  }

  put<T>(doc: ControlWrite<T>, _nowMs: number, expected?: ControlExpectation): Promise<boolean> {
    const current = this.docs.get(doc.id);
    if (expected === 'absent' && current) return Promise.resolve(false);
    if (expected && expected !== 'absent' && (!current || current.seqNo !== expected.seqNo || current.primaryTerm !== expected.primaryTerm))
      return Promise.resolve(false);
    this.docs.set(doc.id, copy({ ...doc, seqNo: this.seq.take(), primaryTerm: this.seq.primaryTerm }));
    return Promise.resolve(true);
  }

  delete(id: string): Promise<void> {
    this.docs.delete(id);
    return Promise.resolve();
  }

  due<T>(kind: string, nowMs: number): Promise<ControlDoc<T>[]> {
    return Promise.resolve([...this.docs.values()].filter((d) => d.kind === kind && d.endMs <= nowMs).map((d) => copy(d) as ControlDoc<T>));
  }
}
