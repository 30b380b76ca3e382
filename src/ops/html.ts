/**
 * The one way the status page turns values into HTML. Rule names, log fields, alert texts, error
 * messages and silence reasons are attacker-controlled (a log line can say anything), so every
 * interpolation is escaped unless it is markup this module built (`Html`).
 */
import { escapeHtml as escapeHtmlText, jsonForHtml } from '../escape/index.ts';

/**
 * Text → HTML text or quoted attribute value. Escapes quotes too, so the same helper is safe in
 * `attr="..."`; never use it for unquoted attributes, URLs built from input, or inside <script>.
 */
export function escapeHtml(value: unknown): string {
  return escapeHtmlText(typeof value === 'string' ? value : value === undefined || value === null ? '' : String(value));
}

/** Markup that is already safe: produced by `html` from escaped parts. Only this module creates it. */
export class Html {
  readonly value: string;
  private constructor(value: string) {
    this.value = value;
  }
  /** @internal Used by `html` and `join`; never call with text that came from outside. */
  static trusted(value: string): Html {
    return new Html(value);
  }
  toString(): string {
    return this.value;
  }
}

type Part = Html | string | number | boolean | undefined | null | readonly Part[];

function render(part: Part): string {
  if (part instanceof Html) return part.value;
  if (Array.isArray(part)) return part.map((p: Part) => render(p)).join('');
  return escapeHtml(part);
}

/** Tagged template: the literal parts are markup, every `${value}` is escaped (arrays are joined). */
export function html(strings: TemplateStringsArray, ...values: Part[]): Html {
  let out = strings[0] ?? '';
  values.forEach((v, i) => {
    out += render(v) + (strings[i + 1] ?? '');
  });
  return Html.trusted(out);
}

/** A path segment of our own routes; escaped again by `html` when placed in an attribute. */
export function pathSegment(value: string): string {
  return encodeURIComponent(value);
}

/** JSON for an HTTP response, inert if ever sniffed as HTML (see jsonForHtml). */
export const safeJson: (value: unknown) => string = jsonForHtml;
