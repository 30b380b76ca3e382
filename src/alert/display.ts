/**
 * What every medium that shows an alert to a person applies to document-derived text, whatever
 * its own escaping: invisible characters that change how text reads are removed, and text is cut
 * at the medium's documented size with a visible mark.
 *
 * Kept on purpose: line breaks and tabs (alert text is multi-line), zero-width joiners (emoji
 * sequences) and every printable character, homoglyphs included: those are shown as they are.
 */
import { createHash } from 'node:crypto';

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

/** The mark that ends cut text, saying how much is not shown. */
export function truncationMark(omittedChars: number): string {
  return `\n[… truncated: ${omittedChars} more characters not shown]`;
}

/** Cuts at `end` or before, never inside a surrogate pair. */
export function cutIndex(text: string, end: number): number {
  let at = Math.max(0, Math.min(end, text.length));
  const last = text.charCodeAt(at - 1);
  if (at > 0 && last >= 0xd800 && last <= 0xdbff) at--;
  return at;
}

/**
 * `text` within `max` UTF-16 units (what chat services count), its end replaced by the
 * truncation mark when it is longer. `avoid` may move the cut earlier (e.g. not inside an entity).
 */
export function capText(text: string, max: number, avoid?: (text: string, at: number) => number): string {
  if (text.length <= max) return text;
  // The mark's own length depends on the number it shows: reserve room for the largest.
  const room = max - truncationMark(text.length).length;
  if (room <= 0) return text.slice(0, cutIndex(text, max));
  let at = cutIndex(text, room);
  if (avoid) at = avoid(text, at);
  return text.slice(0, at) + truncationMark(text.length - at);
}

/**
 * A key (dedup key, alias) within `max` UTF-16 units: a longer one keeps its start and ends with
 * "~" and a hash of the whole, so different long keys stay different.
 */
export function keyWithin(key: string, max: number): string {
  if (key.length <= max) return key;
  const hash = createHash('sha256').update(key).digest('base64url').slice(0, 22);
  return `${key.slice(0, cutIndex(key, max - hash.length - 1))}~${hash}`;
}

/** `text` within `maxBytes` of UTF-8 (what mail and most HTTP services count), marked when cut. */
export function capBytes(text: string, maxBytes: number): string {
  if (Buffer.byteLength(text, 'utf8') <= maxBytes) return text;
  // At most 3 bytes per UTF-16 unit: a first cut by units, then shortened until it fits.
  let max = Math.floor(maxBytes / 3);
  let lo = max;
  let hi = Math.min(text.length, maxBytes);
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (Buffer.byteLength(capText(text, mid), 'utf8') <= maxBytes) lo = mid;
    else hi = mid - 1;
  }
  max = lo;
  return capText(text, max);
}
