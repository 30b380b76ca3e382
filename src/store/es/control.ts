import { esCall, type EsHandle } from '../../es/client.ts';
import { EsError } from '../../es/errors.ts';
import { writebackIndexName } from '../../writeback/mappings.ts';
import type { ControlDoc, ControlExpectation, ControlStore, ControlWrite } from '../control.ts';
import { iso } from './docs.ts';

export interface ControlSource {
  kind: string;
  rule_name: string;
  end: string;
  data: unknown;
  '@timestamp': string;
}

/**
 * `<wb>_control`, with its own mapping (until 0.x they shared `<wb>_state` and its rule-state
 * fields; `logwarden init` moves such documents over, see src/writeback/migrate-control.ts).
 */
export class EsControlStore implements ControlStore {
  private readonly es: EsHandle;
  private readonly index: string;

  constructor(es: EsHandle, base: string) {
    this.es = es;
    this.index = writebackIndexName(base, 'control');
  }

  async get<T>(id: string): Promise<ControlDoc<T> | undefined> {
    const index = this.index;
    const res = await esCall(this.es, `reading ${id}`, (c) => c.get<ControlSource>({ index, id }, { ignore: [404] }));
    if (!res.found || !res._source) return undefined;
    return fromSource<T>(id, res._source, res._seq_no ?? 0, res._primary_term ?? 0);
  }

  async put<T>(doc: ControlWrite<T>, nowMs: number, expected?: ControlExpectation): Promise<boolean> {
    const index = this.index;
    const document: ControlSource = {
      kind: doc.kind,
      rule_name: doc.ruleName,
      end: iso(doc.endMs),
      data: doc.data,
      '@timestamp': iso(nowMs),
    };
    try {
      await esCall(this.es, `writing ${doc.id}`, (c) =>
        c.index({
          index,
          id: doc.id,
          document,
          ...(expected === 'absent'
            ? { op_type: 'create' as const }
            : expected
              ? { if_seq_no: expected.seqNo, if_primary_term: expected.primaryTerm }
              : {}),
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof EsError && error.kind === 'conflict') return false;
      throw error;
    }
  }

  async delete(id: string): Promise<void> {
    const index = this.index;
    await esCall(this.es, `removing ${id}`, (c) => c.delete({ index, id, refresh: 'wait_for' }, { ignore: [404] }));
  }

  async due<T>(kind: string, nowMs: number): Promise<ControlDoc<T>[]> {
    const index = this.index;
    await esCall(this.es, 'refreshing control documents', (c) => c.indices.refresh({ index }));
    const res = await esCall(this.es, `reading due ${kind} documents`, (c) =>
      c.search<ControlSource>({
        index,
        size: 1000,
        seq_no_primary_term: true,
        query: { bool: { filter: [{ term: { kind } }, { range: { end: { lte: iso(nowMs) } } }] } },
      }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [fromSource<T>(h._id ?? '', h._source, h._seq_no ?? 0, h._primary_term ?? 0)] : []));
  }
}

function fromSource<T>(id: string, s: ControlSource, seqNo: number, primaryTerm: number): ControlDoc<T> {
  return { id, kind: s.kind, ruleName: s.rule_name, endMs: Date.parse(s.end), data: s.data as T, seqNo, primaryTerm };
}
