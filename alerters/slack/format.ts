/**
 * What a Slack alert looks like, for both transports, and the escaping that keeps log data inert.
 *
 * Security: anything that comes from a log document is attacker-controlled. Slack treats `&`, `<`
 * and `>` as control characters (`<!channel>`, `<@U123>`, `<https://x|label>`), so every
 * document-derived value goes through `escapeMrkdwn` (via `AlertPayload.render`, or directly for
 * field values and keys). The rule author's own text (alert_text, slack_title, slack_text_string,
 * slack_msg_pretext, slack_footer, ...) is kept as written: a rule may say `<!here>` on purpose.
 * mrkdwn text objects are sent with `verbatim: true` so that Slack does not auto-link bare channel
 * names or mentions found in log data either (manual `<...>` syntax from the rule still works).
 */
import type { AlertPayload } from '../types.ts';
import { escapeMrkdwn } from '../../src/escape/index.ts';
import { lookupField, pyStr } from '../../src/pycompat/index.ts';
import type { SlackOptions, SlackAlertField } from './options.ts';

export { escapeMrkdwn };

/** Slack's Block Kit limits (https://docs.slack.dev/reference/block-kit/blocks). */
export const LIMITS = {
  headerText: 150,
  sectionText: 3000,
  fieldText: 2000,
  fieldsPerSection: 10,
  /** Our cap: three sections of fields; more would crowd out the alert text under the 50-block limit. */
  fields: 30,
  contextElements: 10,
  buttonText: 75,
  buttonUrl: 3000,
  blocksPerMessage: 50,
  /** Our own cap on the alert text in Block Kit: long enough for any real alert, far below msg_too_long. */
  blockBodyText: 12_000,
  /** Legacy attachment text (webhooks): Slack refuses messages over 40,000 characters. */
  attachmentText: 30_000,
} as const;

const ELLIPSIS = '…';

/**
 * Where `text` may be cut at or before `at` without splitting a UTF-16 surrogate pair or an
 * entity written by `escapeMrkdwn` (a cut `&amp;` would show as a stray "&am").
 */
function safeCut(text: string, at: number): number {
  let cut = Math.max(0, Math.min(at, text.length));
  const code = text.charCodeAt(cut - 1);
  if (code >= 0xd800 && code <= 0xdbff) cut--;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && amp > cut - 5) {
    const entity = /^&(?:amp|lt|gt);/.exec(text.slice(amp, amp + 5));
    if (entity && amp + entity[0].length > cut) cut = amp;
  }
  return cut;
}

/** `text` cut to at most `max` UTF-16 units (Slack counts characters, never fewer), marked with "…". */
export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, safeCut(text, max - ELLIPSIS.length)) + ELLIPSIS;
}

/**
 * Splits `text` into at most `maxChunks` pieces of at most `size` units, preferring line breaks;
 * the last piece is truncated (with "…") when the text does not fit. Empty pieces are dropped
 * because Slack refuses empty text objects.
 */
export function chunkText(text: string, size: number, maxChunks: number): string[] {
  const chunks: string[] = [];
  let rest = text;
  while (rest.length > 0 && chunks.length < maxChunks) {
    if (rest.length <= size) {
      chunks.push(rest);
      rest = '';
      break;
    }
    if (chunks.length === maxChunks - 1) {
      chunks.push(truncate(rest, size));
      rest = '';
      break;
    }
    const newline = rest.lastIndexOf('\n', size - 1);
    // A line break in the second half of the window keeps lines whole; otherwise cut mid-line.
    const cut = newline >= size / 2 ? newline + 1 : safeCut(rest, size);
    chunks.push(rest.slice(0, cut));
    rest = rest.slice(cut);
  }
  return chunks.map((c) => c.replace(/\s+$/, '')).filter((c) => c.length > 0);
}

/** Attachment colour: slack_msg_color when given, else by the rule's severity; ElastAlert2's default is "danger". */
export function severityColor(severity: string | undefined, explicit: string | undefined): string {
  if (explicit) return explicit;
  switch (severity?.trim().toLowerCase()) {
    case 'medium':
    case 'moderate':
    case 'warning':
    case 'warn':
      return 'warning';
    case 'low':
    case 'info':
    case 'informational':
    case 'notice':
      return '#439fe0';
    default:
      return 'danger';
  }
}

