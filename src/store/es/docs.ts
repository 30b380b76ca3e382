import type { AlertRecord } from '../alert-log.ts';
import type { Delivery, DeliveryStatus } from '../outbox.ts';

/** The stored forms of alerts and deliveries (ElastAlert2's field names for alerts). */
export const iso = (ms: number): string => new Date(ms).toISOString();

export interface AlertDoc {
  rule_name: string;
  query_key?: string;
  match_body: Record<string, unknown>;
  alert_info: Record<string, unknown>;
  alert_text: string;
  alert_subject: string;
  match_time: string;
  alert_time: string;
  alert_sent: boolean;
  alert_exception?: string;
  aggregate_id?: string;
  '@timestamp': string;
}

export interface DeliveryDoc {
  alert_id: string;
  rule_name: string;
  alerter: string;
  alerter_index: number;
  status: DeliveryStatus;
  attempts: number;
  next_attempt: string;
  last_error?: string;
  retryable?: boolean;
  created: string;
  '@timestamp': string;
}

export function alertDocument(a: AlertRecord): AlertDoc {
  return {
    rule_name: a.ruleName,
    ...(a.queryKey !== undefined ? { query_key: a.queryKey } : {}),
    match_body: a.matchBody,
    alert_info: a.alertInfo,
    alert_text: a.alertText,
    alert_subject: a.alertSubject,
    match_time: iso(a.matchTimeMs),
    alert_time: iso(a.alertTimeMs),
    alert_sent: a.alertSent,
    ...(a.alertException ? { alert_exception: a.alertException } : {}),
    ...(a.aggregateId ? { aggregate_id: a.aggregateId } : {}),
    '@timestamp': iso(a.alertTimeMs),
  };
}

export function fromAlertDoc(id: string, d: AlertDoc): AlertRecord {
  return {
    id,
    ruleName: d.rule_name,
    queryKey: d.query_key,
    matchBody: d.match_body,
    alertInfo: d.alert_info,
    alertText: d.alert_text,
    alertSubject: d.alert_subject,
    matchTimeMs: Date.parse(d.match_time),
    alertTimeMs: Date.parse(d.alert_time),
    alertSent: d.alert_sent,
    alertException: d.alert_exception,
    aggregateId: d.aggregate_id,
  };
}

export function fromDeliveryDoc(id: string, d: DeliveryDoc, seqNo: number, primaryTerm: number): Delivery {
  return {
    id,
    alertId: d.alert_id,
    ruleName: d.rule_name,
    alerter: d.alerter,
    alerterIndex: d.alerter_index,
    status: d.status,
    attempts: d.attempts,
    nextAttemptMs: Date.parse(d.next_attempt),
    createdMs: Date.parse(d.created),
    lastError: d.last_error,
    seqNo,
    primaryTerm,
  };
}
