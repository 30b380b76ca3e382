export type DeliveryStatus = 'pending' | 'sent' | 'failed';

export interface Delivery {
  id: string;
  alertId: string;
  ruleName: string;
  alerter: string;
  alerterIndex: number;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptMs: number;
  createdMs: number;
  lastError: string | undefined;
  /** Optimistic concurrency: a claim succeeds only if nobody changed the document since it was read. */
  seqNo: number;
  primaryTerm: number;
}

export interface DeliveryOutcome {
  status: DeliveryStatus;
  nextAttemptMs?: number;
  error?: string;
  retryable?: boolean;
}

/**
 * How long a claimed delivery is ours before another worker (or instance) may take it over: after
 * a crash, a delivery that was being sent is picked up again once this has passed.
 */
export const CLAIM_LEASE_MS = 60_000;

export function deliveryId(alertId: string, alerterIndex: number): string {
  return `${alertId}:${alerterIndex}`;
}

/**
 * The outbox: one delivery per (alert × alerter), created with its alert by the AlertLog. A
 * delivery is claimed (its next attempt pushed a lease ahead, only if nobody changed it since it
 * was read) before it is sent, so two workers never send it at once and a crashed sender's claim
 * simply expires.
 */
export interface Outbox {
  /** Takes a due delivery for this worker; undefined when someone else changed it first. */
  claim(d: Delivery, nowMs: number): Promise<Delivery | undefined>;
  complete(d: Delivery, outcome: DeliveryOutcome, nowMs: number): Promise<void>;
  /** Pending deliveries whose next attempt is due, oldest first. */
  due(nowMs: number, limit?: number): Promise<Delivery[]>;
  /** The deliveries of an alert with `count` alerters, read by id (real time). */
  byAlert(alertId: string, count: number): Promise<Delivery[]>;
  /** Every delivery of an alert, by alerter (tests, status). */
  forAlert(alertId: string): Promise<Delivery[]>;
  /** Pending deliveries of a rule, next attempt first (status page). */
  pendingOf(ruleName: string, size: number): Promise<Delivery[]>;
  /** Number of deliveries not yet sent or failed (a gauge for operators). */
  pendingCount(): Promise<number>;
}
