import type { SendContext } from '../deliver/send.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { HOUR_MS } from './ids.ts';
import type { SuppressStage } from './stage.ts';

export interface FloodCounter {
  sent: number;
  suppressed: number;
  cap: number;
}

/** The rule's max_alerts_per_hour (rule option, or the global default in config.yaml). */
export function floodCap(rule: RuleDefinition): number | undefined {
  const cap = rule.options.max_alerts_per_hour;
  return typeof cap === 'number' && cap >= 1 ? cap : undefined;
}

/**
 * The flood guard (ours; ElastAlert2 has none): past the rule's cap for the hour a match is
 * recorded, never sent; the hour's digest (flushNoiseControls) accounts for it.
 */
export const floodGuard: SuppressStage = async (alert, ctx) => {
  const cap = floodCap(alert.rule);
  if (cap === undefined || (await passFloodGuard(alert.rule, cap, alert.nowMs, ctx))) return undefined;
  const created = await ctx.stores.alerts.record(
    { ...alert.record(), alertException: `held back by the flood guard (max_alerts_per_hour: ${cap})` },
    [],
    alert.nowMs,
  );
  return created ? 'suppressed_flood' : 'duplicate';
};

/**
 * At most `cap` alerts per rule per clock hour, counted in a control document updated with
 * optimistic concurrency. Returns whether this alert may be sent; past the cap it is counted as
 * held back, for the hour's digest.
 */
export async function passFloodGuard(rule: RuleDefinition, cap: number, tMs: number, ctx: SendContext): Promise<boolean> {
  const hourStart = Math.floor(tMs / HOUR_MS) * HOUR_MS;
  const id = `flood:${rule.name}:${new Date(hourStart).toISOString()}`;
  for (let attempt = 0; attempt < 10; attempt++) {
    const doc = await ctx.stores.control.get<FloodCounter>(id);
    const counter = doc?.data ?? { sent: 0, suppressed: 0, cap };
    const allowed = counter.sent < cap;
    const next = allowed ? { ...counter, sent: counter.sent + 1 } : { ...counter, suppressed: counter.suppressed + 1 };
    if (
      await ctx.stores.control.put(
        { id, kind: 'flood_guard', ruleName: rule.name, endMs: hourStart + HOUR_MS, data: next },
        tMs,
        doc ? { seqNo: doc.seqNo, primaryTerm: doc.primaryTerm } : 'absent',
      )
    ) {
      return allowed;
    }
  }
  throw new Error(`rule "${rule.name}": could not update the flood guard counter (concurrent updates)`);
}
