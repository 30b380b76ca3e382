import { AlerterError, type Alerter } from '../../alerters/types.ts';
import type { Logger } from '../log.ts';
import type { EngineObserver } from '../observe.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { Delivery, DeliveryStatus } from '../store/outbox.ts';
import type { Stores } from '../store/stores.ts';
import { nextAttemptMs } from './backoff.ts';
import { payloadFor } from './payload.ts';

/** The rule and alerters a delivery belongs to, as the engine has them now. */
export type AlerterLookup = (ruleName: string) => { rule: RuleDefinition; alerters: readonly Alerter[] } | undefined;

/** Test and observability hooks at the points where a crash matters. */
export interface DeliveryHooks {
  /** The alert and its deliveries are recorded (claimed, nothing sent yet). */
  afterAlertRecorded?: () => void | Promise<void>;
  /** The peer accepted the alert; the delivery is not marked sent yet. */
  afterPeerAccepted?: () => void | Promise<void>;
  /** The delivery is marked sent; the alert is not settled yet. */
  afterDeliveryMarked?: () => void | Promise<void>;
}

export interface SendContext {
  stores: Stores;
  lookup: AlerterLookup;
  log: Logger;
  alertTimeLimitMs: number;
  hooks?: DeliveryHooks | undefined;
  random?: () => number;
  observer?: EngineObserver | undefined;
}

/**
 * One attempt of one claimed delivery. Success marks it sent; a retryable failure schedules the
 * next attempt with backoff (never before the peer's Retry-After); a permanent one, or an alert
 * older than alert_time_limit, marks it failed with the reason. Only this alerter is affected.
 */
export async function attemptDelivery(d: Delivery, nowMs: number, ctx: SendContext): Promise<DeliveryStatus> {
  const record = await ctx.stores.alerts.get(d.alertId);
  const alerterCount = alerterCountOf(record?.alertInfo);
  const which = { id: d.alertId, key: record?.queryKey, matchTimeMs: record?.matchTimeMs };
  const fail = async (reason: string): Promise<DeliveryStatus> => {
    ctx.log.error(
      { alert_id: d.alertId, alerter: d.alerter },
      `delivery of an alert of rule "${d.ruleName}" through ${d.alerter} failed for good: ${reason}`,
    );
    await ctx.stores.outbox.complete(d, { status: 'failed', error: reason, retryable: false }, nowMs);
    ctx.observer?.deliveryAttempt?.(d.ruleName, d.alerter, 'failed', which);
    if (record) await settleAlert(d.alertId, alerterCount, nowMs, ctx);
    return 'failed';
  };
  if (!record) return fail('the alert record is missing');
  if (nowMs - record.alertTimeMs > ctx.alertTimeLimitMs)
    return fail(`not delivered within alert_time_limit; last error: ${d.lastError ?? 'none'}`);
  const current = ctx.lookup(d.ruleName);
  const alerter = current?.alerters[d.alerterIndex];
  if (!current || !alerter || alerter.type !== d.alerter)
    return fail(`rule "${d.ruleName}" no longer has alerter #${d.alerterIndex} (${d.alerter})`);

  try {
    await alerter.send(payloadFor(current.rule, record));
  } catch (error) {
    const retryable = error instanceof AlerterError ? error.retryable : true;
    const message = error instanceof Error ? error.message : String(error);
    if (!retryable) return fail(message);
    const next = nextAttemptMs(d.attempts + 1, nowMs, error instanceof AlerterError ? error.retryAfterMs : undefined, ctx.random);
    ctx.log.warn(
      { alert_id: d.alertId, alerter: d.alerter, attempt: d.attempts + 1, next_attempt: new Date(next).toISOString() },
      `delivery through ${d.alerter} failed, will retry: ${message}`,
    );
    await ctx.stores.outbox.complete(d, { status: 'pending', nextAttemptMs: next, error: message, retryable: true }, nowMs);
    ctx.observer?.deliveryAttempt?.(d.ruleName, d.alerter, 'retry', which);
    return 'pending';
  }
  await ctx.hooks?.afterPeerAccepted?.();
  // A crash from here until the settle below sends nothing twice: the delivery is marked sent
  // first, and an alert left unsettled is settled by the next delivery pass (settleLeftovers).
  await ctx.stores.outbox.complete(d, { status: 'sent' }, nowMs);
  ctx.observer?.deliveryAttempt?.(d.ruleName, d.alerter, 'sent', which);
  await ctx.hooks?.afterDeliveryMarked?.();
  await settleAlert(d.alertId, alerterCount, nowMs, ctx);
  return 'sent';
}

/** How many alerters the alert was recorded with (its deliveries are numbered 0..n-1). */
export function alerterCountOf(alertInfo: Record<string, unknown> | undefined): number {
  return Array.isArray(alertInfo?.alerters) ? alertInfo.alerters.length : 0;
}

/**
 * ElastAlert2's alert_sent: true once every alerter delivered; failures are listed in
 * alert_exception. Nothing while a delivery is still pending. true when the alert was settled.
 */
export async function settleAlert(
  alertId: string,
  alerterCount: number,
  nowMs: number,
  ctx: Pick<SendContext, 'stores'>,
): Promise<boolean> {
  return settleFrom(alertId, await ctx.stores.outbox.byAlert(alertId, alerterCount), nowMs, ctx);
}

/** settleAlert with the alert's deliveries already read. */
export async function settleFrom(
  alertId: string,
  all: readonly Delivery[],
  nowMs: number,
  ctx: Pick<SendContext, 'stores'>,
): Promise<boolean> {
  if (all.some((x) => x.status === 'pending')) return false;
  const failed = all.filter((x) => x.status === 'failed');
  const exception = failed.map((x) => `${x.alerter}: ${x.lastError ?? 'failed'}`).join('; ') || undefined;
  await ctx.stores.alerts.settle(alertId, failed.length === 0, exception, nowMs);
  return true;
}
