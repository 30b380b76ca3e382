/**
 * ElastAlert2's `servicenow` alerter: an incident through ServiceNow's Table API
 * (`POST <servicenow_rest_url>`, e.g. `https://<instance>.service-now.com/api/now/table/incident`,
 * with basic auth), with ElastAlert2's fields: description (the alert text), short_description,
 * comments, assignment_group, category, subcategory, cmdb_ci, caller_id, impact and urgency when
 * set, and every `servicenow_arg_<field>` as `<field>`.
 *
 * Differences, on purpose: the description loses bidi and control characters and is cut at
 * 4,000 characters, the incident table's default length for it (ServiceNow would cut it silently);
 * a `servicenow_arg_` value must be text, a number or a boolean. ServiceNow has no idempotency
 * key: an attempt whose answer was lost and is retried opens a second incident.
 */
import { capText, displayText } from '../../src/alert/display.ts';
import { httpUrl, setOwn } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import { alerterOptions, optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { servicenowSchema } from './schema.ts';

const FIXED = ['short_description', 'comments', 'assignment_group', 'category', 'subcategory', 'cmdb_ci', 'caller_id'] as const;
type Options = Record<(typeof FIXED)[number] | 'servicenow_rest_url' | 'username' | 'password', string> & {
  servicenow_impact?: number;
  servicenow_urgency?: number;
};

export const SERVICENOW_DESCRIPTION_CHARS = 4000;
const ARG = 'servicenow_arg_';

export const createServiceNowAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<Options>(servicenowSchema, ref, rule);
  const fields: Record<string, unknown> = {};
  for (const field of FIXED) fields[field] = o[field];
  if (o.servicenow_impact !== undefined) fields['impact'] = o.servicenow_impact;
  if (o.servicenow_urgency !== undefined) fields['urgency'] = o.servicenow_urgency;
  for (const [option, value] of Object.entries(alerterOptions(ref, rule))) {
    if (!option.startsWith(ARG) || value === null || value === undefined) continue;
    if (option.length === ARG.length || !['string', 'number', 'boolean'].includes(typeof value))
      throw optionError(rule, option, 'must name an incident field and give it text, a number or a boolean');
    setOwn(fields, option.slice(ARG.length), value);
  }

  const render = (alert: AlertPayload): unknown => {
    const body: Record<string, unknown> = { description: capText(displayText(alert.text), SERVICENOW_DESCRIPTION_CHARS) };
    for (const [k, v] of Object.entries(fields)) setOwn(body, k, v);
    return body;
  };

  return webhookAlerter(
    {
      type: 'servicenow',
      urls: [httpUrl(rule, 'servicenow_rest_url', o.servicenow_rest_url)],
      transport: transportOf(rule, o, 'servicenow'),
      render,
      headers: {
        Accept: 'application/json;charset=utf-8',
        Authorization: `Basic ${Buffer.from(`${o.username}:${o.password}`).toString('base64')}`,
      },
      secrets: [o.password, Buffer.from(`${o.username}:${o.password}`).toString('base64')],
    },
    deps,
  );
};
