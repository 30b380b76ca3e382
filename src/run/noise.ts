import { createHash } from 'node:crypto';
import { alertBody } from '../alert/text.ts';
import { summaryTable } from '../alert/summary.ts';
import { attemptDelivery, type SendContext } from '../deliver/send.ts';
import type { RuleDefinition } from '../rules/types.ts';
import { aggregationEnd, aggregationKeyValue, type AggregationSpec } from '../suppress/aggregation.ts';
import type { AlertRecord } from '../store/alert-log.ts';

const HOUR = 3_600_000;
const hash = (...parts: unknown[]): string => createHash('sha256').update(JSON.stringify(parts)).digest('base64url').slice(0, 32);

interface OpenGroups {
  groups: Record<string, { id: string; endMs: number }>;
}

/**
 * Holds a match for its aggregation (ElastAlert2's add_aggregated_alert): it joins the open group
 * of its aggregation_key value, or opens one that ends a period (or at the next scheduled time)
 * after `tMs`. The match is recorded with the group's id and sent with the group when it ends.
 * Open groups are kept in the writeback store, so a restart inside a period still sends one alert.
 */
export async function holdForAggregation(rule: RuleDefinition, spec: AggregationSpec, record: AlertRecord, tMs: number, ctx: SendContext): Promise<'aggregated' | 'duplicate'> {
  const key = aggregationKeyValue(rule, record.matchBody);
  const id = `aggregation:${rule.name}`;
  let group: { id: string; endMs: number } | undefined;
  for (let attempt = 0; attempt < 5 && !group; attempt++) {
    const doc = await ctx.stores.control.get<OpenGroups>(id);
    const open = doc?.data.groups[key];
    if (open && open.endMs > tMs) {
      group = open;
      break;
    }
    const fresh = { id: hash('aggregate', rule.name, key, tMs), endMs: aggregationEnd(spec, tMs) };
    const groups = { ...(doc?.data.groups ?? {}), [key]: fresh };
    // Drop groups that ended long ago, so the document stays small.
    for (const [k, g] of Object.entries(groups)) if (g.endMs < tMs - 24 * HOUR) delete groups[k];
    const endMs = Math.min(...Object.values(groups).map((g) => g.endMs));
    if (await ctx.stores.control.put({ id, kind: 'aggregation', ruleName: rule.name, endMs, data: { groups } }, tMs, doc ? { seqNo: doc.seqNo, primaryTerm: doc.primaryTerm } : 'absent')) group = fresh;
  }
  if (!group) throw new Error(`rule "${rule.name}": could not open an aggregation group (concurrent updates)`);
  const created = await ctx.stores.alerts.record({ ...record, aggregateId: group.id, alertTimeMs: group.endMs }, [], tMs);
  return created ? 'aggregated' : 'duplicate';
}

interface FloodCounter {
  sent: number;
  suppressed: number;
  cap: number;
}

/** The rule's max_alerts_per_hour (rule option, or the global default in config.yaml). */
export function floodCap(rule: RuleDefinition): number | undefined {
  const cap = rule.options.max_alerts_per_hour;
  return typeof cap === 'number' && cap >= 1 ? cap : undefined;
}

/**
 * The flood guard (ours; ElastAlert2 has none): at most `max_alerts_per_hour` alerts per rule per
 * clock hour. Past the cap a match is still recorded, but instead of being sent it is counted,
 * and one digest per hour tells how many were held back. Returns whether this alert may be sent.
 */
export async function passFloodGuard(rule: RuleDefinition, cap: number, tMs: number, ctx: SendContext): Promise<boolean> {
  const hourStart = Math.floor(tMs / HOUR) * HOUR;
  const id = `flood:${rule.name}:${new Date(hourStart).toISOString()}`;
  for (let attempt = 0; attempt < 10; attempt++) {
    const doc = await ctx.stores.control.get<FloodCounter>(id);
    const counter = doc?.data ?? { sent: 0, suppressed: 0, cap };
    const allowed = counter.sent < cap;
    const next = allowed ? { ...counter, sent: counter.sent + 1 } : { ...counter, suppressed: counter.suppressed + 1 };
    if (await ctx.stores.control.put({ id, kind: 'flood_guard', ruleName: rule.name, endMs: hourStart + HOUR, data: next }, tMs, doc ? { seqNo: doc.seqNo, primaryTerm: doc.primaryTerm } : 'absent')) {
      return allowed;
    }
  }
  throw new Error(`rule "${rule.name}": could not update the flood guard counter (concurrent updates)`);
}

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
        type: rule.type, file: rule.file, alerters: rule.alert.map((a) => a.type), kind: 'aggregate',
        members: members.map((m) => ({ fields: m.matchBody, match_string: typeof m.alertInfo.match_string === 'string' ? m.alertInfo.match_string : '' })),
      },
      alertText: summaryTable(rule, bodies) + alertBody(rule, members.map((m) => ({ fields: m.matchBody, matchString: typeof m.alertInfo.match_string === 'string' ? m.alertInfo.match_string : '' }))),
      alertSubject: first.alertSubject,
      matchTimeMs: first.matchTimeMs,
      alertTimeMs: nowMs,
      alertSent: false,
    };
    sent += await recordAndSend(rule, summary, nowMs, ctx);
    await ctx.stores.alerts.markSent(members.map((m) => m.id), nowMs);
  }
  for (const counter of await ctx.stores.control.due<FloodCounter>('flood_guard', nowMs)) {
    const current = ctx.lookup(counter.ruleName);
    if (counter.data.suppressed > 0 && current) {
      const rule = current.rule;
      const from = new Date(counter.endMs - HOUR).toISOString();
      const to = new Date(counter.endMs).toISOString();
      const text = `${counter.data.suppressed} more matches of rule "${rule.name}" were held back between ${from} and ${to}: the rule already sent its ${counter.data.cap} alerts for that hour (max_alerts_per_hour). Every match is recorded in the writeback index.\n`;
      const digest: AlertRecord = {
        id: hash('flood-digest', rule.name, counter.endMs), ruleName: rule.name, queryKey: undefined,
        matchBody: { suppressed_matches: counter.data.suppressed, max_alerts_per_hour: counter.data.cap, from, to },
        alertInfo: { type: rule.type, file: rule.file, alerters: rule.alert.map((a) => a.type), kind: 'flood_digest', text },
        alertText: text, alertSubject: `${rule.name}: ${counter.data.suppressed} more matches held back`,
        matchTimeMs: counter.endMs, alertTimeMs: nowMs, alertSent: false,
      };
      sent += await recordAndSend(rule, digest, nowMs, ctx);
    }
    await ctx.stores.control.delete(counter.id);
  }
  return sent;
}

async function recordAndSend(rule: RuleDefinition, record: AlertRecord, nowMs: number, ctx: SendContext): Promise<number> {
  const deliveries = await ctx.stores.alerts.record(record, rule.alert.map((a) => a.type), nowMs);
  if (!deliveries) return 0;
  let sent = 0;
  for (const d of deliveries) if ((await attemptDelivery(d, nowMs, ctx)) === 'sent') sent++;
  return sent > 0 ? 1 : 0;
}
