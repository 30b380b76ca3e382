/**
 * The text of a Telegram message in each of ElastAlert2's `telegram_parse_mode`s, with document
 * values escaped for that mode (https://core.telegram.org/bots/api#formatting-options) and the
 * whole cut to Telegram's 4,096 characters with a visible mark.
 */
import { capText, displayText } from '../../src/alert/display.ts';
import { escapeSafeCut, escapeTelegramHtml, escapeTelegramMarkdown, escapeTelegramMarkdownV2 } from '../../src/escape/index.ts';
import type { AlertPayload } from '../types.ts';

export type ParseMode = 'markdown' | 'markdownV2' | 'html';

/** Telegram's limit on a message's text (1-4096 characters after entities parsing). */
export const TELEGRAM_MAX_CHARS = 4096;

const ESCAPES: Readonly<Record<ParseMode, (value: string) => string>> = {
  markdown: escapeTelegramMarkdown,
  markdownV2: escapeTelegramMarkdownV2,
  html: escapeTelegramHtml,
};

export function escapeFor(mode: ParseMode): (value: string) => string {
  return ESCAPES[mode];
}

/** Telegram's API name of a mode. */
export const API_PARSE_MODE: Readonly<Record<ParseMode, string>> = { markdown: 'Markdown', markdownV2: 'MarkdownV2', html: 'HTML' };

/**
 * ElastAlert2's message: "⚠ *title* ⚠ \n" then the alert text ("⚠ title ⚠ \n" in html). In
 * legacy Markdown a title holding an escape is not made bold: escapes are not allowed inside
 * an entity there, and Telegram would refuse the whole message.
 */
export function telegramText(alert: AlertPayload, mode: ParseMode): string {
  const escape = escapeFor(mode);
  const shown = alert.render(escape);
  const title = capEscaped(shown.subject, 1024, escape);
  const bold = mode === 'html' || (mode === 'markdown' && title.includes('\\')) ? title : `*${title}*`;
  const head = `⚠ ${bold} ⚠ \n`;
  // Room is kept for the escapes the mark itself needs.
  const body = capEscaped(shown.text, TELEGRAM_MAX_CHARS - head.length - 8, escape);
  return head + body + (mode === 'html' ? '' : ' ');
}

/** Escaped text cut to `max`, its truncation mark escaped too ("[" starts a link in Markdown). */
function capEscaped(text: string, max: number, escape: (value: string) => string): string {
  const cut = capText(text, max, escapeSafeCut);
  const markAt = cut.length < text.length ? cut.lastIndexOf('\n[… truncated: ') : -1;
  return markAt >= 0 ? cut.slice(0, markAt) + escape(cut.slice(markAt)) : cut;
}

/** The message without formatting, for when Telegram cannot parse the formatted one. */
export function plainText(alert: AlertPayload): string {
  return capText(displayText(`⚠ ${alert.subject} ⚠ \n${alert.text}`), TELEGRAM_MAX_CHARS);
}
