import { CLAIM_LEASE_MS, type Delivery } from '../store/outbox.ts';
import { alerterCountOf, attemptDelivery, settleFrom, type SendContext } from './send.ts';

export interface WorkerPass {
  due: number;
  sent: number;
  retrying: number;
  failed: number;
}

/**
 * Picks up deliveries that are due: retries after backoff, and deliveries left behind by a crash
 * once their claim has expired. Runs at startup, every few seconds while LogWarden runs, and at
 * the end of `run --once`.
 */
export async function processDueDeliveries(nowMs: number, ctx: SendContext): Promise<WorkerPass> {
  const pass: WorkerPass = { due: 0, sent: 0, retrying: 0, failed: 0 };
  for (const delivery of await ctx.stores.outbox.due(nowMs)) {
    pass.due++;
    const claimed = await ctx.stores.outbox.claim(delivery, nowMs);
    if (!claimed) continue;
    const status = await attemptDelivery(claimed, nowMs, ctx);
    if (status === 'sent') pass.sent++;
    else if (status === 'failed') pass.failed++;
    else pass.retrying++;
  }
  await settleLeftovers(nowMs, ctx);
  return pass;
}

/** How many unsettled alerts one pass looks at (oldest first). */
export const SETTLE_BATCH = 100;

/**
 * Settles alerts that a crash (or a failed write) left with `alert_sent: false` after their last
 * delivery became final: the sender marks the delivery first and the alert after, so a kill in
 * between leaves only this to do. Alerts younger than a claim lease are left to their sender;
 * those with a delivery still pending are settled by whoever finishes it. An alert whose
 * deliveries are gone (the delivery index was deleted) is settled as failed, saying so.
 * Returns how many alerts it settled.
 */
export async function settleLeftovers(nowMs: number, ctx: Pick<SendContext, 'stores' | 'log'>): Promise<number> {
  let settled = 0;
  for (const alert of await ctx.stores.alerts.unsettled(0, nowMs - CLAIM_LEASE_MS, SETTLE_BATCH)) {
    const count = alerterCountOf(alert.alertInfo);
    const deliveries: Delivery[] = await ctx.stores.outbox.byAlert(alert.id, count);
    if (deliveries.length < count) {
      ctx.log.warn(
        { alert_id: alert.id },
        `alert of rule "${alert.ruleName}" has lost ${count - deliveries.length} of its ${count} deliveries; marking it failed`,
      );
      await ctx.stores.alerts.settle(
        alert.id,
        false,
        `${count - deliveries.length} of ${count} deliveries are missing from the outbox`,
        nowMs,
      );
      settled++;
      continue;
    }
    if (await settleFrom(alert.id, deliveries, nowMs, ctx)) settled++;
  }
  return settled;
}