/** A field shown in the message; `title` and `value` are ready for mrkdwn (document data escaped). */
export interface FieldEntry {
  title: string;
  value: string;
  short: boolean;
}

function fieldValue(value: unknown, missing: string): string {
  return value === undefined || value === null ? missing : pyStr(value);
}

function missingValue(ruleOptions: Readonly<Record<string, unknown>>): string {
  const v = ruleOptions['alert_missing_value'];
  return typeof v === 'string' ? v : '<MISSING VALUE>';
}

/** How many match fields the Block Kit layout shows when slack_alert_fields is not given. */
const DEFAULT_FIELD_COUNT = 6;
/** Bookkeeping fields of a match that say nothing about the event. */
const NOISE_FIELDS = new Set(['_id', '_index', '_type', '@timestamp', 'num_hits', 'num_matches']);

/**
 * ElastAlert2's slack_alert_fields: each `value` names a match field (dotted paths work), looked up
 * and escaped; the title is the rule author's. Without them, and only when `defaults` is set (the
 * Block Kit layout; webhooks keep ElastAlert2's "no fields"): the query_key, then the rule's
 * `include` fields, then the first plain match fields, up to six in all.
 */
export function alertFields(
  alert: AlertPayload,
  configured: readonly SlackAlertField[] | undefined,
  ruleOptions: Readonly<Record<string, unknown>>,
  defaults: { queryKeyFields: readonly string[] | undefined; timestampField: string } | undefined,
): FieldEntry[] {
  const missing = missingValue(ruleOptions);
  if (configured) {
    return configured.map((f) => ({
      title: f.title,
      value: escapeMrkdwn(fieldValue(lookupField(alert.match, f.value), missing)),
      short: f.short,
    }));
  }
  if (!defaults) return [];
  const fields: FieldEntry[] = [];
  const shown = new Set<string>([...NOISE_FIELDS, defaults.timestampField]);
  const qk = defaults.queryKeyFields;
  if (qk && qk.length > 0 && alert.queryKey !== undefined) {
    fields.push({ title: escapeMrkdwn(qk.join(', ')), value: escapeMrkdwn(alert.queryKey), short: true });
    for (const f of qk) shown.add(f);
  }
  const include = Array.isArray(ruleOptions['include'])
    ? ruleOptions['include'].filter((f): f is string => typeof f === 'string' && f !== '*')
    : [];
  const candidates = [...include, ...Object.keys(alert.match)];
  for (const name of candidates) {
    if (fields.length >= DEFAULT_FIELD_COUNT) break;
    if (shown.has(name) || name.startsWith('top_events_')) continue;
    shown.add(name);
    const value = lookupField(alert.match, name);
    // Nested objects and lists belong to the alert text; a field is one short value.
    if (typeof value !== 'string' && typeof value !== 'number' && typeof value !== 'boolean') continue;
    fields.push({ title: escapeMrkdwn(name), value: escapeMrkdwn(fieldValue(value, missing)), short: true });
  }
  return fields;
}

// Block Kit, as sent (a subset of @slack/types, kept here so tests can compare exact payloads).
export interface PlainText {
  type: 'plain_text';
  text: string;
  emoji?: boolean;
}
export interface Mrkdwn {
  type: 'mrkdwn';
  text: string;
  verbatim: boolean;
}
export interface ImageElement {
  type: 'image';
  image_url: string;
  alt_text: string;
}
export interface ButtonElement {
  type: 'button';
  text: PlainText;
  url: string;
  action_id: string;
}
export type SlackBlock =
  | { type: 'header'; text: PlainText }
  | { type: 'section'; text: Mrkdwn; accessory?: ImageElement }
  | { type: 'section'; fields: Mrkdwn[] }
  | { type: 'context'; elements: (Mrkdwn | ImageElement)[] }
  | { type: 'image'; image_url: string; alt_text: string }
  | { type: 'actions'; elements: ButtonElement[] };

export interface BlockAttachment {
  color: string;
  fallback: string;
  blocks: SlackBlock[];
}

/** The chat.postMessage body without channel and thread. */
export interface BlockMessage {
  text: string;
  blocks: SlackBlock[];
  attachments: BlockAttachment[];
}

const mrkdwn = (text: string): Mrkdwn => ({ type: 'mrkdwn', text, verbatim: true });
const section = (text: string): SlackBlock => ({ type: 'section', text: mrkdwn(truncate(text, LIMITS.sectionText)) });

