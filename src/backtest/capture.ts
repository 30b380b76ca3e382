import type { Alerter, AlertPayload } from '../../alerters/types.ts';
import type { RuleMatch } from '../rules/types.ts';
import type { AnyRuleType } from '../run/evaluate.ts';
import type { CapturedAlert, KeyTally } from './report.ts';

/**
 * Records every alert handed to an alerter during a replay, once per alert id (one alert goes
 * to each of a rule's alerters, and a retry hands it over again).
 */
export class AlertCapture {
  /** The replayed day runs are in; set by the runner before each day. */
  day = '';
  private readonly byId = new Map<string, CapturedAlert>();
  private readonly byRule = new Map<string, CapturedAlert[]>();

  record(alerterType: string, alert: AlertPayload, status: 'captured' | 'sent' | 'failed' = 'captured'): void {
    const known = this.byId.get(alert.alertId);
    if (known) {
      if (!known.alerters.includes(alerterType)) known.alerters.push(alerterType);
      known.delivered[alerterType] = status;
      return;
    }
    const captured: CapturedAlert = {
      alertId: alert.alertId,
      ruleName: alert.ruleName,
      day: this.day,
      matchTimeMs: alert.matchTimeMs,
      queryKey: alert.queryKey,
      alerters: [alerterType],
      delivered: { [alerterType]: status },
      subject: alert.subject,
      text: alert.text,
    };
    this.byId.set(alert.alertId, captured);
    const list = this.byRule.get(alert.ruleName) ?? [];
    list.push(captured);
    this.byRule.set(alert.ruleName, list);
  }

  /** The rule's alerts in the order they were sent. */
  of(ruleName: string): readonly CapturedAlert[] {
    return this.byRule.get(ruleName) ?? [];
  }
}

/** The rule's real alerters (--alert), each recording what it is handed before sending it. */
export function recordingAlerters(real: readonly Alerter[], capture: AlertCapture): Alerter[] {
  return real.map((alerter) => ({
    type: alerter.type,
    async send(alert: AlertPayload): Promise<void> {
      try {
        await alerter.send(alert);
      } catch (error) {
        capture.record(alerter.type, alert, 'failed');
        throw error;
      }
      capture.record(alerter.type, alert, 'sent');
    },
    close: alerter.close?.bind(alerter),
  }));
}

/**
 * The rule type, unchanged, except that every match it produces is also passed to `onMatches`:
 * the report's top query_key values come from here, as RunOutcome only counts matches.
 */
export function tapMatches(type: AnyRuleType, onMatches: (matches: readonly RuleMatch[]) => void): AnyRuleType {
  if (type.needs === 'aggregations') {
    const pick = type.pickSegments?.bind(type);
    return {
      needs: type.needs,
      // Which evaluation points a run evaluates is the rule type's choice (allow_buffer_time_overlap).
      ...(pick ? { pickSegments: pick } : {}),
      initialState: () => type.initialState(),
      plan: (state, at) => type.plan(state, at),
      evaluate: (state, results, at) => {
        const step = type.evaluate(state, results, at);
        onMatches(step.matches);
        return step;
      },
      describeMatch: (match) => type.describeMatch(match),
    };
  }
  return {
    needs: type.needs,
    initialState: () => type.initialState(),
    addEvents: (state, events, nowMs) => {
      const step = type.addEvents(state, events, nowMs);
      onMatches(step.matches);
      return step;
    },
    addCounts: (state, entries, nowMs) => {
      const step = type.addCounts(state, entries, nowMs);
      onMatches(step.matches);
      return step;
    },
    garbageCollect: (state, nowMs) => type.garbageCollect(state, nowMs),
    describeMatch: (match) => type.describeMatch(match),
  };
}

/** Adds matches and captured alerts to a per-query_key tally. */
export function tallyKeys(tally: KeyTally, matches: readonly RuleMatch[], alerts: readonly CapturedAlert[]): void {
  for (const m of matches) {
    const t = tally.get(m.key) ?? { matches: 0, alerts: 0 };
    t.matches++;
    tally.set(m.key, t);
  }
  for (const a of alerts) {
    const t = tally.get(a.queryKey) ?? { matches: 0, alerts: 0 };
    t.alerts++;
    tally.set(a.queryKey, t);
  }
}
