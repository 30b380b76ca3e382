/**
 * What an alert mail says: subject, text/plain part, text/html part.
 *
 * Values from log documents are attacker-controlled. They reach the subject only with line
 * breaks, other control characters and encoded-word openers neutralised, and the HTML part only
 * entity-escaped. The text/plain part is the alert text as it is: nothing in text/plain is
 * interpreted, and nodemailer transfer-encodes it, so it needs no escaping.
 */
import { capBytes, displayText } from '../../src/alert/display.ts';
import { isPlainObject, pyStr } from '../../src/pycompat/index.ts';
import { escapeHtmlDisplay as htmlEscape } from '../../src/escape/index.ts';
import type { AlertPayload } from '../types.ts';

export { htmlEscape };

/** Matches alert_subject_max_len's default; also bounds the default title's query_key value. */
export const MAX_SUBJECT_CHARS = 2048;
/** Match fields shown in the table of the HTML part, beside rule, severity, key and time. */
export const MAX_TABLE_FIELDS = 8;
const MAX_TABLE_VALUE_CHARS = 200;
/**
 * Size caps (UTF-8 bytes, before transfer encoding): the alert text in the text/plain part, and
 * the alert text in the HTML part. Longer text ends with a visible truncation mark; a whole mail
 * stays under about 1.5 MB, which every mail system accepts (a 1 MB log field made 4.3 MB).
 */
export const MAX_TEXT_BYTES = 256 * 1024;
export const MAX_HTML_BYTES = 512 * 1024;

/**
 * Makes text safe for one header line. Line breaks (CR, LF, NEL, U+2028/9) and tabs become a
 * space, so "x\r\nBcc: victim@example.com" stays inside the header it was put in; other C0/C1
 * controls, bidirectional overrides and BOMs (which can make a subject read differently from
 * what it contains) are dropped. "=?" gets an invisible word joiner: a value shaped like an
 * RFC 2047 encoded word would otherwise be decoded by the reader's mail client into text of the
 * sender's choosing; with the joiner nodemailer encodes that word and clients show it literally.
 */
export function headerText(value: string): string {
  return (
    value
      .replace(/[\r\n\t\v\f\u0085\u2028\u2029]+/g, ' ')
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g, '')
      .replace(/=\?/g, '=\u2060?')
  );
}

function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  return chars.length > max ? `${chars.slice(0, max - 1).join('')}…` : value;
}

export interface FormatContext {
  format: 'text' | 'html';
  ruleName: string;
  /** The rule's query_key fields, for the table's label. */
  queryKeyFields: readonly string[] | undefined;
  /**
   * The subject of a rule without alert_subject: ElastAlert2's email title, "ElastAlert: <rule>"
   * plus " - <query_key value>" (src/alert/text.ts builds it, with `escape` applied to the value).
   * Undefined when the rule has alert_subject, which render() fills in.
   */
  defaultTitle: ((alert: AlertPayload, escape: (value: string) => string) => string) | undefined;
}

export interface EmailContent {
  subject: string;
  text: string;
  html: string;
  /**
   * email_format: html whose alert text was shown escaped instead, because render() marked no
   * document value (see htmlBody). The alerter logs it.
   */
  htmlFellBack: boolean;
}

/**
 * The subject: the rendered alert_subject, or ElastAlert2's email title (kept so that existing
 * mail filters still match). Document values are made header-safe as they are inserted, then
 * the whole line once more: the rule's own text is trusted, but a header has no room for a line
 * break from anyone.
 */
export function emailSubject(alert: AlertPayload, ctx: FormatContext): string {
  let subject: string;
  try {
    subject = ctx.defaultTitle ? ctx.defaultTitle(alert, headerText) : alert.render(headerText).subject;
  } catch {
    subject = ctx.defaultTitle ? `ElastAlert: ${ctx.ruleName}` : alert.subject;
  }
  return truncate(headerText(subject).trim(), MAX_SUBJECT_CHARS);
}

