import { statSync } from 'node:fs';
import path from 'node:path';
import { formatProblem, type ConfigProblem } from '../config/errors.ts';
import type { LogWardenConfig } from '../config/load-config.ts';
import { validate } from '../config/validate.ts';
import { unimplementedTypeReason } from '../ruletypes/index.ts';
import { alertEntries, checkRule, type CheckContext } from './checks.ts';
import { expandListFiles } from './list-files.ts';
import { FileCache, fileOfField, importedFiles, locate, mergedSource, mergeImports } from './imports.ts';
import { normaliseRule } from './normalise.ts';
import { walkFiles } from './walk-files.ts';
import { ruleSchema } from './schema.ts';
import type { RuleDefinition } from './types.ts';

export interface LoadedRules {
  rules: RuleDefinition[];
  problems: ConfigProblem[];
}

export interface LoadRulesOptions {
  /** Folder that file names in rules and messages are relative to; default the rules folder. */
  displayRoot?: string;
  /** Hears of each file (as displayed) before it is read. */
  onRead?: (file: string) => void;
}

const isRuleFileName = (name: string): boolean => /\.ya?ml$/.test(name) && !/\.test\.ya?ml$/.test(name);

/**
 * Rule files under `folder`: every *.yaml and *.yml, except *.test.yaml / *.test.yml (rule test
 * fixtures). Hidden folders are skipped (.git, and Kubernetes' ..data links that ElastAlert2
 * also skips); symbolic links are followed once.
 */
export function findRuleFiles(folder: string, recursive = true, unreadable?: (dir: string, code: string) => void): string[] {
  return walkFiles(folder, { recursive, accept: isRuleFileName, unreadable });
}

/** Loads every rule in `config.rulesFolder`. A bad file never stops the others: its problems are collected. */
export function loadRules(config: LogWardenConfig, env: NodeJS.ProcessEnv, options: LoadRulesOptions = {}): LoadedRules {
  const root = options.displayRoot ?? config.rulesFolder;
  const problems: ConfigProblem[] = [];
  const display = displayFor(root);
  const files: string[] = [];
  // ElastAlert2's rules_folder may be a list: every folder is loaded, names unique across them.
  // rulesFolder is the first of them (callers that replace it replace the first).
  for (const folder of [config.rulesFolder, ...(config.rulesFolders ?? []).slice(1)]) {
    const stat = statSync(folder, { throwIfNoEntry: false });
    if (!stat?.isDirectory()) {
      const shown = path.relative(root, folder) || folder;
      problems.push({ file: shown, message: stat ? 'the rules folder is not a folder' : 'the rules folder does not exist' });
      continue;
    }
    files.push(...findRuleFiles(folder, config.scanSubdirectories, (dir, code) => problems.push({ file: display(dir), message: `cannot read the folder (${code})` })));
  }
  const loaded = loadRuleFiles(files, config, env, options);
  return { rules: loaded.rules, problems: [...problems, ...loaded.problems] };
}

/**
 * Loads the given rule files together. A file that another of them imports is a fragment, not a
 * rule of its own (ElastAlert2 would load it as a rule too if it ends in .yaml; it asks fragments
 * to use another suffix, which we do not require). Only files in `files` count as importers, and
 * files that only import each other in a cycle are loaded so that the cycle is reported.
 * Duplicate names: the first file (by path) keeps the name; each later one is a problem.
 */
export function loadRuleFiles(files: readonly string[], config: LogWardenConfig, env: NodeJS.ProcessEnv, options: LoadRulesOptions = {}): LoadedRules {
  const cache = new FileCache(env, displayFor(options.displayRoot ?? config.rulesFolder), options.onRead);
  const candidates = [...new Set(files.map((f) => path.resolve(f)))].filter((f) => !/\.test\.ya?ml$/.test(f)).sort();
  const ruleFiles = withoutFragments(candidates, cache);

  const rules: RuleDefinition[] = [];
  const problems: ConfigProblem[] = [];
  const byName = new Map<string, RuleDefinition>();
  for (const abs of ruleFiles) {
    const loaded = loadOne(abs, cache, config);
    problems.push(...loaded.problems);
    if (!loaded.rule) continue;
    const first = byName.get(loaded.rule.name);
    if (first) {
      problems.push({ file: loaded.nameAt.file, line: loaded.nameAt.line, rule: loaded.rule.name, field: 'name', message: `duplicate rule name; ${first.file} uses it too` });
      continue;
    }
    byName.set(loaded.rule.name, loaded.rule);
    rules.push(loaded.rule);
  }
  return { rules, problems: dedupe(problems) };
}

/** Loads one rule file with its imports, whatever its name. */
type LoadedRuleFile = { rule: RuleDefinition | undefined; problems: ConfigProblem[] };

