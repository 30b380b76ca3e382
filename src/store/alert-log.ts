import { createHash } from 'node:crypto';
import type { Delivery } from './outbox.ts';

export interface AlertRecord {
  id: string;
  ruleName: string;
  queryKey: string | undefined;
  matchBody: Record<string, unknown>;
  alertInfo: Record<string, unknown>;
  alertText: string;
  alertSubject: string;
  matchTimeMs: number;
  alertTimeMs: number;
  alertSent: boolean;
  alertException?: string | undefined;
  /** Set on a match held for an aggregation: the id of the alert that will carry it (ElastAlert2's aggregate_id). */
  aggregateId?: string | undefined;
}

/** An alert as listed: everything but the (large) match body and alert info. */
export type AlertHeadline = Omit<AlertRecord, 'matchBody' | 'alertInfo'>;

/** A stable id for a match, so that re-running a window after a crash finds the alert already recorded. */
export function alertId(ruleName: string, key: string | undefined, matchTimeMs: number, documentId: string | undefined): string {
  return createHash('sha256')
    .update(JSON.stringify([ruleName, key ?? null, matchTimeMs, documentId ?? null]))
    .digest('base64url')
    .slice(0, 32);
}

/**
 * The alert log (ElastAlert2's writeback alerts). The one writer of alerts: an alert and its
 * deliveries (one per alerter) are recorded together, all or nothing, so a crash either leaves
 * both or neither.
 */
export interface AlertLog {
  /**
   * Records a new alert with one claimed delivery per alerter (none for a match that is only
   * held: aggregation members, flood-guard records). undefined when the alert was recorded before.
   */
  record(a: AlertRecord, alerters: readonly string[], nowMs: number): Promise<Delivery[] | undefined>;
  get(id: string): Promise<AlertRecord | undefined>;
  /** Every alert of a rule, oldest match first (tests, demo). */
  ofRule(ruleName: string): Promise<AlertRecord[]>;
  /** The latest alerts of a rule, newest first, without their match bodies (status page). */
  latest(ruleName: string, size: number): Promise<AlertHeadline[]>;
  /** Settles an alert: ElastAlert2's alert_sent, and alert_exception for what failed. */
  settle(id: string, sent: boolean, exception: string | undefined, nowMs: number): Promise<void>;
  /** Marks matches as handled (sent within an aggregation, or accounted for by a digest). */
  markSent(ids: readonly string[], nowMs: number): Promise<void>;
  /** Matches held for aggregations that are due, grouped by aggregate id (oldest match first). */
  dueAggregateMembers(nowMs: number): Promise<Map<string, AlertRecord[]>>;
  /**
   * Alerts with deliveries that were never settled (alert_sent false, no exception, not held),
   * recorded between the two times, oldest first: the settle pass looks at their deliveries.
   */
  unsettled(fromMs: number, toMs: number, limit: number): Promise<AlertRecord[]>;
}
