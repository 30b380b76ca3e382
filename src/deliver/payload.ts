import type { AlertPayload } from '../../alerters/types.ts';
import { buildAlertText } from '../alert/text.ts';
import type { RuleDefinition } from '../rules/types.ts';
import type { AlertRecord } from '../writeback/store.ts';

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
    render: (escape) => {
      const t = buildAlertText(rule, record.matchBody, matchString, { escape });
      return { subject: t.subject, text: t.body };
    },
    kibanaDiscoverUrl: typeof kibana === 'string' ? kibana : undefined,
  };
}