/** Whether any string or key in a document value contains a character that means something in HTML. */
function hasMarkupCharacters(value: unknown, depth = 0): boolean {
  if (typeof value === 'string') return /[<>&"']/.test(value);
  if (depth > 20) return true;
  if (Array.isArray(value)) return value.some((v) => hasMarkupCharacters(v, depth + 1));
  if (isPlainObject(value)) return Object.entries(value).some(([k, v]) => /[<>&"']/.test(k) || hasMarkupCharacters(v, depth + 1));
  return false;
}

/**
 * The HTML version of the alert text.
 *
 * email_format text (the default): the plain text, all of it escaped, in a <pre>: the rule's
 * alert_text is plain text there too, so a "<" in it is a character, not markup.
 *
 * email_format html: the rule's alert_text is HTML and kept as written; every document value in
 * it is entity-escaped by render(htmlEscape). This deliberately differs from ElastAlert2, which
 * inserts document values into the HTML raw, so that a log line could put markup, links or
 * tracking images into the alert mail.
 *
 * Failing closed: when render() passed no value through `escape` (a text without document
 * values, or a renderer that does not apply it) while the match holds characters that mean
 * something in HTML, the text is shown escaped as in text mode. That costs formatting, never
 * safety; a text of the rule's own words only, or a match without such characters, keeps its HTML.
 */
export function htmlBody(alert: AlertPayload, format: 'text' | 'html'): { html: string; fellBack: boolean } {
  const pre = `<pre style="white-space:pre-wrap;word-wrap:break-word;font-family:monospace;font-size:13px">${htmlEscape(plainText(alert))}</pre>`;
  if (format !== 'html') return { html: pre, fellBack: false };
  let escaped = 0;
  let rendered: string;
  try {
    rendered = alert.render((value) => {
      escaped++;
      return htmlEscape(value);
    }).text;
  } catch {
    return { html: pre, fellBack: true };
  }
  if (escaped === 0 && (hasMarkupCharacters(alert.match) || hasMarkupCharacters(alert.queryKey))) return { html: pre, fellBack: true };
  // HTML cannot be cut safely (a tag or entity may be split): too long, it is shown as cut text.
  if (Buffer.byteLength(rendered, 'utf8') > MAX_HTML_BYTES) return { html: pre, fellBack: true };
  return { html: `<div>${rendered}</div>`, fellBack: false };
}

/** Scalar match fields by dotted path, nested objects flattened a few levels deep. */
function scalarFields(match: Readonly<Record<string, unknown>>): [string, string][] {
  const out: [string, string][] = [];
  const walk = (obj: Readonly<Record<string, unknown>>, prefix: string, depth: number): void => {
    for (const [key, value] of Object.entries(obj)) {
      const name = prefix + key;
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') out.push([name, pyStr(value)]);
      else if (isPlainObject(value) && depth < 3) walk(value, `${name}.`, depth + 1);
    }
  };
  walk(match, '', 0);
  return out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
}

/**
 * The at-a-glance rows of the HTML part, as [label, value] in plain text: rule, severity,
 * query key, match time, Kibana link, then the first MAX_TABLE_FIELDS scalar match fields
 * by name (Elasticsearch metadata such as _id left out), values cut at 200 characters.
 */
export function keyFieldRows(alert: AlertPayload, ctx: FormatContext): [string, string][] {
  const rows: [string, string][] = [['Rule', ctx.ruleName]];
  if (alert.severity) rows.push(['Severity', alert.severity]);
  if (alert.queryKey !== undefined) rows.push([`Query key (${(ctx.queryKeyFields ?? []).join(', ') || 'query_key'})`, alert.queryKey]);
  rows.push(['Match time', Number.isFinite(alert.matchTimeMs) ? new Date(alert.matchTimeMs).toISOString() : String(alert.matchTimeMs)]);
  const shown = new Set(ctx.queryKeyFields ?? []);
  const fields = scalarFields(alert.match).filter(([name]) => !name.startsWith('_') && !shown.has(name));
  for (const [name, value] of fields.slice(0, MAX_TABLE_FIELDS)) rows.push([name, truncate(value, MAX_TABLE_VALUE_CHARS)]);
  return rows;
}

function tableHtml(alert: AlertPayload, ctx: FormatContext): string {
  const cell = 'style="padding:3px 10px 3px 0;vertical-align:top;text-align:left"';
  const rows = keyFieldRows(alert, ctx).map(
    ([label, value]) => `<tr><th ${cell}>${htmlEscape(label)}</th><td ${cell}>${htmlEscape(value)}</td></tr>`,
  );
  // The link is built from the rule's Kibana settings and the match; only http(s) becomes an href.
  const url = alert.kibanaDiscoverUrl;
  if (url !== undefined && /^https?:\/\//i.test(url)) {
    rows.push(`<tr><th ${cell}>Kibana</th><td ${cell}><a href="${htmlEscape(url)}">Open in Discover</a></td></tr>`);
  }
  return `<table style="border-collapse:collapse;font-family:sans-serif;font-size:14px;margin-bottom:12px">${rows.join('')}</table>`;
}

/** The whole message content. */
export function formatEmail(alert: AlertPayload, ctx: FormatContext): EmailContent {
  const subject = emailSubject(alert, ctx);
  const body = htmlBody(alert, ctx.format);
  const html =
    '<!DOCTYPE html><html><head><meta charset="utf-8">' +
    `<title>${htmlEscape(subject)}</title></head><body>` +
    tableHtml(alert, ctx) +
    body.html +
    '</body></html>';
  return { subject, text: plainText(alert), html, htmlFellBack: body.fellBack };
}

/** The text/plain part: the alert text without invisible controls, capped at MAX_TEXT_BYTES. */
export function plainText(alert: AlertPayload): string {
  return capBytes(displayText(alert.text), MAX_TEXT_BYTES);
}
