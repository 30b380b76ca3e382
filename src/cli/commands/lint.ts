import { statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, formatProblem, type ConfigProblem } from '../../config/errors.ts';
import { loadConfig, resolveConfig, type LogWardenConfig } from '../../config/load-config.ts';
import { runnableProblems } from '../../rules/runnable.ts';
import { findRuleFiles, loadRuleFiles, loadRules, type LoadedRules } from '../../rules/load-rules.ts';
import type { RuleDefinition } from '../../rules/types.ts';
import { esLintWarnings } from '../../templates/lint-es.ts';
import { openEs } from '../connect.ts';
import type { CliIO } from '../io.ts';

export interface LintOptions {
  /** Rule files or folders; none means the config's rules_folder. */
  paths: string[];
  config?: string;
  json?: boolean;
  /** Folder that paths are resolved against and shown relative to; default the process's. */
  cwd?: string;
  /** Also read the rules' index mappings from Elasticsearch and warn where filters cannot rely on them. */
  checkEs?: boolean;
}

export interface LintReport {
  ok: boolean;
  rules: { file: string; name: string; type: string }[];
  problems: ConfigProblem[];
}

/**
 * Validates the config and rule files without touching Elasticsearch and reports every problem
 * at once, so that one review round fixes them all. Exit code 1 on any problem.
 */
export async function lintCommand(opts: LintOptions, io: CliIO): Promise<number> {
  const { report, runnable } = lintRules(opts, io.env);
  if (opts.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    for (const problem of report.problems) io.out(formatProblem(problem));
    io.out(summary(report));
  }
  if (opts.checkEs && runnable.length > 0) {
    const { es } = openEs(opts.config, io);
    try {
      const warnings = await esLintWarnings(es, runnable);
      // With --json, stdout stays one JSON document.
      const say = opts.json ? io.err : io.out;
      for (const w of warnings) say(`Warning: ${w.file}: rule ${JSON.stringify(w.rule)}: ${w.field} ${w.message}`);
      say(warnings.length === 0 ? `Mappings in ${es.url} fit every rule's filter` : `${warnings.length} mapping warning${warnings.length === 1 ? '' : 's'} from ${es.url}`);
    } finally {
      await es.close();
    }
  }
  return report.ok ? 0 : 1;
}

/** The lint result without printing, for callers that present it themselves. */
export function lint(opts: LintOptions, env: NodeJS.ProcessEnv): LintReport {
  return lintRules(opts, env).report;
}

function lintRules(opts: LintOptions, env: NodeJS.ProcessEnv): { report: LintReport; runnable: RuleDefinition[] } {
  const cwd = opts.cwd ?? process.cwd();
  const problems: ConfigProblem[] = [];
  const config = readConfig(opts.config, env, cwd, problems);
  if (!config) return { report: { ok: false, rules: [], problems }, runnable: [] };

  let loaded: LoadedRules;
  if (opts.paths.length === 0) {
    loaded = loadRules(config, env, { displayRoot: cwd });
  } else {
    const files: string[] = [];
    for (const given of opts.paths) {
      const abs = path.resolve(cwd, given);
      const stat = statSync(abs, { throwIfNoEntry: false });
      if (!stat) problems.push({ file: given, message: 'no such file or folder' });
      else if (stat.isDirectory()) files.push(...findRuleFiles(abs, config.scanSubdirectories, (dir, code) => problems.push({ file: path.relative(cwd, dir) || dir, message: `cannot read the folder (${code})` })));
      else files.push(abs);
    }
    loaded = loadRuleFiles(files, config, env, { displayRoot: cwd });
  }
  problems.push(...loaded.problems);
  // Schema-valid rules must also be ones the engine can start (rule type options, alerters).
  const runnable = loaded.rules.filter((rule) => {
    const more = runnableProblems(rule, cwd);
    problems.push(...more);
    return more.length === 0;
  });
  return {
    report: { ok: problems.length === 0, rules: runnable.map((r) => ({ file: r.file, name: r.name, type: r.type })), problems },
    runnable,
  };
}

/** A broken config is reported like a broken rule; the rules are then checked against the defaults. */
function readConfig(file: string | undefined, env: NodeJS.ProcessEnv, cwd: string, problems: ConfigProblem[]): LogWardenConfig | undefined {
  try {
    return loadConfig({ file, env, cwd });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  try {
    return resolveConfig({}, { file: undefined, env, cwd });
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
    return undefined;
  }
}

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** "3 rules OK, 1 file with 2 problems" */
export function summary(report: LintReport): string {
  const ok = `${plural(report.rules.length, 'rule')} OK`;
  if (report.problems.length === 0) return ok;
  const files = new Set(report.problems.map((p) => p.file)).size;
  return `${ok}, ${plural(files, 'file')} with ${plural(report.problems.length, 'problem')}`;
}
