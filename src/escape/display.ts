/**
 * The first step of every medium's escaping: invisible characters that change how text reads
 * are removed. Kept on purpose: line breaks and tabs (alert text is multi-line), zero-width
 * joiners (emoji sequences) and every printable character, homoglyphs included.
 */

/**
 * Bidirectional controls (U+061C, U+200E/F, U+202A-E, U+2066-9): "user\u202Egnp.exe" displays as
 * "userexe.png". C0 controls but tab and line feed, DEL and C1 controls: bells, backspaces, and
 * the ESC of terminal sequences. A carriage return becomes a line feed (a bare CR overwrites a
 * line in some viewers), U+2028/2029/NEL a line feed too, BOMs are dropped.
 */
// eslint-disable-next-line no-control-regex
const INVISIBLE = /[\u0000-\u0008\u000b-\u001f\u007f-\u0084\u0086-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/g;
const LINE_BREAKS = /\r\n?|[\u0085\u2028\u2029]/g;

/** Text safe to show a person: see INVISIBLE. Lone surrogates become U+FFFD (no encoder can carry them). */
export function displayText(text: string): string {
  return text.toWellFormed().replace(LINE_BREAKS, '\n').replace(INVISIBLE, '');
}
