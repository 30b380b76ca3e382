/**
 * Text safe inside XML 1.0 elements and attributes. Log documents and rule names are
 * attacker-controlled, so everything is escaped, and characters XML 1.0 cannot carry at all
 * (control characters, lone surrogates) are written as visible `\uXXXX` text instead of breaking
 * the document. In attributes, line breaks and tabs become character references: a parser would
 * otherwise turn them into spaces.
 */
export function escapeXml(text: string, attribute = false): string {
  const safe = text.replace(
    /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu,
    (c) => `\\u${(c.codePointAt(0) ?? 0).toString(16).padStart(4, '0')}`,
  );
  const escaped = safe.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&apos;');
  return attribute ? escaped.replace(/\t/g, '&#9;').replace(/\n/g, '&#10;').replace(/\r/g, '&#13;') : escaped;
}
