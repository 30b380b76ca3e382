/**
 * HTML escaping for element content and quoted attribute values. Log fields, rule names and
 * alert texts are attacker-controlled, so every value inserted into HTML goes through here.
 * Never use these for unquoted attributes, URLs built from input, or text inside <script>.
 */
import { displayText } from './display.ts';

const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };
const SPECIAL = /[&<>"']/g;

/** & < > " ' as entities (both quote kinds, so the same text is safe in attr="..." and attr='...'). */
export function escapeHtml(text: string): string {
  return text.replace(SPECIAL, (c) => ENTITIES[c] ?? c);
}

/** For a person reading it (mail bodies): displayText first (no bidi overrides or controls), then escapeHtml. */
export function escapeHtmlDisplay(text: string): string {
  return escapeHtml(displayText(text));
}

const MARKUPSAFE: Readonly<Record<string, string>> = { ...ENTITIES, '"': '&#34;' };

/**
 * MarkupSafe's escape() character for character (`"` as &#34;): Jinja's autoescape and `|e`
 * write this, and ElastAlert2's Jinja alert texts are compared with ours.
 */
export function escapeHtmlMarkupSafe(text: string): string {
  return text.replace(SPECIAL, (c) => MARKUPSAFE[c] ?? c);
}
