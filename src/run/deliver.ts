import { kibanaDiscoverUrl } from '../alert/kibana.ts';
import { alertFields } from '../alert/match-root.ts';
import { prettyTimes } from '../alert/times.ts';
import { buildAlertText } from '../alert/text.ts';
import { attemptDelivery, type SendContext } from '../deliver/send.ts';
import type { Logger } from '../log.ts';
import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import { matchFields } from '../ruletypes/rule-type.ts';
import { matchSilenceKey } from '../suppress/realert.ts';
import { suppress } from '../suppress/pipeline.ts';
import { setRealert } from '../suppress/set-realert.ts';
import type { PendingAlert } from '../suppress/stage.ts';
import { alertId, type AlertRecord } from '../store/alert-log.ts';
import type { MatchOutcome } from '../observe.ts';
import type { AnyRuleType } from './evaluate.ts';

export type DeliveryResult = MatchOutcome;

/**
 * Suppression and alerting for one match, in an order that loses nothing across a crash:
 * silence check → alert and its deliveries recorded in one bulk request (claimed, unsent) →
 * realert silence written → each alerter attempted. A crash after the record leaves claimed
 * deliveries that the delivery worker takes over when the claim expires; a crash before it
 * leaves nothing, and the rule's window, whose end is saved only after this, is run again. The
 * re-run finds the alert recorded and still writes the realert silence (the crash may have come
 * before it), so the next alert of the key is held back as it would have been.
 */
export async function deliverMatch(
  rule: RuleDefinition,
  ruleType: AnyRuleType,
  match: RuleMatch,
  nowMs: number,
  ctx: SendContext,
  log: Logger,
): Promise<DeliveryResult> {
  const key = matchSilenceKey(rule.name, rule.options, match.key);
  let built: AlertRecord | undefined;
  const pending: PendingAlert = {
    rule,
    key,
    nowMs,
    matchTimeMs: match.timestampMs,
    record: () => (built ??= alertRecord(rule, ruleType, match, nowMs)),
  };
  // Silences and realert, aggregation, flood guard (src/suppress): each may hold the match back.
  const held = await suppress(pending, ctx);
  if (held !== undefined) {
    log.debug({ key: match.key, outcome: held }, 'match held back');
    return held;
  }
  const record = pending.record();
  const keySilence = pending.silence;
  const deliveries = await ctx.stores.alerts.record(
    record,
    rule.alert.map((a) => a.type),
    nowMs,
  );
  if (!deliveries) {
    // Not silenced (checked above) yet recorded before: a crash came between the record and the
    // realert silence, or the silence ended. Either way the realert it would set is set now.
    if (rule.realertMs > 0) await setRealert(rule, key, keySilence, nowMs, ctx);
    return 'duplicate';
  }
  await ctx.hooks?.afterAlertRecorded?.();
  if (rule.realertMs > 0) await setRealert(rule, key, keySilence, nowMs, ctx);
  let allSent = deliveries.length > 0;
  for (const delivery of deliveries) {
    if ((await attemptDelivery(delivery, nowMs, ctx)) !== 'sent') allSent = false;
  }
  if (deliveries.length === 0) await ctx.stores.alerts.settle(record.id, true, undefined, nowMs);
  return allSent || deliveries.length === 0 ? 'sent' : 'failed';
}

/** The alert record of a match: fields, text and subject as the alerters will get them. */
function alertRecord(rule: RuleDefinition, ruleType: AnyRuleType, match: RuleMatch, nowMs: number): AlertRecord {
  const fields = alertFields(rule, matchFields(match));
  const matchString = prettyTimes(rule, ruleType.describeMatch(match));
  const text = buildAlertText(rule, fields, matchString);
  const kibana = kibanaDiscoverUrl(rule, fields, match.timestampMs);
  return {
    id: alertId(rule.name, match.key, match.timestampMs, typeof match.body._id === 'string' ? match.body._id : undefined),
    ruleName: rule.name,
    queryKey: match.key,
    matchBody: fields,
    alertInfo: {
      type: rule.type,
      file: rule.file,
      alerters: rule.alert.map((a) => a.type),
      match_string: matchString,
      ...(kibana ? { kibana_discover_url: kibana } : {}),
    },
    alertText: text.body,
    alertSubject: text.subject,
    matchTimeMs: match.timestampMs,
    alertTimeMs: nowMs,
    alertSent: false,
  };
}
