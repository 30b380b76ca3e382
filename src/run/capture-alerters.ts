import type { Alerter, AlertPayload } from '../../alerters/types.ts';
import type { RuleDefinition } from '../rules/types.ts';

/** Where a capture run hands each alert: the alerter type it stands in for, and the alert. */
export type CaptureSink = (alerterType: string, alert: AlertPayload) => void;

/**
 * Stand-ins for a rule's alerters: same types in the same order (the outbox addresses an
 * alerter by type and position), accepting every alert and sending nothing anywhere.
 */
export function captureAlerters(rule: RuleDefinition, sink: CaptureSink): Alerter[] {
  return rule.alert.map((ref) => ({
    type: ref.type,
    async send(alert: AlertPayload): Promise<void> {
      sink(ref.type, alert);
    },
  }));
}
