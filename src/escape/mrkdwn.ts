/**
 * Escaping for media that parse only a few characters of text: Slack's mrkdwn, Telegram's HTML
 * mode, and mentions in services that notify on "@name".
 */
import { displayText } from './display.ts';

/**
 * Slack's three control characters as entities, so the value is shown as written and never
 * parsed (no "<!channel>", no "<url|label>"), after displayText. Lone surrogates become U+FFFD:
 * WebClient's form encoding throws on them, so the alert could never be posted.
 */
export function escapeMrkdwn(value: string): string {
  return displayText(value).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** Telegram's HTML parse mode reads the same three characters as Slack, and only those. */
export const escapeTelegramHtml: (value: string) => string = escapeMrkdwn;

/** A value shown as written and notifying nobody: "@" gets a word joiner (U+2060, invisible) after it. */
export function escapeMentions(value: string): string {
  return displayText(value).replace(/@/g, '@\u2060');
}
