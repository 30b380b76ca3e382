import { esCall, type EsHandle } from '../../es/client.ts';
import { bulkItemError, EsError } from '../../es/errors.ts';
import { writebackIndexName } from '../../writeback/mappings.ts';
import { RecentIds } from '../../writeback/recent-ids.ts';
import type { AlertHeadline, AlertLog, AlertRecord } from '../alert-log.ts';
import { CLAIM_LEASE_MS, deliveryId, type Delivery } from '../outbox.ts';
import { alertDocument, fromAlertDoc, fromDeliveryDoc, iso, type AlertDoc, type DeliveryDoc } from './docs.ts';

/** `<wb>` (ElastAlert2's alerts index), with the deliveries of each alert in `<wb>_delivery`. */
export class EsAlertLog implements AlertLog {
  private readonly es: EsHandle;
  private readonly index: string;
  private readonly deliveryIndex: string;
  /** Alerts recorded by this process: refused again even if their record was deleted (see RecentIds). */
  private readonly recorded = new RecentIds();

  constructor(es: EsHandle, base: string) {
    this.es = es;
    this.index = writebackIndexName(base, 'alerts');
    this.deliveryIndex = writebackIndexName(base, 'delivery');
  }

  /**
   * An alert with alerters goes in ONE bulk request with its deliveries (already claimed by the
   * caller, who sends them right away): Elasticsearch applies all of it or, if we die before
   * sending it, none, and the rule's window is then re-run. A held match is one create.
   */
  async record(a: AlertRecord, alerters: readonly string[], nowMs: number): Promise<Delivery[] | undefined> {
    if (this.recorded.has(a.id)) return undefined;
    const what = `recording an alert of rule "${a.ruleName}"`;
    if (alerters.length === 0) {
      try {
        await esCall(this.es, what, (c) => c.create({ index: this.index, id: a.id, document: alertDocument(a) }));
      } catch (error) {
        if (error instanceof EsError && error.kind === 'conflict') return undefined;
        throw error;
      }
      this.recorded.add(a.id);
      return [];
    }
    const docs: DeliveryDoc[] = alerters.map((alerter, i) => ({
      alert_id: a.id,
      rule_name: a.ruleName,
      alerter,
      alerter_index: i,
      status: 'pending',
      attempts: 0,
      next_attempt: iso(nowMs + CLAIM_LEASE_MS),
      created: iso(nowMs),
      '@timestamp': iso(nowMs),
    }));
    const operations = [
      { create: { _index: this.index, _id: a.id } },
      alertDocument(a),
      ...docs.flatMap((doc, i) => [{ create: { _index: this.deliveryIndex, _id: deliveryId(a.id, i) } }, doc]),
    ];
    const res = await esCall(this.es, what, (c) => c.bulk({ operations }));
    const [first, ...rest] = res.items;
    const alertResult = first?.create;
    if (alertResult?.status === 409) return undefined;
    if (alertResult?.error) throw bulkItemError(what, alertResult, this.es.secrets);
    this.recorded.add(a.id);
    return docs.map((doc, i) => {
      const item = rest[i]?.create;
      if (item?.error) throw bulkItemError(`recording delivery ${deliveryId(a.id, i)}`, item, this.es.secrets);
      return fromDeliveryDoc(deliveryId(a.id, i), doc, item?._seq_no ?? 0, item?._primary_term ?? 0);
    });
  }

  async get(id: string): Promise<AlertRecord | undefined> {
    const index = this.index;
    const res = await esCall(this.es, `reading ${id} from ${index}`, (c) => c.get<AlertDoc>({ index, id }, { ignore: [404] }));
    return res.found && res._source ? fromAlertDoc(id, res._source) : undefined;
  }

  async ofRule(ruleName: string): Promise<AlertRecord[]> {
    const index = this.index;
    await esCall(this.es, 'refreshing alerts', (c) => c.indices.refresh({ index }));
    const res = await esCall(this.es, `reading alerts of rule "${ruleName}"`, (c) =>
      c.search<AlertDoc>({ index, size: 10_000, sort: [{ match_time: 'asc' }], query: { term: { rule_name: ruleName } } }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [fromAlertDoc(h._id ?? '', h._source)] : []));
  }

  async latest(ruleName: string, size: number): Promise<AlertHeadline[]> {
    const res = await esCall(this.es, `reading alerts of rule "${ruleName}"`, (c) =>
      c.search<AlertDoc>({
        index: this.index,
        ignore_unavailable: true,
        size,
        sort: [{ alert_time: { order: 'desc' } }],
        query: { term: { rule_name: ruleName } },
        _source_excludes: ['match_body', 'alert_info'],
      }),
    );
    return res.hits.hits.flatMap((h) => {
      if (!h._source) return [];
      const {
        matchBody: _body,
        alertInfo: _info,
        ...headline
      } = fromAlertDoc(h._id ?? '', { ...h._source, match_body: {}, alert_info: {} });
      return [headline];
    });
  }

  async settle(id: string, sent: boolean, exception: string | undefined, nowMs: number): Promise<void> {
    await esCall(this.es, `updating alert ${id}`, (c) =>
      c.update({
        index: this.index,
        id,
        doc: { alert_sent: sent, ...(exception ? { alert_exception: exception } : {}), '@timestamp': iso(nowMs) },
      }),
    );
  }

  async markSent(ids: readonly string[], nowMs: number): Promise<void> {
    if (ids.length === 0) return;
    const index = this.index;
    await esCall(this.es, 'marking aggregated matches', (c) =>
      c.bulk({
        refresh: 'wait_for',
        operations: ids.flatMap((id) => [{ update: { _index: index, _id: id } }, { doc: { alert_sent: true, '@timestamp': iso(nowMs) } }]),
      }),
    );
  }

  async dueAggregateMembers(nowMs: number): Promise<Map<string, AlertRecord[]>> {
    const index = this.index;
    await esCall(this.es, 'refreshing alerts', (c) => c.indices.refresh({ index }));
    const res = await esCall(this.es, 'reading due aggregations', (c) =>
      c.search<AlertDoc>({
        index,
        size: 10_000,
        sort: [{ match_time: 'asc' }],
        query: {
          bool: {
            filter: [
              { exists: { field: 'aggregate_id' } },
              { term: { alert_sent: false } },
              { range: { alert_time: { lte: iso(nowMs) } } },
            ],
          },
        },
      }),
    );
    const groups = new Map<string, AlertRecord[]>();
    for (const h of res.hits.hits) {
      if (!h._source?.aggregate_id) continue;
      const list = groups.get(h._source.aggregate_id) ?? [];
      list.push(fromAlertDoc(h._id ?? '', h._source));
      groups.set(h._source.aggregate_id, list);
    }
    return groups;
  }

  async unsettled(fromMs: number, toMs: number, limit: number): Promise<AlertRecord[]> {
    // The due-aggregation search of the same pass has just refreshed this index.
    const res = await esCall(this.es, 'reading unsettled alerts', (c) =>
      c.search<AlertDoc>({
        index: this.index,
        size: limit,
        sort: [{ alert_time: 'asc' }],
        query: {
          bool: {
            filter: [{ term: { alert_sent: false } }, { range: { alert_time: { gte: iso(fromMs), lte: iso(toMs) } } }],
            must_not: [{ exists: { field: 'alert_exception' } }, { exists: { field: 'aggregate_id' } }],
          },
        },
      }),
    );
    return res.hits.hits.flatMap((h) => (h._source ? [fromAlertDoc(h._id ?? '', h._source)] : []));
  }
}
