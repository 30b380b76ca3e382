// Field access and grouping shared by the reference detectors (detectors.ts, detectors-persistence.ts).
import type { Json } from '../../../src/generator/types.ts';

/** A value inside free-form JSON by a dotted path, through arrays (all matches). */
export function pathValues(value: Json | undefined, path: string): Json[] {
  if (value === undefined) return [];
  if (Array.isArray(value)) return value.flatMap((v) => pathValues(v, path));
  if (path === '') return [value];
  if (value === null || typeof value !== 'object') return [];
  // A key may itself contain dots (Falco's output_fields: "container.id"), as lookup_es_key allows.
  if (Object.hasOwn(value, path)) return pathValues(value[path], '');
  const parts = path.split('.');
  for (let i = 1; i < parts.length; i++) {
    const key = parts.slice(0, i).join('.');
    if (Object.hasOwn(value, key)) return pathValues(value[key], parts.slice(i).join('.'));
  }
  return [];
}

/** A rule's key in a document: a compound key ("a,b") joins each field's value with ", ", None when missing. */
export function keyValues(value: Json | undefined, field: string): Json[] {
  if (!field.includes(',')) return pathValues(value, field);
  return [
    field
      .split(',')
      .map((f) => String(pathValues(value, f)[0] ?? 'None'))
      .join(', '),
  ];
}

export function groupBy<T>(items: Iterable<T>, key: (item: T) => string | undefined): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    if (k === undefined) continue;
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
