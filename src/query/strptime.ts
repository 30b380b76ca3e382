/**
 * Python's strptime for `timestamp_type: custom` (timestamp_format), the common directives:
 * %Y %y %m %d %H %M %S %f %z %Z %j %b %B %p %I %a %A %T %F %%. A time without an offset is UTC,
 * as ElastAlert2 assumes. Returns ms, or undefined when the text does not fit the format.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];

const PARTS: Readonly<Record<string, { re: string; group?: string }>> = {
  Y: { re: '(\\d{4})', group: 'Y' },
  y: { re: '(\\d{2})', group: 'y' },
  m: { re: '(\\d{1,2})', group: 'm' },
  d: { re: '(\\d{1,2})', group: 'd' },
  H: { re: '(\\d{1,2})', group: 'H' },
  I: { re: '(\\d{1,2})', group: 'I' },
  M: { re: '(\\d{1,2})', group: 'M' },
  S: { re: '(\\d{1,2})', group: 'S' },
  f: { re: '(\\d{1,6})', group: 'f' },
  j: { re: '(\\d{1,3})', group: 'j' },
  p: { re: '(AM|PM|am|pm)', group: 'p' },
  b: { re: '([A-Za-z]{3})', group: 'b' },
  B: { re: '([A-Za-z]{3})[A-Za-z]*', group: 'b' },
  a: { re: '[A-Za-z]{3}' },
  A: { re: '[A-Za-z]+' },
  z: { re: '(Z|[+-]\\d{2}:?\\d{2})', group: 'z' },
  Z: { re: '(?:UTC|GMT|Z)' },
  '%': { re: '%' },
};

const ALIASES: Readonly<Record<string, string>> = { T: '%H:%M:%S', F: '%Y-%m-%d' };

const escapeRe = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

interface Compiled {
  re: RegExp;
  groups: string[];
}

const cache = new Map<string, Compiled>();

/** Directives the parser does not know, so lint can name them. */
export function unknownDirectives(format: string): string[] {
  const expanded = format.replace(/%([TF])/g, (_m, c: string) => ALIASES[c] ?? '');
  return [...expanded.matchAll(/%(.)/g)]
    .map((m) => m[1] ?? '')
    .filter((c) => !Object.hasOwn(PARTS, c))
    .map((c) => `%${c}`);
}

function compile(format: string): Compiled {
  let hit = cache.get(format);
  if (hit) return hit;
  const expanded = format.replace(/%([TF])/g, (_m, c: string) => ALIASES[c] ?? '');
  const groups: string[] = [];
  let source = '';
  let last = 0;
  for (const m of expanded.matchAll(/%(.)/g)) {
    source += escapeRe(expanded.slice(last, m.index));
    const part = PARTS[m[1] ?? ''];
    source += part ? part.re : escapeRe(m[0]);
    if (part?.group) groups.push(part.group);
    last = (m.index ?? 0) + m[0].length;
  }
  source += escapeRe(expanded.slice(last));
  hit = { re: new RegExp(`^${source}$`), groups };
  cache.set(format, hit);
  return hit;
}

export function strptimeMs(text: string, format: string): number | undefined {
  const { re, groups } = compile(format);
  const m = re.exec(text.trim());
  if (!m) return undefined;
  const v: Record<string, string> = {};
  groups.forEach((g, i) => {
    const value = m[i + 1];
    if (value !== undefined) v[g] = value;
  });
  const year = v.Y !== undefined ? Number(v.Y) : v.y !== undefined ? (Number(v.y) < 69 ? 2000 : 1900) + Number(v.y) : 1900;
  let month = v.m !== undefined ? Number(v.m) - 1 : v.b !== undefined ? MONTHS.indexOf(v.b.toLowerCase()) : 0;
  let day = v.d !== undefined ? Number(v.d) : 1;
  if (v.j !== undefined) {
    month = 0;
    day = Number(v.j);
  }
  let hour = v.H !== undefined ? Number(v.H) : v.I !== undefined ? Number(v.I) % 12 : 0;
  if (v.p !== undefined && v.p.toLowerCase() === 'pm' && v.H === undefined) hour += 12;
  const ms = v.f !== undefined ? Math.floor(Number(v.f.padEnd(6, '0')) / 1000) : 0;
  if (month < 0) return undefined;
  let t = Date.UTC(year, month, day, hour, v.M !== undefined ? Number(v.M) : 0, v.S !== undefined ? Number(v.S) : 0, ms);
  if (v.z !== undefined && v.z !== 'Z') {
    const z = /^([+-])(\d{2}):?(\d{2})$/.exec(v.z);
    if (z) t -= (z[1] === '-' ? -1 : 1) * (Number(z[2]) * 60 + Number(z[3])) * 60_000;
  }
  return Number.isNaN(t) ? undefined : t;
}
