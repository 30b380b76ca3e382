import type { Alerter, AlerterFactory, AlertPayload } from '../types.ts';

/** Logs the alert as one structured line (ElastAlert2's debug alerter logs at info level). */
export const createDebugAlerter: AlerterFactory = (_ref, rule, deps): Alerter => ({
  type: 'debug',
  async send(alert: AlertPayload): Promise<void> {
    deps.log.info(
      { rule: rule.name, alert_id: alert.alertId, query_key: alert.queryKey, subject: alert.subject, match: alert.match },
      `Alert for ${rule.name}`,
    );
  },
});
