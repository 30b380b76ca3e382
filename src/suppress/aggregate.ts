import type { SendContext } from '../deliver/send.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { AlertRecord } from '../store/alert-log.ts';
import { aggregationEnd, aggregationKeyValue, aggregationOf, type AggregationSpec } from './aggregation.ts';
import { HOUR_MS, stableId } from './ids.ts';
import { setRealert } from './set-realert.ts';
import type { SuppressStage } from './stage.ts';

interface OpenGroups {
  groups: Record<string, { id: string; endMs: number }>;
}

/**
 * ElastAlert2's aggregation: the match is held for its group and sent with it when the group
 * ends (flushNoiseControls). Realert is set when the match joins, as ElastAlert2 does, but after
 * it is held: with realert first, a crash in between silenced the key and the re-run dropped the
 * match. A re-run that finds it held ('duplicate') writes realert too.
 */
export const aggregate: SuppressStage = async (alert, ctx) => {
  const spec = aggregationOf(alert.rule);
  if (!spec) return undefined;
  const { rule } = alert;
  const held = await holdForAggregation(
    rule,
    spec,
    alert.record(),
    rule.options.aggregate_by_match_time === true ? alert.matchTimeMs : alert.nowMs,
    ctx,
  );
  if (rule.realertMs > 0) await setRealert(rule, alert.key, alert.silence, alert.nowMs, ctx);
  return held;
};

/**
 * Holds a match for its aggregation (ElastAlert2's add_aggregated_alert): it joins the open group
 * of its aggregation_key value, or opens one that ends a period (or at the next scheduled time)
 * after `tMs`. The match is recorded with the group's id and sent with the group when it ends.
 * Open groups are kept in the writeback store, so a restart inside a period still sends one alert.
 */
export async function holdForAggregation(
  rule: RuleDefinition,
  spec: AggregationSpec,
  record: AlertRecord,
  tMs: number,
  ctx: SendContext,
): Promise<'aggregated' | 'duplicate'> {
  const key = aggregationKeyValue(rule, record.matchBody);
  const id = `aggregation:${rule.name}`;
  let group: { id: string; endMs: number } | undefined;
  for (let attempt = 0; attempt < 5 && !group; attempt++) {
    const doc = await ctx.stores.control.get<OpenGroups>(id);
    const open = doc?.data.groups[key];
    if (open && open.endMs > tMs) {
      group = open;
      break;
    }
    const fresh = { id: stableId('aggregate', rule.name, key, tMs), endMs: aggregationEnd(spec, tMs) };
    const groups = { ...(doc?.data.groups ?? {}), [key]: fresh };
    // Drop groups that ended long ago, so the document stays small.
    for (const [k, g] of Object.entries(groups)) if (g.endMs < tMs - 24 * HOUR_MS) delete groups[k];
    const endMs = Math.min(...Object.values(groups).map((g) => g.endMs));
    if (
      await ctx.stores.control.put(
        { id, kind: 'aggregation', ruleName: rule.name, endMs, data: { groups } },
        tMs,
        doc ? { seqNo: doc.seqNo, primaryTerm: doc.primaryTerm } : 'absent',
      )
    )
      group = fresh;
  }
  if (!group) throw new Error(`rule "${rule.name}": could not open an aggregation group (concurrent updates)`);
  const created = await ctx.stores.alerts.record({ ...record, aggregateId: group.id, alertTimeMs: group.endMs }, [], tMs);
  return created ? 'aggregated' : 'duplicate';
}
