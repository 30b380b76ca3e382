import type { AlertPayload } from '../../alerters/index.ts';
import { buildAlertText } from '../alert/text.ts';
import type { Logger } from '../log.ts';
import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import { matchFields } from '../ruletypes/rule-type.ts';
import { isSilenced, nextSilence, realertKey, ruleSilenceKey, silenceKey } from '../suppress/realert.ts';
import { alertId, type AlertRecord } from '../writeback/store.ts';
import type { AnyRuleType } from './evaluate.ts';
import type { RunContext } from './run-rule.ts';

export type DeliveryResult = 'sent' | 'failed' | 'suppressed' | 'duplicate';

/**
 * Suppression and alerting for one match, in an order that loses nothing across a crash:
 * silence check → alert recorded (unsent) → realert silence written → alerters → marked sent.
 * A crash before "marked sent" leaves an unsent record that the next run sends.
 */
export async function deliverMatch(rule: RuleDefinition, ruleType: AnyRuleType, match: RuleMatch, nowMs: number, ctx: RunContext, log: Logger): Promise<DeliveryResult> {
  const key = silenceKey(realertKey(rule.name, rule.options), match.key);
  // A whole-rule silence (logwarden silence --rule) and the realert silence of this key.
  const ruleSilence = await ctx.store.getSilence(ruleSilenceKey(rule.name));
  const keySilence = await ctx.store.getSilence(key);
  if (isSilenced(ruleSilence, nowMs) || isSilenced(keySilence, nowMs)) {
    log.debug({ key: match.key }, 'match suppressed by realert or silence');
    return 'suppressed';
  }
  const fields = matchFields(match);
  const matchString = ruleType.describeMatch(match);
  const text = buildAlertText(rule, fields, matchString);
  const record: AlertRecord = {
    id: alertId(rule.name, match.key, match.timestampMs, typeof match.body._id === 'string' ? match.body._id : undefined),
    ruleName: rule.name,
    queryKey: match.key,
    matchBody: fields,
    alertInfo: { type: rule.type, file: rule.file, alerters: rule.alert.map((a) => a.type), match_string: matchString },
    alertText: text.body,
    alertSubject: text.subject,
    matchTimeMs: match.timestampMs,
    alertTimeMs: nowMs,
    alertSent: false,
  };
  if (!(await ctx.store.recordAlert(record))) return 'duplicate';
  if (rule.realertMs > 0) {
    const next = nextSilence(keySilence, rule.realertMs, rule.exponentialRealertMs, nowMs);
    await ctx.store.setSilence({ key, untilMs: next.untilMs, exponent: next.exponent }, nowMs);
  }
  return (await send(rule, record, ctx, log, nowMs)) ? 'sent' : 'failed';
}

/** Sends a recorded alert through every alerter of its rule and records the outcome. */
async function send(rule: RuleDefinition, record: AlertRecord, ctx: RunContext, log: Logger, nowMs: number): Promise<boolean> {
  const payload: AlertPayload = {
    alertId: record.id,
    ruleName: rule.name,
    ruleFile: rule.file,
    subject: record.alertSubject,
    text: record.alertText,
    queryKey: record.queryKey,
    matchTimeMs: record.matchTimeMs,
    match: record.matchBody,
    severity: typeof rule.options.severity === 'string' ? rule.options.severity : undefined,
    render: (escape) => {
      const matchString = typeof record.alertInfo.match_string === 'string' ? record.alertInfo.match_string : '';
      const t = buildAlertText(rule, record.matchBody, matchString, { escape });
      return { subject: t.subject, text: t.body };
    },
  };
  const failures: string[] = [];
  for (const alerter of ctx.alerters) {
    try {
      await alerter.send(payload);
    } catch (error) {
      failures.push(error instanceof Error ? error.message : String(error));
    }
  }
  if (failures.length > 0) log.warn({ alert_id: record.id }, `alert not delivered, will retry: ${failures.join('; ')}`);
  await ctx.store.markAlert(record.id, failures.length === 0, failures.join('; ') || undefined, nowMs);
  return failures.length === 0;
}

/** Re-sends this rule's alerts that were recorded but not sent, within alert_time_limit (as ElastAlert2). */
export async function retryPending(rule: RuleDefinition, nowMs: number, ctx: RunContext, log: Logger): Promise<number> {
  const pending = await ctx.store.pendingAlerts(nowMs - ctx.alertTimeLimitMs, rule.name);
  let sent = 0;
  for (const candidate of pending) {
    // The search may lag a second behind a "sent" mark; the real-time get does not.
    const record = await ctx.store.getAlert(candidate.id);
    if (record && !record.alertSent && (await send(rule, record, ctx, log, nowMs))) sent++;
  }
  return sent;
}

