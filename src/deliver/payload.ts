import type { AlertPayload } from '../../alerters/types.ts';
import { summaryTable } from '../alert/summary.ts';
import { alertBody, buildAlertText } from '../alert/text.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { AlertRecord } from '../store/alert-log.ts';

interface AggregateMember {
  fields: Record<string, unknown>;
  match_string: string;
}

/** Text of a recorded alert for one medium: one match, an aggregation (summary table + matches), or a digest. */
function renderRecord(
  rule: RuleDefinition,
  record: AlertRecord,
  matchString: string,
  escape: (s: string) => string,
): { subject: string; text: string } {
  const info = record.alertInfo;
  if (info.kind === 'flood_digest')
    return { subject: escape(record.alertSubject), text: typeof info.text === 'string' ? info.text : record.alertText };
  const single = buildAlertText(rule, record.matchBody, matchString, { escape });
  if (info.kind !== 'aggregate' || !Array.isArray(info.members)) return { subject: single.subject, text: single.body };
  const members = info.members as AggregateMember[];
  const text =
    summaryTable(
      rule,
      members.map((m) => m.fields),
      escape,
    ) +
    alertBody(
      rule,
      members.map((m) => ({ fields: m.fields, matchString: m.match_string })),
      { escape },
    );
  return { subject: single.subject, text };
}

/**
 * The payload alerters receive, rebuilt from the recorded alert so a retry after a restart
 * sends what the first attempt would have sent. `render` escapes only document-derived values.
 */
export function payloadFor(rule: RuleDefinition, record: AlertRecord): AlertPayload {
  const matchString = typeof record.alertInfo.match_string === 'string' ? record.alertInfo.match_string : '';
  const kibana = record.alertInfo.kibana_discover_url;
  return {
    alertId: record.id,
    ruleName: rule.name,
    ruleFile: rule.file,
    subject: record.alertSubject,
    text: record.alertText,
    queryKey: record.queryKey,
    matchTimeMs: record.matchTimeMs,
    match: record.matchBody,
    severity: typeof rule.options.severity === 'string' ? rule.options.severity : undefined,
    render: (escape) => renderRecord(rule, record, matchString, escape),
    kibanaDiscoverUrl: typeof kibana === 'string' ? kibana : undefined,
  };
}
