import { terminalSafe } from '../../alerters/stdout/index.ts';
import { escapeHtml as escapeHtmlEntities, jsonForTerminal } from '../escape/index.ts';

/**
 * Everything these reports show that came from a rule file or a log document (rule names,
 * query_key values, alert text) is untrusted: a document can carry terminal escapes, bidi
 * overrides that reorder what a reviewer reads, or HTML. These helpers make it inert per medium.
 */

/** Bidi embedding/override/isolate controls: they make text read differently from what it is ("Trojan Source"). */
// eslint-disable-next-line no-control-regex
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

/** A block of text for a terminal: escapes and control characters removed, line breaks kept, bidi controls shown as U+FFFD. */
export function terminalText(text: string): string {
  // Line separators and bidi controls first: terminalSafe may drop them, and a visible mark says something was there.
  return terminalSafe(text.replace(/\r\n?|[\u0085\u2028\u2029]/g, '\n').replace(BIDI, '\uFFFD'));
}

/** One table cell for a terminal: like terminalText, on one line, at most `max` characters. */
export function terminalCell(text: string, max = 60): string {
  const one = terminalText(text).replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/**
 * Text for HTML element content or a quoted attribute (both quote kinds escaped). Terminal escape
 * sequences and control characters go too, as in terminalText: inert in HTML, but noise to a reader.
 */
export function escapeHtml(text: string): string {
  return escapeHtmlEntities(terminalText(text));
}

/** JSON for a terminal (see jsonForTerminal): same value when parsed. */
export const safeJson: (value: unknown, indent?: number) => string = jsonForTerminal;
