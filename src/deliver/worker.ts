import type { Outbox } from './outbox.ts';
import { attemptDelivery, type SendContext } from './send.ts';

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
export async function processDueDeliveries(outbox: Outbox, nowMs: number, ctx: SendContext): Promise<WorkerPass> {
  const pass: WorkerPass = { due: 0, sent: 0, retrying: 0, failed: 0 };
  for (const delivery of await outbox.due(nowMs)) {
    pass.due++;
    const claimed = await outbox.claim(delivery, nowMs);
    if (!claimed) continue;
    const status = await attemptDelivery(claimed, nowMs, ctx);
    if (status === 'sent') pass.sent++;
    else if (status === 'failed') pass.failed++;
    else pass.retrying++;
  }
  return pass;
}