export function loadRuleFile(file: string, config: LogWardenConfig, env: NodeJS.ProcessEnv, options: LoadRulesOptions = {}): LoadedRuleFile {
  const cache = new FileCache(env, displayFor(options.displayRoot ?? config.rulesFolder));
  const { rule, problems } = loadOne(path.resolve(file), cache, config);
  return { rule, problems: dedupe(problems) };
}

function displayFor(root: string): (abs: string) => string {
  return (abs) => path.relative(root, abs) || path.basename(abs);
}

function withoutFragments(candidates: readonly string[], cache: FileCache): string[] {
  const imports = new Map(candidates.map((abs) => [abs, importedFiles(cache.get(abs), cache)]));
  const imported = new Set([...imports.values()].flatMap((targets) => [...targets]));
  // Files that import each other in a circle with no rule above them stay, so the cycle is reported.
  const reachable = new Set(candidates.filter((abs) => !imported.has(abs)).flatMap((root) => [...(imports.get(root) ?? [])]));
  const kept: string[] = [];
  for (const abs of candidates) {
    if (!imported.has(abs)) kept.push(abs);
    // One file of such a circle is enough to report it.
    else if (!reachable.has(abs) && !kept.some((k) => imports.get(k)?.has(abs))) kept.push(abs);
  }
  return kept;
}

interface LoadedOne {
  rule: RuleDefinition | undefined;
  problems: ConfigProblem[];
  nameAt: { file: string; line: number | undefined };
}

function loadOne(abs: string, cache: FileCache, config: LogWardenConfig): LoadedOne {
  const top = cache.get(abs);
  const merged = mergeImports(top, cache);
  const value = merged.value;
  const rule = typeof value.name === 'string' && value.name !== '' ? value.name : undefined;
  const nameAt = locate(merged, top, ['name']);
  const problems: ConfigProblem[] = merged.problems.map((p) => ({ ...p, rule: p.rule ?? rule }));
  if (!top.value) return { rule: undefined, problems, nameAt };

  // ElastAlert2 reads the timestamp type case-insensitively.
  if (typeof value.timestamp_type === 'string') value.timestamp_type = value.timestamp_type.trim().toLowerCase();
  const aboutUnexpanded = (file: string, field: string | undefined): boolean =>
    merged.unexpanded.some((u) => u.file === file && field !== undefined && (u.field === field || u.field.startsWith(`${field}.`) || u.field.startsWith(`${field}[`)));
  const schemaProblems = validate(ruleSchema, value, { file: top.display, rule, source: mergedSource(merged, top) })
    .map((p) => ({ ...p, file: fileOfField(merged, p.field, top.display) }))
    .filter((p) => !aboutUnexpanded(p.file, p.field))
    // A custom "module.Class" type gets its own message (checks.ts) rather than the list of types.
    .filter((p) => !(p.field === 'type' && typeof value.type === 'string' && value.type.includes('.')));
  problems.push(...schemaProblems);

  const ctx: CheckContext = {
    merged,
    rule,
    defaults: config.ruleDefaults,
    extra: [],
    report: (p, field, message) => problems.push({ ...locate(merged, top, p), rule, field, message }),
  };
  const alerts = alertEntries(ctx);
  // A type LogWarden cannot run is said first, and its type's own option checks are skipped:
  // fixing max_cardinality only to learn next that cardinality does not run wastes a round.
  // A disabled rule is never run, so its type is checked as ElastAlert2 would and not refused.
  const unrunnable = typeof value.type === 'string' && value.is_enabled !== false && !schemaProblems.some((p) => p.field === 'type') ? unimplementedTypeReason(value.type) : undefined;
  if (!unrunnable) {
    checkRule(ctx);
    expandListFiles(ctx);
  }
  problems.push(...ctx.extra.filter((p) => !aboutUnexpanded(p.file, p.field)));
  if (unrunnable) {
    const typeProblem: ConfigProblem = { ...locate(merged, top, ['type']), rule, field: 'type', message: unrunnable };
    return { rule: undefined, problems: [typeProblem, ...sortByLine(problems)], nameAt };
  }
  if (problems.length > 0) return { rule: undefined, problems: sortByLine(problems), nameAt };
  return { rule: normaliseRule(value, alerts, top.display, config), problems, nameAt };
}

function sortByLine(problems: ConfigProblem[]): ConfigProblem[] {
  return problems
    .map((p, i) => ({ p, i }))
    .sort((a, b) => a.p.file.localeCompare(b.p.file) || (a.p.line ?? Infinity) - (b.p.line ?? Infinity) || a.i - b.i)
    .map(({ p }) => p);
}

function dedupe(problems: ConfigProblem[]): ConfigProblem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
