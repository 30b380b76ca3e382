/**
 * ElastAlert2's `yzj` alerter: the alert text to a Yunzhijia group robot,
 * `POST https://www.yunzhijia.com/gateway/robot/webhook/send?yzjtype=<type>&yzjtoken=<token>`
 * with `{"content": <alert text>}`; `yzj_custom_loc` replaces the host, as in ElastAlert2.
 *
 * Differences, on purpose: the robot answers HTTP 200 with `{"success": false, ...}` when it
 * refuses a message, which is a permanent failure here (ElastAlert2 counts it as sent); the text
 * loses bidi and control characters (plain text has no markup to escape) and is cut at 4,000
 * characters, as Yunzhijia documents no limit and its clients show no more. The token is part
 * of the URL and never shown.
 */
import { capText, displayText } from '../../src/alert/display.ts';
import { httpUrl } from '../http.ts';
import { codeCheck } from '../kit/answer.ts';
import { hostOption } from '../kit/host.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { yzjSchema } from './schema.ts';

interface YzjOptions {
  yzj_token: string;
  yzj_type?: number;
  yzj_custom_loc?: string;
}

export const YZJ_MAX_CHARS = 4000;

export const createYzjAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<YzjOptions>(yzjSchema, ref, rule);
  const url = httpUrl(rule, 'yzj_token', 'https://www.yunzhijia.com/gateway/robot/webhook/send');
  if (o.yzj_custom_loc !== undefined) url.host = hostOption(rule, 'yzj_custom_loc', o.yzj_custom_loc);
  url.searchParams.set('yzjtype', String(o.yzj_type ?? 0));
  url.searchParams.set('yzjtoken', o.yzj_token);

  const render = (alert: AlertPayload): unknown => ({ content: capText(alert.render(displayText).text, YZJ_MAX_CHARS) });

  return webhookAlerter(
    {
      type: 'yzj',
      urls: [url],
      transport: transportOf(rule, o, 'yzj'),
      render,
      headers: { Accept: 'application/json;charset=utf-8' },
      secrets: [o.yzj_token],
      check: codeCheck({ type: 'yzj', field: 'success', ok: [true], message: 'error', secrets: [o.yzj_token] }),
    },
    deps,
  );
};
