/**
 * ElastAlert2's `mattermost` alerter: a Slack-compatible incoming-webhook post
 * (https://developers.mattermost.com/integrate/webhooks/incoming/) to each webhook URL, once per
 * `mattermost_channel_override` entry, built as ElastAlert2 builds it: username and icon
 * overrides, one attachment with title, pretext, colour, fields and the optional extras, the
 * alert text as the message (in the attachment with `alert_text_type: alert_text_only`), and an
 * attachment with the Kibana Discover link when asked.
 *
 * Differences, on purpose:
 * - Document values are escaped for Mattermost (escapeMattermost): no Markdown, no masked links,
 *   no @channel / @here / @all / @user or Slack-style <!channel> mentions from a log line.
 * - Text is cut at Mattermost's 16,383 characters with a visible truncation mark.
 * - Field `args` values go through the same escaping; a missing one is alert_missing_value.
 * - The OpenSearch Discover options are not offered (LogWarden runs on Elasticsearch).
 */
import { capText } from '../../src/alert/display.ts';
import { escapeMattermost, escapeSafeCut } from '../../src/escape/index.ts';
import { formatPython, lookupField, pyStr, pyTruthy } from '../../src/pycompat/index.ts';
import { checkFormat, httpUrls, missingValue } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { mattermostSchema } from './schema.ts';

interface MsgField {
  title?: string;
  value?: string;
  short?: boolean;
  args?: string[];
}

interface MattermostOptions {
  mattermost_webhook_url: string | string[];
  mattermost_username_override?: string;
  mattermost_channel_override?: string | string[];
  mattermost_emoji_override?: string;
  mattermost_icon_url_override?: string;
  mattermost_msg_pretext?: string;
  mattermost_msg_color?: string;
  mattermost_msg_fields?: MsgField[];
  mattermost_attach_kibana_discover_url?: boolean;
  mattermost_kibana_discover_color?: string;
  mattermost_kibana_discover_title?: string;
}

/** Mattermost's default maximum post size (characters). */
export const MATTERMOST_MAX_CHARS = 16_383;

/** Attachment extras copied as written when set (the rule author's text and URLs). */
const EXTRAS = [
  'title',
  'title_link',
  'footer',
  'footer_icon',
  'image_url',
  'thumb_url',
  'author_name',
  'author_link',
  'author_icon',
] as const;

export const createMattermostAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<MattermostOptions>(mattermostSchema, ref, rule);
  const fields = o.mattermost_msg_fields ?? [];
  fields.forEach((f, i) => {
    if (f.args && f.value !== undefined) checkFormat(rule, `mattermost_msg_fields[${i}].value`, f.value, f.args.length);
  });
  const channels = o.mattermost_channel_override === undefined ? [''] : [o.mattermost_channel_override].flat();
  const missing = missingValue(rule);
  const cap = (text: string): string => capText(text, MATTERMOST_MAX_CHARS, escapeSafeCut);

  const fieldOf = (f: MsgField, alert: AlertPayload): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...f };
    delete out['args'];
    if (f.args) {
      // ElastAlert2: a falsy value is the missing marker; both are shown as text ("<MISSING VALUE>" too).
      const values = f.args.map((arg) => {
        const v = lookupField(alert.match, arg);
        return escapeMattermost(pyTruthy(v) ? pyStr(v) : missing);
      });
      out['value'] = f.value !== undefined ? formatPython(f.value, values) : values.join('\n');
    }
    return out;
  };

  const render = (alert: AlertPayload): Record<string, unknown> => {
    const shown = alert.render(escapeMattermost);
    const pretext = o.mattermost_msg_pretext ?? '';
    const attachment: Record<string, unknown> = {
      fallback: cap(`${shown.subject}: ${pretext}`),
      color: o.mattermost_msg_color ?? 'danger',
      title: cap(shown.subject),
      pretext,
      fields: fields.map((f) => fieldOf(f, alert)),
    };
    for (const extra of EXTRAS) {
      const value = o[`mattermost_${extra}`];
      if (typeof value === 'string' && value !== '') attachment[extra] = value;
    }
    const payload: Record<string, unknown> = { username: o.mattermost_username_override ?? 'elastalert', attachments: [attachment] };
    if (rule.options['alert_text_type'] === 'alert_text_only') attachment['text'] = cap(shown.text);
    else payload['text'] = cap(shown.text);
    if (o.mattermost_icon_url_override) payload['icon_url'] = o.mattermost_icon_url_override;
    else payload['icon_emoji'] = o.mattermost_emoji_override ?? ':ghost:';
    if (o.mattermost_attach_kibana_discover_url && alert.kibanaDiscoverUrl) {
      (payload['attachments'] as unknown[]).push({
        color: o.mattermost_kibana_discover_color ?? '#ec4b98',
        title: o.mattermost_kibana_discover_title ?? 'Discover in Kibana',
        title_link: alert.kibanaDiscoverUrl,
      });
    }
    return payload;
  };

  return webhookAlerter(
    {
      type: 'mattermost',
      urls: httpUrls(rule, 'mattermost_webhook_url', o.mattermost_webhook_url),
      transport: transportOf(rule, o, 'mattermost'),
      render,
      // ElastAlert2 always sets channel: '' posts to the webhook's own channel.
      variants: channels.map((channel) => ({ channel })),
    },
    deps,
  );
};
