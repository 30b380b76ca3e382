/**
 * JSON text made inert for where it is shown, by writing some characters as \u escapes: the
 * parsed value is unchanged, only what a viewer or parser of the surrounding medium sees.
 */

function unicodeEscapes(json: string, chars: RegExp): string {
  return json.replace(chars, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/**
 * JSON for an HTTP response: `<`, `>`, `&` and the JavaScript line separators as \u escapes, so
 * the body stays inert even if something (an old browser, a proxy) ever sniffs it as HTML.
 */
export function jsonForHtml(value: unknown): string {
  return unicodeEscapes(JSON.stringify(value), /[<>&\u2028\u2029]/g);
}

/**
 * Indented JSON for a terminal: \u escapes for what JSON leaves raw but a terminal or viewer may
 * act on (DEL and C1 controls such as the one-byte CSI, bidi controls, line separators).
 */
export function jsonForTerminal(value: unknown, indent = 2): string {
  return unicodeEscapes(JSON.stringify(value, null, indent), /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g);
}

/** Jinja's htmlsafe_json_dumps: < > & ' of already-written JSON as \u escapes (what `|tojson` outputs). */
export function jsonTextSafeInHtml(json: string): string {
  return unicodeEscapes(json, /[<>&']/g);
}