export interface RenderedAlert {
  /** Subject and text with document values escaped (AlertPayload.render(escapeMrkdwn)). */
  subject: string;
  text: string;
}

/** Context the message shows besides the alert's own text. */
export interface MessageContext {
  ruleName: string;
  queryKeyFields: readonly string[] | undefined;
  timestampField: string;
  ruleOptions: Readonly<Record<string, unknown>>;
}

/**
 * The Web API message: a header with the title, the rule's slack_text_string / slack_msg_pretext,
 * the alert text (in 3,000-character sections), then a coloured attachment holding the key
 * fields, severity/rule/time, the optional image and the "Discover in Kibana" / title-link buttons,
 * and the footer. Mentions the rule author wrote go in top-level blocks so that they notify.
 */
export function buildBlockMessage(alert: AlertPayload, rendered: RenderedAlert, opts: SlackOptions, ctx: MessageContext): BlockMessage {
  const title = opts.title ?? rendered.subject;
  const blocks: SlackBlock[] = [
    { type: 'header', text: { type: 'plain_text', text: truncate(title.trim() || ctx.ruleName, LIMITS.headerText), emoji: true } },
  ];
  if (opts.textString) blocks.push(section(opts.textString));
  if (opts.pretext) blocks.push(section(opts.pretext));

  const details: SlackBlock[] = [];
  if (opts.authorName) {
    const elements: (Mrkdwn | ImageElement)[] = [];
    if (opts.authorIcon) elements.push({ type: 'image', image_url: opts.authorIcon, alt_text: 'author' });
    elements.push(mrkdwn(opts.authorLink ? `<${opts.authorLink}|${opts.authorName}>` : opts.authorName));
    details.push({ type: 'context', elements });
  }
  let fields = alertFields(alert, opts.alertFields, ctx.ruleOptions, {
    queryKeyFields: ctx.queryKeyFields,
    timestampField: ctx.timestampField,
  });
  if (fields.length > LIMITS.fields) {
    const hidden = fields.length - LIMITS.fields + 1;
    fields = [...fields.slice(0, LIMITS.fields - 1), { title: '…', value: `${hidden} more fields not shown`, short: true }];
  }
  for (let i = 0; i < fields.length; i += LIMITS.fieldsPerSection) {
    details.push({
      type: 'section',
      fields: fields.slice(i, i + LIMITS.fieldsPerSection).map((f) => mrkdwn(truncate(`*${f.title}*\n${f.value}`, LIMITS.fieldText))),
    });
  }
  const when = new Date(alert.matchTimeMs).toISOString();
  // <!date^...> shows the time in each reader's time zone; the ISO text is the fallback.
  const meta = [
    `*Rule:* ${escapeMrkdwn(ctx.ruleName)}`,
    `*Time:* <!date^${Math.floor(alert.matchTimeMs / 1000)}^{date_num} {time_secs}|${when}>`,
  ];
  if (alert.severity) meta.unshift(`*Severity:* ${escapeMrkdwn(alert.severity)}`);
  details.push({ type: 'context', elements: meta.map((m) => mrkdwn(truncate(m, LIMITS.sectionText))) });
  if (opts.imageUrl) details.push({ type: 'image', image_url: opts.imageUrl, alt_text: 'image' });
  const buttons: ButtonElement[] = [];
  const kibanaUrl = alert.kibanaDiscoverUrl;
  // A longer URL would make Slack refuse the whole message; the alert matters more than the link.
  if (opts.kibana.attach && kibanaUrl && kibanaUrl.length <= LIMITS.buttonUrl) {
    buttons.push({
      type: 'button',
      text: { type: 'plain_text', text: truncate(opts.kibana.title, LIMITS.buttonText) },
      url: kibanaUrl,
      action_id: 'logwarden_kibana_discover',
    });
  }
  if (opts.titleLink) {
    buttons.push({ type: 'button', text: { type: 'plain_text', text: 'Details' }, url: opts.titleLink, action_id: 'logwarden_title_link' });
  }
  if (buttons.length > 0) details.push({ type: 'actions', elements: buttons });
  if (opts.footer) {
    const elements: (Mrkdwn | ImageElement)[] = [];
    if (opts.footerIcon) elements.push({ type: 'image', image_url: opts.footerIcon, alt_text: 'footer' });
    elements.push(mrkdwn(truncate(opts.footer, LIMITS.sectionText)));
    details.push({ type: 'context', elements });
  }

  // The alert text gets whatever room the 50-block limit leaves.
  const room = LIMITS.blocksPerMessage - blocks.length - details.length;
  const body = truncate(rendered.text.trimEnd(), LIMITS.blockBodyText);
  const chunks = room > 0 ? chunkText(body, LIMITS.sectionText, room) : [];
  chunks.forEach((chunk, i) => {
    const block: SlackBlock =
      i === 0 && opts.thumbUrl
        ? { type: 'section', text: mrkdwn(chunk), accessory: { type: 'image', image_url: opts.thumbUrl, alt_text: 'thumbnail' } }
        : { type: 'section', text: mrkdwn(chunk) };
    blocks.push(block);
  });

  const fallback = truncate(rendered.subject, LIMITS.sectionText);
  return {
    text: fallback,
    blocks,
    attachments: [{ color: severityColor(alert.severity, opts.color), fallback, blocks: details }],
  };
}

