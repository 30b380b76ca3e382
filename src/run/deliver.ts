import { kibanaDiscoverUrl } from '../alert/kibana.ts';
import { alertFields } from '../alert/match-root.ts';
import { prettyTimes } from '../alert/times.ts';
import { buildAlertText } from '../alert/text.ts';
import { attemptDelivery, type SendContext } from '../deliver/send.ts';
import type { Logger } from '../log.ts';
import type { RuleDefinition, RuleMatch } from '../rules/types.ts';
import { matchFields } from '../ruletypes/rule-type.ts';
import { isSilenced, matchSilenceKey, nextSilence, ruleSilenceKey } from '../suppress/realert.ts';
import { aggregationOf } from '../suppress/aggregation.ts';
import { alertId, type AlertRecord } from '../store/alert-log.ts';
import type { Silence } from '../store/silences.ts';
import { floodCap, holdForAggregation, passFloodGuard } from './noise.ts';
import type { MatchOutcome } from '../observe.ts';
import type { AnyRuleType } from './evaluate.ts';

export type DeliveryResult = MatchOutcome;

async function setRealert(rule: RuleDefinition, key: string, previous: Silence | undefined, nowMs: number, ctx: SendContext): Promise<void> {
  const next = nextSilence(previous, rule.realertMs, rule.exponentialRealertMs, nowMs);
  await ctx.stores.silences.set({ key, untilMs: next.untilMs, exponent: next.exponent }, nowMs);
}

/**
 * Suppression and alerting for one match, in an order that loses nothing across a crash:
 * silence check → alert and its deliveries recorded in one bulk request (claimed, unsent) →
 * realert silence written → each alerter attempted. A crash after the record leaves claimed
 * deliveries that the delivery worker takes over when the claim expires; a crash before it
 * leaves nothing, and the rule's window, whose end is saved only after this, is run again. The
 * re-run finds the alert recorded and still writes the realert silence (the crash may have come
 * before it), so the next alert of the key is held back as it would have been.
 */
export async function deliverMatch(rule: RuleDefinition, ruleType: AnyRuleType, match: RuleMatch, nowMs: number, ctx: SendContext, log: Logger): Promise<DeliveryResult> {
  const key = matchSilenceKey(rule.name, rule.options, match.key);
  // A whole-rule silence (logwarden silence --rule) and the realert silence of this key.
  const ruleSilence = await ctx.stores.silences.get(ruleSilenceKey(rule.name));
  const keySilence = await ctx.stores.silences.get(key);
  if (isSilenced(ruleSilence, nowMs)) return 'suppressed_silence';
  if (isSilenced(keySilence, nowMs)) {
    log.debug({ key: match.key }, 'match suppressed by realert or silence');
    // A silence someone set by hand carries a reason; realert's own do not.
    return keySilence?.reason ? 'suppressed_silence' : 'suppressed_realert';
  }
  const fields = alertFields(rule, matchFields(match));
  const matchString = prettyTimes(rule, ruleType.describeMatch(match));
  const text = buildAlertText(rule, fields, matchString);
  const kibana = kibanaDiscoverUrl(rule, fields, match.timestampMs);
  const record: AlertRecord = {
    id: alertId(rule.name, match.key, match.timestampMs, typeof match.body._id === 'string' ? match.body._id : undefined),
    ruleName: rule.name,
    queryKey: match.key,
    matchBody: fields,
    alertInfo: {
      type: rule.type, file: rule.file, alerters: rule.alert.map((a) => a.type), match_string: matchString,
      ...(kibana ? { kibana_discover_url: kibana } : {}),
    },
    alertText: text.body,
    alertSubject: text.subject,
    matchTimeMs: match.timestampMs,
    alertTimeMs: nowMs,
    alertSent: false,
  };
  const aggregation = aggregationOf(rule);
  if (aggregation) {
    // Held first, realert after: with realert first, a crash in between silenced the key and
    // the re-run dropped the match. A re-run that finds it held ('duplicate') writes realert too.
    const held = await holdForAggregation(rule, aggregation, record, rule.options.aggregate_by_match_time === true ? match.timestampMs : nowMs, ctx);
    if (rule.realertMs > 0) await setRealert(rule, key, keySilence, nowMs, ctx);
    return held;
  }
  const cap = floodCap(rule);
  if (cap !== undefined && !(await passFloodGuard(rule, cap, nowMs, ctx))) {
    // Recorded, never sent: the hour's digest accounts for it.
    const created = await ctx.stores.alerts.record({ ...record, alertException: `held back by the flood guard (max_alerts_per_hour: ${cap})` }, [], nowMs);
    return created ? 'suppressed_flood' : 'duplicate';
  }
  const deliveries = await ctx.stores.alerts.record(record, rule.alert.map((a) => a.type), nowMs);
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
