/**
 * ElastAlert2's placeholders in `command` arguments (util.resolve_string): `%(field)s` and
 * `{field}`, with dotted names looked up in the match (flattened), `%%`, `{{` and `}}` as the
 * characters, and `<MISSING VALUE>` (or alert_missing_value) for a field that is not there.
 *
 * Unlike ElastAlert2, which formats with `%` and then formats the result again with
 * `str.format` (so a value holding "{x}" is expanded a second time), each argument is parsed
 * once when the rule loads and values are inserted as text. Other `%` conversions (`%(n)d`)
 * are refused at load by name rather than half supported.
 */
import { lookupField, pyStr } from '../../src/pycompat/index.ts';

export type ArgPart = { text: string } | { field: string };

const TOKEN = /%%|%\(([^)]*)\)s|%\([^)]*\)[^s]|\{\{|\}\}|\{([^{}]*)\}|[{}%]/g;

/** Parses one argument; throws with the reason when it holds a placeholder that cannot work. */
export function parseArg(arg: string): ArgPart[] {
  const parts: ArgPart[] = [];
  let last = 0;
  for (const m of arg.matchAll(TOKEN)) {
    if (m.index > last) parts.push({ text: arg.slice(last, m.index) });
    last = m.index + m[0].length;
    const token = m[0];
    if (token === '%%') parts.push({ text: '%' });
    else if (token === '{{') parts.push({ text: '{' });
    else if (token === '}}') parts.push({ text: '}' });
    else if (m[1] !== undefined) parts.push({ field: m[1] });
    else if (m[2] !== undefined) parts.push({ field: m[2] });
    else if (token.startsWith('%(')) throw new Error(`${JSON.stringify(token)}: only %(field)s is supported`);
    else if (token === '%') parts.push({ text: '%' });
    else throw new Error(`unbalanced ${JSON.stringify(token)} (write ${token}${token} for the character)`);
  }
  if (last < arg.length) parts.push({ text: arg.slice(last) });
  return parts;
}

/**
 * One argument for a match. NUL cannot be passed in an argument (the operating system ends the
 * string there), so it is dropped from values; a lone surrogate becomes U+FFFD (arguments are UTF-8).
 */
export function renderArg(parts: readonly ArgPart[], match: Readonly<Record<string, unknown>>, missing: string): string {
  return parts
    .map((p) => {
      if ('text' in p) return p.text;
      const value = lookupField(match, p.field);
      return value === undefined
        ? missing
        : pyStr(value)
            .replace(/\u0000/g, '')
            .toWellFormed();
    })
    .join('');
}
