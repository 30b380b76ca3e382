import type { SendContext } from '../deliver/send.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { Silence } from '../store/silences.ts';
import { nextSilence } from './realert.ts';

/** Records the key's next realert silence after alerting at `nowMs` (ElastAlert2 next_alert_time). */
export async function setRealert(
  rule: RuleDefinition,
  key: string,
  previous: Silence | undefined,
  nowMs: number,
  ctx: SendContext,
): Promise<void> {
  const next = nextSilence(previous, rule.realertMs, rule.exponentialRealertMs, nowMs);
  await ctx.stores.silences.set({ key, untilMs: next.untilMs, exponent: next.exponent }, nowMs);
}
