import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parseDuration } from '../../src/config/duration.ts';
import { parseYaml } from '../../src/config/yaml.ts';

/** One alert as the suite compares them: the rule, its key and its match time. */
export interface AlertKey {
  rule: string;
  /** The value of the case's key field in the alert ("-" when the rule has none). */
  key: string;
  /** Match time, ISO 8601 UTC with milliseconds. */
  time: string;
}

/** Alerts one tool is allowed to send that the other does not, and why. */
export interface DeclaredDifference {
  why: string;
  onlyElastalert2: Omit<AlertKey, 'rule'>[];
  onlyLogwarden: Omit<AlertKey, 'rule'>[];
}

/** A block of generated documents: `count` documents `every` apart from `at` after the case start. */
export interface EventBlock {
  atMs: number;
  count: number;
  everyMs: number;
  /** The document; "{i}" in a string value becomes the document's number within the block. */
  doc: Record<string, unknown>;
}

export interface ConformanceCase {
  name: string;
  dir: string;
  description: string;
  ruleFile: string;
  startMs: number;
  endMs: number;
  /** Index mappings (`properties`); dynamic mapping when absent. */
  mappings: Record<string, unknown> | undefined;
  events: EventBlock[];
  /** Fields of an alert that hold its key, the first present wins; the rule's query_key by default. */
  keyFields: string[];
  timestampField: string;
  /** Match times closer than this are the same (for types that decide at run ends, not at documents). */
  timeToleranceMs: number;
  differences: DeclaredDifference[];
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function durationMs(value: unknown, where: string): number {
  const ms = parseDuration(value);
  if (typeof ms !== 'number') throw new Error(`${where}: ${ms.error}`);
  return ms;
}

function time(value: unknown, where: string): number {
  const ms = value instanceof Date ? value.getTime() : typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(ms)) throw new Error(`${where}: expected an ISO time such as 2024-05-01T12:00:00Z, got ${JSON.stringify(value)}`);
  return ms;
}

function alertList(value: unknown, where: string): Omit<AlertKey, 'rule'>[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new Error(`${where}: expected a list of {key, time}`);
  return value.map((a: unknown, i) => {
    if (!isObject(a)) throw new Error(`${where}[${i}]: expected {key, time}`);
    return { key: a.key === undefined ? '-' : String(a.key), time: new Date(time(a.time, `${where}[${i}].time`)).toISOString() };
  });
}

/** Reads test/conformance/cases/<name>/case.yaml next to its rule.yaml. */
export function loadCase(dir: string): ConformanceCase {
  const file = path.join(dir, 'case.yaml');
  const where = (field: string): string => `${file}: ${field}`;
  const raw = parseYaml(readFileSync(file, 'utf8'), file).value;
  if (!isObject(raw)) throw new Error(`${file}: expected a mapping`);
  const ruleFile = path.join(dir, 'rule.yaml');
  if (!existsSync(ruleFile)) throw new Error(`${dir}: has no rule.yaml`);
  const rule = parseYaml(readFileSync(ruleFile, 'utf8'), ruleFile).value;
  if (!isObject(rule)) throw new Error(`${ruleFile}: expected a mapping`);
  const queryKey = rule.query_key;

  const startMs = time(raw.start, where('start'));
  const endMs = time(raw.end, where('end'));
  if (endMs <= startMs) throw new Error(`${where('end')}: must be after start`);
  if (!Array.isArray(raw.events) || raw.events.length === 0) throw new Error(`${where('events')}: expected a list of event blocks`);
  const events = raw.events.map((b: unknown, i): EventBlock => {
    const at = `events[${i}]`;
    if (!isObject(b) || !isObject(b.doc)) throw new Error(`${where(at)}: expected {at, doc, count?, every?}`);
    const count = b.count === undefined ? 1 : Number(b.count);
    if (!Number.isInteger(count) || count < 1) throw new Error(`${where(`${at}.count`)}: expected an integer >= 1`);
    return {
      atMs: durationMs(b.at, where(`${at}.at`)),
      count,
      everyMs: b.every === undefined ? 0 : durationMs(b.every, where(`${at}.every`)),
      doc: b.doc,
    };
  });
  const tolerance = raw.time_tolerance === undefined ? 0 : durationMs(raw.time_tolerance, where('time_tolerance'));
  const differences = raw.differences === undefined ? [] : raw.differences;
  if (!Array.isArray(differences)) throw new Error(`${where('differences')}: expected a list`);
  return {
    name: path.basename(dir),
    dir,
    description: typeof raw.description === 'string' ? raw.description : '',
    ruleFile,
    startMs,
    endMs,
    mappings: isObject(raw.mappings) ? raw.mappings : undefined,
    events,
    keyFields: keyFields(raw.key ?? (Array.isArray(queryKey) ? queryKey.join(',') : queryKey), where('key')),
    timestampField: typeof rule.timestamp_field === 'string' ? rule.timestamp_field : '@timestamp',
    timeToleranceMs: tolerance,
    differences: differences.map((d: unknown, i): DeclaredDifference => {
      const at = `differences[${i}]`;
      if (!isObject(d) || typeof d.why !== 'string' || d.why.trim() === '')
        throw new Error(`${where(at)}: every declared difference needs a why`);
      return {
        why: d.why,
        onlyElastalert2: alertList(d.only_elastalert2, where(`${at}.only_elastalert2`)),
        onlyLogwarden: alertList(d.only_logwarden, where(`${at}.only_logwarden`)),
      };
    }),
  };
}

function keyFields(value: unknown, where: string): string[] {
  if (value === undefined || value === null) return [];
  const list: unknown[] = Array.isArray(value) ? value : [value];
  if (!list.every((f) => typeof f === 'string' && f !== '')) throw new Error(`${where}: expected a field name or a list of them`);
  return list as string[];
}

/** Every case folder under `root`, sorted by name; `only` keeps the named ones. */
export function findCases(root: string, only: readonly string[] = []): string[] {
  const dirs = readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  const unknown = only.filter((o) => !dirs.includes(o));
  if (unknown.length > 0) throw new Error(`no such case: ${unknown.join(', ')} (cases: ${dirs.join(', ')})`);
  return dirs.filter((d) => only.length === 0 || only.includes(d)).map((d) => path.join(root, d));
}

/** The documents of a case, in time order, each with its timestamp field set. */
export function generateEvents(c: Pick<ConformanceCase, 'startMs' | 'events' | 'timestampField'>): Record<string, unknown>[] {
  const docs: { ms: number; doc: Record<string, unknown> }[] = [];
  for (const block of c.events) {
    for (let i = 0; i < block.count; i++) {
      const ms = c.startMs + block.atMs + i * block.everyMs;
      docs.push({ ms, doc: { [c.timestampField]: new Date(ms).toISOString(), ...(substitute(block.doc, i) as Record<string, unknown>) } });
    }
  }
  return docs.sort((a, b) => a.ms - b.ms).map((d) => d.doc);
}

function substitute(value: unknown, i: number): unknown {
  if (typeof value === 'string') return value.replaceAll('{i}', String(i));
  if (Array.isArray(value)) return value.map((v) => substitute(v, i));
  if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, i)]));
  return value;
}
