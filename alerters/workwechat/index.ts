/**
 * ElastAlert2's `workwechat` alerter: the alert text to a WeCom (WeChat Work) group robot
 * (`POST https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=<bot id>`) as a `text` or
 * `markdown` message.
 *
 * Differences, on purpose:
 * - WeCom answers HTTP 200 with `{"errcode": ..., "errmsg": ...}`: anything but 0 is a failure
 *   (ElastAlert2 counts it as sent); 45009 (more than 20 messages a minute) is retryable.
 * - Text mentions only through `mentioned_list`, which is never sent. In Markdown, document
 *   values are backslash-escaped, so `<@userid>`, links, `<font>` and formatting stay text.
 * - Content is cut at WeCom's documented 2,048 bytes (text) and 4,096 bytes (markdown).
 */
import { capBytes, displayText } from '../../src/alert/display.ts';
import { escapeMarkdown } from '../../src/escape/index.ts';
import { httpUrl } from '../http.ts';
import { codeCheck } from '../kit/answer.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { workwechatSchema } from './schema.ts';

interface WorkWechatOptions {
  work_wechat_bot_id: string;
  work_wechat_msgtype?: 'text' | 'markdown';
  work_wechat_api_url?: string;
}

export const WORKWECHAT_LIMITS = { text: 2048, markdown: 4096 } as const;

export const createWorkWechatAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<WorkWechatOptions>(workwechatSchema, ref, rule);
  const url = httpUrl(rule, 'work_wechat_api_url', o.work_wechat_api_url ?? 'https://qyapi.weixin.qq.com/cgi-bin/webhook/send');
  url.searchParams.set('key', o.work_wechat_bot_id);
  const type = o.work_wechat_msgtype ?? 'text';

  const render = (alert: AlertPayload): unknown => {
    const content = capBytes(alert.render(type === 'markdown' ? escapeMarkdown : displayText).text, WORKWECHAT_LIMITS[type]);
    return { msgtype: type, [type]: { content } };
  };

  return webhookAlerter(
    {
      type: 'workwechat',
      urls: [url],
      transport: transportOf(rule, o, 'work_wechat'),
      render,
      headers: { Accept: 'application/json;charset=utf-8' },
      secrets: [o.work_wechat_bot_id],
      check: codeCheck({
        type: 'workwechat',
        field: 'errcode',
        ok: [0],
        retryable: [45009, -1],
        message: 'errmsg',
        secrets: [o.work_wechat_bot_id],
      }),
    },
    deps,
  );
};
