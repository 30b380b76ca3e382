/**
 * What every medium that shows an alert to a person applies to document-derived text, whatever
 * its own escaping: invisible characters that change how text reads are removed, and text is cut
 * at the medium's documented size with a visible mark.
 *
 * Kept on purpose: line breaks and tabs (alert text is multi-line), zero-width joiners (emoji
 * sequences) and every printable character, homoglyphs included: those are shown as they are.
 */
import { createHash } from 'node:crypto';

export { displayText } from '../escape/display.ts';

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
