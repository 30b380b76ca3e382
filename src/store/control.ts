/**
 * Small documents of the noise controls (open aggregation groups, flood-guard counters): `kind`
 * and `endMs` are searchable, `data` is opaque JSON.
 */
export interface ControlDoc<T> {
  id: string;
  kind: string;
  ruleName: string;
  endMs: number;
  data: T;
  seqNo: number;
  primaryTerm: number;
}

export type ControlWrite<T> = Pick<ControlDoc<T>, 'id' | 'kind' | 'ruleName' | 'endMs' | 'data'>;

/** Where a writer expects the document to be: unchanged since read, or not there at all. */
export type ControlExpectation = { seqNo: number; primaryTerm: number } | 'absent';

export interface ControlStore {
  get<T>(id: string): Promise<ControlDoc<T> | undefined>;
  /** Writes a control document; with `expected` only if that still holds (false otherwise). */
  put<T>(doc: ControlWrite<T>, nowMs: number, expected?: ControlExpectation): Promise<boolean>;
  delete(id: string): Promise<void>;
  /** Control documents of a kind whose end has come. */
  due<T>(kind: string, nowMs: number): Promise<ControlDoc<T>[]>;
}
