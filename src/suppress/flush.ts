import { alertBody } from '../alert/text.ts';
import { summaryTable } from '../alert/summary.ts';
import { attemptDelivery, type SendContext } from '../deliver/send.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { AlertRecord } from '../store/alert-log.ts';
import type { FloodCounter } from './flood-guard.ts';
import { HOUR_MS, stableId } from './ids.ts';

/**
 * How far past a replayed range held-back alerts are flushed (backtest, test-rule, rule tests):
 * beyond any aggregation period or schedule (aggregationEnd looks at most ~4 years ahead).
 */
export const FLUSH_HORIZON_MS = 5 * 366 * 86_400_000;

/**
 * Sends what the noise controls held back once its time has come: each aggregation group as one
 * alert with the summary table, and each hour's flood-guard digest. Runs with every delivery pass.
 */
export async function flushNoiseControls(nowMs: number, ctx: SendContext): Promise<number> {
  let sent = 0;
  for (const [aggregateId, members] of await ctx.stores.alerts.dueAggregateMembers(nowMs)) {
    const first = members[0];
    if (!first) continue;
    const current = ctx.lookup(first.ruleName);
    if (!current) continue;
    const rule = current.rule;
    const bodies = members.map((m) => m.matchBody);
    const summary: AlertRecord = {
      id: aggregateId,
      ruleName: rule.name,
      queryKey: first.queryKey,
      matchBody: { ...first.matchBody, num_matches: members.length },
      alertInfo: {
        type: rule.type,
        file: rule.file,
        alerters: rule.alert.map((a) => a.type),
        kind: 'aggregate',
        members: members.map((m) => ({
          fields: m.matchBody,
          match_string: typeof m.alertInfo.match_string === 'string' ? m.alertInfo.match_string : '',
        })),
      },
      alertText:
        summaryTable(rule, bodies) +
        alertBody(
          rule,
          members.map((m) => ({
            fields: m.matchBody,
            matchString: typeof m.alertInfo.match_string === 'string' ? m.alertInfo.match_string : '',
          })),
        ),
      alertSubject: first.alertSubject,
      matchTimeMs: first.matchTimeMs,
      alertTimeMs: nowMs,
      alertSent: false,
    };
    sent += await recordAndSend(rule, summary, nowMs, ctx);
    await ctx.stores.alerts.markSent(
      members.map((m) => m.id),
      nowMs,
    );
  }
  for (const counter of await ctx.stores.control.due<FloodCounter>('flood_guard', nowMs)) {
    const current = ctx.lookup(counter.ruleName);
    if (counter.data.suppressed > 0 && current) {
      const rule = current.rule;
      const from = new Date(counter.endMs - HOUR_MS).toISOString();
      const to = new Date(counter.endMs).toISOString();
      const text = `${counter.data.suppressed} more matches of rule "${rule.name}" were held back between ${from} and ${to}: the rule already sent its ${counter.data.cap} alerts for that hour (max_alerts_per_hour). Every match is recorded in the writeback index.\n`;
      const digest: AlertRecord = {
        id: stableId('flood-digest', rule.name, counter.endMs),
        ruleName: rule.name,
        queryKey: undefined,
        matchBody: { suppressed_matches: counter.data.suppressed, max_alerts_per_hour: counter.data.cap, from, to },
        alertInfo: { type: rule.type, file: rule.file, alerters: rule.alert.map((a) => a.type), kind: 'flood_digest', text },
        alertText: text,
        alertSubject: `${rule.name}: ${counter.data.suppressed} more matches held back`,
        matchTimeMs: counter.endMs,
        alertTimeMs: nowMs,
        alertSent: false,
      };
      sent += await recordAndSend(rule, digest, nowMs, ctx);
    }
    await ctx.stores.control.delete(counter.id);
  }
  return sent;
}

async function recordAndSend(rule: RuleDefinition, record: AlertRecord, nowMs: number, ctx: SendContext): Promise<number> {
  const deliveries = await ctx.stores.alerts.record(
    record,
    rule.alert.map((a) => a.type),
    nowMs,
  );
  if (!deliveries) return 0;
  let sent = 0;
  for (const d of deliveries) if ((await attemptDelivery(d, nowMs, ctx)) === 'sent') sent++;
  return sent > 0 ? 1 : 0;
}