/** A legacy attachment as ElastAlert2 sends it through incoming webhooks. */
export interface LegacyAttachment {
  color: string;
  title: string;
  title_link?: string;
  text?: string;
  fallback?: string;
  mrkdwn_in?: string[];
  fields?: { title: string; value: string; short: boolean }[];
  pretext?: string;
  footer?: string;
  footer_icon?: string;
  image_url?: string;
  thumb_url?: string;
  author_name?: string;
  author_link?: string;
  author_icon?: string;
}

export interface WebhookPayload {
  username?: string;
  icon_emoji?: string;
  icon_url?: string;
  channel?: string;
  parse: 'none';
  text: string;
  unfurl_links: false;
  unfurl_media: false;
  attachments: LegacyAttachment[];
}

/**
 * The incoming-webhook body, shaped like ElastAlert2's (one attachment with the title, text and
 * slack_alert_fields, plus one for the Kibana link), with document data escaped, `parse: none`
 * always, and link unfurling off (a URL from a log line must not make Slack fetch it).
 */
export function buildWebhookPayload(
  alert: AlertPayload,
  rendered: RenderedAlert,
  opts: SlackOptions,
  ctx: MessageContext,
  channel: string | undefined,
): WebhookPayload {
  const main: LegacyAttachment = {
    color: severityColor(alert.severity, opts.color),
    title: opts.title ?? truncate(rendered.subject, LIMITS.sectionText),
    text: truncate(rendered.text, LIMITS.attachmentText),
    fallback: truncate(rendered.subject, LIMITS.sectionText),
    mrkdwn_in: ['text', 'pretext'],
    fields: alertFields(alert, opts.alertFields, ctx.ruleOptions, undefined).map((f) => ({
      title: f.title,
      value: truncate(f.value, LIMITS.fieldText),
      short: f.short,
    })),
  };
  if (opts.titleLink) main.title_link = opts.titleLink;
  if (opts.footer) main.footer = opts.footer;
  if (opts.footerIcon) main.footer_icon = opts.footerIcon;
  if (opts.imageUrl) main.image_url = opts.imageUrl;
  if (opts.thumbUrl) main.thumb_url = opts.thumbUrl;
  if (opts.authorName) main.author_name = opts.authorName;
  if (opts.authorLink) main.author_link = opts.authorLink;
  if (opts.authorIcon) main.author_icon = opts.authorIcon;
  if (opts.pretext) main.pretext = opts.pretext;
  const payload: WebhookPayload = {
    parse: 'none',
    text: opts.textString ?? '',
    unfurl_links: false,
    unfurl_media: false,
    attachments: [main],
  };
  if (opts.username) payload.username = opts.username;
  // As ElastAlert2: an icon URL wins over the emoji.
  if (opts.iconUrl) payload.icon_url = opts.iconUrl;
  else if (opts.iconEmoji) payload.icon_emoji = opts.iconEmoji;
  if (channel) payload.channel = channel;
  if (opts.kibana.attach && alert.kibanaDiscoverUrl) {
    payload.attachments.push({ color: opts.kibana.color, title: opts.kibana.title, title_link: alert.kibanaDiscoverUrl });
  }
  return payload;
}
