import { existsSync } from 'node:fs';
import path from 'node:path';
import { expandEnv, fieldName } from '../config/env.ts';
import type { ConfigProblem } from '../config/errors.ts';
import { validate } from '../config/validate.ts';
import { describeReadError, readYamlFile, type YamlPath, type YamlSource } from '../config/yaml.ts';
import { importSchema } from './schema.ts';

/** One YAML file as read: its options after `${VAR}` expansion, or why it could not be used. */
export interface ParsedFile {
  abs: string;
  display: string;
  source: YamlSource | undefined;
  value: Record<string, unknown> | undefined;
  /** Problems of the file alone (syntax, unset variables, shape of `import`); no rule name yet. */
  problems: ConfigProblem[];
  /** Fields whose `${VAR}` could not be expanded: schema complaints about them would only repeat that. */
  unexpanded: string[];
  /** The `import` paths as written (after `${VAR}` expansion). */
  imports: { ref: string }[];
}

/** Reads each file once per load, however many rules import it. */
export class FileCache {
  private readonly files = new Map<string, ParsedFile>();
  private readonly env: NodeJS.ProcessEnv;
  private readonly display: (abs: string) => string;
  private readonly onRead: ((display: string) => void) | undefined;

  /** `onRead` hears of each file before it is read: a reload that hangs can then name the file it hung on. */
  constructor(env: NodeJS.ProcessEnv, display: (abs: string) => string, onRead?: (display: string) => void) {
    this.env = env;
    this.display = display;
    this.onRead = onRead;
  }

  get(abs: string): ParsedFile {
    let parsed = this.files.get(abs);
    if (!parsed) {
      parsed = this.read(abs);
      this.files.set(abs, parsed);
    }
    return parsed;
  }

  private read(abs: string): ParsedFile {
    const display = this.display(abs);
    const parsed: ParsedFile = { abs, display, source: undefined, value: undefined, problems: [], unexpanded: [], imports: [] };
    this.onRead?.(display);
    try {
      parsed.source = readYamlFile(abs, display);
    } catch (error) {
      parsed.problems.push({ file: display, ...describeReadError(error) });
      return parsed;
    }
    const raw = parsed.source.value;
    if (raw === null || raw === undefined) {
      parsed.problems.push({ file: display, line: 1, message: 'the file is empty; expected a mapping of rule options' });
      return parsed;
    }
    if (typeof raw !== 'object' || Array.isArray(raw)) {
      parsed.problems.push({ file: display, line: 1, message: `expected a mapping of rule options, got ${Array.isArray(raw) ? 'a list' : JSON.stringify(raw)}` });
      return parsed;
    }
    const source = parsed.source;
    parsed.value = expandEnv(raw, this.env, (p, message) => {
      parsed.unexpanded.push(fieldName(p));
      parsed.problems.push({ file: display, line: source.lineOf(p), field: fieldName(p), message });
    }) as Record<string, unknown>;
    const shape = validate(importSchema, parsed.value, { file: display, source });
    parsed.problems.push(...shape);
    if (shape.length === 0) {
      const refs = parsed.value.import;
      for (const ref of typeof refs === 'string' ? [refs] : Array.isArray(refs) ? (refs as string[]) : []) {
        parsed.imports.push({ ref });
      }
    }
    return parsed;
  }
}

/** Where a top-level option of a merged rule came from. */
export interface Origin {
  file: ParsedFile;
  /** For `filter` entries: the index in that file's own list. */
  index?: number;
}

/** A rule after its imports were applied, remembering which file gave each option. */
export interface MergedRule {
  value: Record<string, unknown>;
  origins: Map<string, Origin>;
  filterOrigins: Origin[];
  problems: ConfigProblem[];
  unexpanded: { file: string; field: string }[];
}

/**
 * The file an import names: relative to the importing file's folder, else, as ElastAlert2
 * resolves every import, relative to the rule file's folder. Undefined when neither exists.
 */
function resolveImport(file: ParsedFile, top: ParsedFile, ref: string): string | undefined {
  return [path.resolve(path.dirname(file.abs), ref), path.resolve(path.dirname(top.abs), ref)].find((p) => existsSync(p));
}

/** Every file `top` imports, directly or not (not `top` itself); unreadable or missing ones are skipped. */
export function importedFiles(top: ParsedFile, cache: FileCache): Set<string> {
  const found = new Set<string>();
  const walk = (file: ParsedFile): void => {
    for (const { ref } of file.imports) {
      const target = resolveImport(file, top, ref);
      if (target === undefined || target === top.abs || found.has(target)) continue;
      found.add(target);
      walk(cache.get(target));
    }
  };
  walk(top);
  return found;
}

