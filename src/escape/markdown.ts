/**
 * Escaping of document values for the Markdown dialects chat services render. Every function
 * first applies displayText (no bidi overrides or control characters), then makes the value
 * show as written: no emphasis, no headings or quotes, no masked links ("[label](url)" whose
 * label hides the target), no mentions.
 */
import { displayText } from './display.ts';

/**
 * CommonMark lets any ASCII punctuation be escaped with a backslash (spec §2.4) and shows it
 * without the backslash; Discord's parser does the same for any character that is not a letter,
 * digit or space. These are the ones that start or end markup.
 */
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|~<>]/g;

/** Discord (and CommonMark renderers): every markup character backslash-escaped. */
export function escapeMarkdown(value: string): string {
  return displayText(value).replace(MARKDOWN_PUNCTUATION, '\\$&');
}

/**
 * Mattermost: Markdown escaping, and mentions neutralised before the server sees them. The
 * server expands Slack's "<!channel>" / "<!here>" / "<!all>" on the raw text, so "<" (and "&",
 * ">") become entities, which its Markdown renderer shows as the characters; "@channel",
 * "@here", "@all" and "@user" notify on the raw text too, so "@" is followed by a word joiner
 * (U+2060, invisible), which ends the mention's word.
 */
export function escapeMattermost(value: string): string {
  return displayText(value)
    .replace(/[\\`*_{}[\]()#+\-.!|~]/g, '\\$&')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/@/g, '@\u2060');
}

/** Telegram's legacy Markdown: only these four can be escaped there (and only outside an entity). */
export function escapeTelegramMarkdown(value: string): string {
  return displayText(value).replace(/[_*`[]/g, '\\$&');
}

/** Telegram's MarkdownV2: every character its documentation lists as reserved. */
export function escapeTelegramMarkdownV2(value: string): string {
  return displayText(value).replace(/[_*[\]()~`>#+\-=|{}.!\\]/g, '\\$&');
}

/**
 * Where `text` (escaped by one of the functions here, or with HTML entities) may be cut at or
 * before `at` without leaving half an escape: not after a lone backslash, not inside "&...;".
 */
export function escapeSafeCut(text: string, at: number): number {
  let cut = at;
  // An odd run of backslashes before the cut means the last one escapes the character after it.
  let slashes = 0;
  while (cut - slashes - 1 >= 0 && text[cut - slashes - 1] === '\\') slashes++;
  if (slashes % 2 === 1) cut--;
  const amp = text.lastIndexOf('&', cut - 1);
  if (amp >= 0 && cut - amp < 8 && !text.slice(amp, cut).includes(';')) cut = amp;
  return cut;
}
