import { statSync } from 'node:fs';
import path from 'node:path';
import { ConfigError, formatProblem, type ConfigProblem } from '../../config/errors.ts';
import { loadConfig, resolveConfig, type LogWardenConfig } from '../../config/load-config.ts';
import { compileRule } from '../../rules/compile.ts';
import { findRuleFiles, loadRuleFiles, loadRules, type LoadedRules } from '../../rules/load-rules.ts';
import { createEsClient } from '../../es/client.ts';
import { EsError } from '../../es/errors.ts';
import type { RuleDefinition } from '../../rules/types.ts';
import { esLintWarnings } from '../../templates/lint-es.ts';
import type { CliIO } from '../io.ts';
import { checkRulesAgainstEs } from './lint-es.ts';
import { systemClock } from '../../schedule/clock.ts';

export interface LintOptions {
  /** Rule files or folders; none means the config's rules_folder. */
  paths: string[];
  config?: string;
  json?: boolean;
  /** Also check each rule against the cluster's mappings (index, fields; warnings where filters cannot rely on them); needs Elasticsearch. */
  checkEs?: boolean;
  /** Folder that paths are resolved against and shown relative to; default the process's. */
  cwd?: string;
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
  const { report, rules, config } = lintRules(opts, io.env);
  let mappingWarnings: string[] = [];
  if (opts.checkEs && config) {
    if (!config.es)
      throw new EsError(
        'bad_request',
        'lint --check-es: no Elasticsearch configured: set es_url (or es_host and es_port) in config.yaml, or the ES_URL environment variable.',
      );
    const es = createEsClient(config.es);
    try {
      const more = await checkRulesAgainstEs(es, rules, systemClock.now());
      report.problems.push(...more);
      const bad = new Set(more.map((p) => `${p.file}\u0000${p.rule ?? ''}`));
      // Mapping warnings (fields the pack's filters cannot rely on) do not change the exit code.
      // An index matching nothing and an unmapped field are already problems above (with did-you-mean).
      const warnings = (rules.length > 0 ? await esLintWarnings(es, rules) : []).filter(
        (w) => !/^no index matches |^is not mapped in /.test(w.message),
      );
      mappingWarnings = warnings.map((w) => `Warning: ${w.file}: rule ${JSON.stringify(w.rule)}: ${w.field} ${w.message}`);
      report.rules = report.rules.filter((r) => !bad.has(`${r.file}\u0000${r.name}`));
      report.ok = report.problems.length === 0;
    } finally {
      await es.close();
    }
  }
  if (opts.json) {
    io.out(JSON.stringify(report, null, 2));
  } else {
    for (const problem of report.problems) io.out(formatProblem(problem));
    io.out(summary(report));
  }
  // With --json, stdout stays one JSON document.
  for (const w of mappingWarnings) (opts.json ? io.err : io.out)(w);
  return report.ok ? 0 : 1;
}

/** The lint result without printing, for callers that present it themselves. */
export function lint(opts: LintOptions, env: NodeJS.ProcessEnv): LintReport {
  return lintRules(opts, env).report;
}

/** The lint result, the rules that passed it and the config they were read with (when it loaded). */
function lintRules(
  opts: LintOptions,
  env: NodeJS.ProcessEnv,
): { report: LintReport; rules: RuleDefinition[]; config: LogWardenConfig | undefined } {
  const cwd = opts.cwd ?? process.cwd();
  const problems: ConfigProblem[] = [];
  const config = readConfig(opts.config, env, cwd, problems);
  if (!config) return { report: { ok: false, rules: [], problems }, rules: [], config: undefined };

  let loaded: LoadedRules;
  if (opts.paths.length === 0) {
    loaded = loadRules(config, env, { displayRoot: cwd });
  } else {
    const files: string[] = [];
    for (const given of opts.paths) {
      const abs = path.resolve(cwd, given);
      const stat = statSync(abs, { throwIfNoEntry: false });
      if (!stat) problems.push({ file: given, message: 'no such file or folder' });
      else if (stat.isDirectory())
        files.push(
          ...findRuleFiles(abs, config.scanSubdirectories, (dir, code) =>
            problems.push({ file: path.relative(cwd, dir) || dir, message: `cannot read the folder (${code})` }),
          ),
        );
      else files.push(abs);
    }
    loaded = loadRuleFiles(files, config, env, { displayRoot: cwd });
  }
  problems.push(...loaded.problems);
  // Schema-valid rules must also be ones the engine can start (rule type options, alerters).
  const runnable = loaded.rules.filter((rule) => {
    const { compiled, problems: more } = compileRule(rule, { root: cwd });
    problems.push(...more);
    // Built only to check their options: nothing is sent.
    for (const alerter of compiled?.alerters ?? []) void alerter.close?.()?.catch(() => undefined);
    return more.length === 0;
  });
  return {
    report: { ok: problems.length === 0, rules: runnable.map((r) => ({ file: r.file, name: r.name, type: r.type })), problems },
    rules: runnable,
    config,
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