/**
 * Applies `import` as ElastAlert2 does: imports are applied in order (a later import overrides an
 * earlier one), each after its own imports, and the importing file overrides them all, except that
 * `filter` lists are concatenated (ANDed). A relative path is tried against the importing file's
 * folder, then, as ElastAlert2 resolves every import, against the rule file's folder.
 */
export function mergeImports(top: ParsedFile, cache: FileCache): MergedRule {
  const merged: MergedRule = { value: {}, origins: new Map(), filterOrigins: [], problems: [], unexpanded: [] };
  const seen = new Set<string>();
  const visit = (file: ParsedFile, chain: string[]): void => {
    if (!seen.has(file.abs)) {
      seen.add(file.abs);
      merged.problems.push(...file.problems);
      merged.unexpanded.push(...file.unexpanded.map((field) => ({ file: file.display, field })));
    }
    const own = file.value;
    if (!own) return;
    file.imports.forEach(({ ref }, i) => {
      const target = resolveImport(file, top, ref);
      const at: YamlPath = typeof own.import === 'string' ? ['import'] : ['import', i];
      const line = file.source?.lineOf(at);
      if (!target) {
        merged.problems.push({ file: file.display, line, field: fieldName([...at]), message: `imported file ${JSON.stringify(ref)} not found` });
        return;
      }
      if (chain.includes(target)) {
        const cycle = [...chain.slice(chain.indexOf(target)), target].map((abs) => cache.get(abs).display).join(' -> ');
        merged.problems.push({ file: file.display, line, field: fieldName([...at]), message: `import cycle: ${cycle}` });
        return;
      }
      visit(cache.get(target), [...chain, target]);
    });
    for (const [key, value] of Object.entries(own)) {
      if (key === 'import') continue;
      const entries = Array.isArray(value) ? value.map((_v, index) => ({ file, index })) : [];
      if (key === 'filter' && Array.isArray(value) && Array.isArray(merged.value.filter)) {
        merged.value.filter = [...(merged.value.filter as unknown[]), ...value];
        merged.filterOrigins.push(...entries);
      } else {
        merged.value[key] = value;
        if (key === 'filter') merged.filterOrigins = entries;
      }
      merged.origins.set(key, { file });
    }
  };
  visit(top, [top.abs]);
  return merged;
}

/** Line lookups on the merged rule, answered from the file each option came from. */
export function mergedSource(merged: MergedRule, top: ParsedFile): YamlSource {
  return {
    value: merged.value,
    lineOf: (p: YamlPath): number | undefined => locate(merged, top, p).line,
  };
}

function originOfPath(merged: MergedRule, p: YamlPath): Origin | undefined {
  const key = p[0] === undefined ? undefined : String(p[0]);
  if (key === 'filter' && p[1] !== undefined) {
    const entry = merged.filterOrigins[Number(p[1])];
    if (entry) return entry;
  }
  return key === undefined ? undefined : merged.origins.get(key);
}

/**
 * The file a problem about `field` belongs in. Field names join keys with dots, and keys may hold
 * dots themselves, so the longest option name that prefixes the field wins.
 */
export function fileOfField(merged: MergedRule, field: string | undefined, fallback: string): string {
  if (!field) return fallback;
  let best: string | undefined;
  for (const key of merged.origins.keys()) {
    if ((field === key || field.startsWith(`${key}.`) || field.startsWith(`${key}[`)) && (!best || key.length > best.length)) best = key;
  }
  if (best === undefined) return fallback;
  if (best === 'filter') {
    const index = /^filter\[(\d+)\]/.exec(field)?.[1];
    const entry = index === undefined ? undefined : merged.filterOrigins[Number(index)];
    if (entry) return entry.file.display;
  }
  return merged.origins.get(best)?.file.display ?? fallback;
}

/** File and line of an option path in the merged rule; the rule file itself when the option is absent. */
export function locate(merged: MergedRule, top: ParsedFile, p: YamlPath): { file: string; line: number | undefined } {
  const origin = originOfPath(merged, p);
  const file = origin?.file ?? top;
  const local = origin?.index !== undefined ? ['filter', origin.index, ...p.slice(2)] : p;
  return { file: file.display, line: (file.source ?? top.source)?.lineOf(local) };
}
