import { esCall, type EsHandle } from '../../es/client.ts';
import { writebackIndexName } from '../../writeback/mappings.ts';
import type { Silence, SilenceStore } from '../silences.ts';
import { iso } from './docs.ts';

/** ElastAlert2's silence document; `rule_name` holds the silence key, as in ElastAlert2. */
interface SilenceDoc {
  rule_name: string;
  until: string;
  exponent: number;
  reason?: string;
  '@timestamp': string;
}

/** `<wb>_silence`: one document per silence key (the id), so lookups never lag. */
export class EsSilenceStore implements SilenceStore {
  private readonly es: EsHandle;
  private readonly index: string;

  constructor(es: EsHandle, base: string) {
    this.es = es;
    this.index = writebackIndexName(base, 'silence');
  }

  async get(key: string): Promise<Silence | undefined> {
    const index = this.index;
    const res = await esCall(this.es, `reading ${key} from ${index}`, (c) => c.get<SilenceDoc>({ index, id: key }, { ignore: [404] }));
    const doc = res.found ? res._source : undefined;
    return doc ? { key, untilMs: Date.parse(doc.until), exponent: doc.exponent, reason: doc.reason } : undefined;
  }

  async set(s: Silence, nowMs: number, visibleNow = false): Promise<void> {
    const index = this.index;
    const document: SilenceDoc = {
      rule_name: s.key,
      until: iso(s.untilMs),
      exponent: s.exponent,
      ...(s.reason ? { reason: s.reason } : {}),
      '@timestamp': iso(nowMs),
    };
    await esCall(this.es, `writing silence "${s.key}"`, (c) =>
      c.index({ index, id: s.key, document, ...(visibleNow ? { refresh: 'wait_for' as const } : {}) }),
    );
  }

  async delete(key: string): Promise<boolean> {
    const index = this.index;
    const res = await esCall(this.es, `removing silence "${key}"`, (c) =>
      c.delete({ index, id: key, refresh: 'wait_for' }, { ignore: [404] }),
    );
    return res.result === 'deleted';
  }

  async active(nowMs: number): Promise<Silence[]> {
    const index = this.index;
    const res = await esCall(this.es, 'listing silences', (c) =>
      c.search<SilenceDoc>({ index, size: 1000, sort: [{ until: 'asc' }], query: { range: { until: { gt: iso(nowMs) } } } }),
    );
    return res.hits.hits.flatMap((h) =>
      h._source ? [{ key: h._id ?? '', untilMs: Date.parse(h._source.until), exponent: h._source.exponent, reason: h._source.reason }] : [],
    );
  }
}
