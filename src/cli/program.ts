import { Command, CommanderError, InvalidArgumentError } from 'commander';
import { ConfigError } from '../config/errors.ts';
import { EsError } from '../es/errors.ts';
import { NoElasticsearchError } from '../es/provision/index.ts';
import { templatesInstallCommand } from '../templates/command.ts';
import { VERSION } from '../version.ts';
import { backtestCommand } from './commands/backtest.ts';
import { demoCommand } from './commands/demo.ts';
import { initCommand } from './commands/init.ts';
import { lintCommand } from './commands/lint.ts';
import { runCommand, type RunOptions } from './commands/run.ts';
import { silenceCommand, silencesCommand, unsilenceCommand } from './commands/silence.ts';
import { testRuleCommand } from './commands/test-rule.ts';
import { testCommand } from './commands/test.ts';
import type { CliIO } from './io.ts';

/** Builds the `logwarden` command line; `run` returns the exit code instead of exiting. */
export async function runCli(argv: readonly string[], io: CliIO): Promise<number> {
  let code = 0;
  const program = new Command()
    .name('logwarden')
    .description('Rule-based alerting over logs in Elasticsearch; reads ElastAlert2 rule files.')
    .version(VERSION, '-V, --version', 'print the version')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.out(s.trimEnd()), writeErr: (s) => io.err(s.trimEnd()) });

  program
    .command('init')
    .description('connect to Elasticsearch, create the writeback indices (idempotent) and report the cluster version')
    .option('-c, --config <file>', 'config file (default: ./config.yaml, or $LOGWARDEN_CONFIG)')
    .option(
      '--provision',
      'start a local Elasticsearch for this command as the tests do (ES_URL, Docker, or Java + Maven) and stop it afterwards',
    )
    .option(
      '--recreate',
      'delete the writeback indices first and create them anew: their alerts, silences and status are LOST (elastalert-create-index --recreate)',
    )
    .option(
      '--old-index <base>',
      'copy the writeback indices of this older base name into the new ones (elastalert-create-index --old-index)',
    )
    .action(async (opts: { config?: string; provision?: boolean; recreate?: boolean; oldIndex?: string }) => {
      code = await initCommand(opts, io);
    });

  const configOption = ['-c, --config <file>', 'config file (default: ./config.yaml, or $LOGWARDEN_CONFIG)'] as const;

  program
    .command('run')
    .description('run every enabled rule on its schedule until SIGTERM/SIGINT')
    .option(...configOption)
    .option('--once', 'run each rule once and exit (non-zero if any run failed)')
    .option('--rule <name>', 'only this rule (continuously, or with --once)')
    .option(
      '--start <time>',
      'catch up from this time (ISO time, date, or relative like -2h), then keep running; with --once or --end, run that window and exit',
    )
    .option('--end <time>', 'window end: run up to this time and exit (default with --start: now)')
    .option('--json', 'with --once: print every rule run and every alert (key, match time, alert id, status per alerter) as JSON on stdout')
    .option('--fail-on-alerts', 'with --once: exit 5 when at least one alert fired (CI gates)')
    .option('--verbose', 'log at info level (ElastAlert2 --verbose)')
    .option('--debug', 'log at debug level (ElastAlert2 --debug; alerts are still sent)')
    .option('--es_debug', 'log every Elasticsearch request (method, path, status) at debug level')
    .action(async (opts: Omit<RunOptions, 'esDebug'> & { es_debug?: boolean }) => {
      const { es_debug: esDebug, ...rest } = opts;
      code = await runCommand({ ...rest, esDebug: Boolean(esDebug) }, io);
    });

  program
    .command('lint')
    .description('validate config and rule files (without touching Elasticsearch unless --check-es); exit 1 on any problem')
    .argument('[paths...]', 'rule files or folders (default: rules_folder)')
    .option(...configOption)
    .option('--json', 'print the result as JSON')
    .option(
      '--check-es',
      'also check each rule against Elasticsearch: its index matches something; timestamp, query_key, compare_key, new_term and filtered fields are in the mapping (did-you-mean) and aggregatable where counted; and warns where a filter cannot rely on the mapping (text fields, dynamically mapped bodies)',
    )
    .action(async (paths: string[], opts: { config?: string; json?: boolean; checkEs?: boolean }) => {
      code = await lintCommand({ paths, ...opts }, io);
    });

  program
    .command('templates')
    .description("the rule pack's Elasticsearch index templates")
    .command('install')
    .description('create or update the index templates the bundled rules rely on (logwarden-k8s-audit, -auth, -cloudtrail, -proxy)')
    .option(...configOption)
    .option('--dry-run', 'print the PUT _index_template requests instead of sending them')
    .option('--dir <folder>', 'template files to install (default: the bundled rules/index-templates)')
    .action(async (opts: { config?: string; dryRun?: boolean; dir?: string }) => {
      code = await templatesInstallCommand(opts, io);
    });

  program
    .command('demo')
    .description(
      'start Elasticsearch, load the last hours of sample logs with attack scenarios, run the bundled rules, print alerts and what was caught',
    )
    .option('--rules <folder>', 'rules to run (default: the bundled rules/)')
    .option('--hours <n>', 'hours of generated history', '2')
    .option('--live <seconds>', 'keep running live this long after catching up (0: no live part)', '60')
    .option('--seed <n>', 'seed of the generated logs', '42')
    .option('--benign-only', 'generate no attack scenarios (expect no alert)')
    .action(async (opts: { rules?: string; hours?: string; live?: string; seed?: string; benignOnly?: boolean }) => {
      code = await demoCommand(opts, io);
    });

  program
    .command('test')
    .description(
      'run rule test files (*.test.yaml) against a real Elasticsearch (ES_URL, Docker, or the local distribution); exit 1 on any failure',
    )
    .argument('[paths...]', 'test files, rule files or folders (default: rules_folder)')
    .option(...configOption)
    .option('--junit <file>', 'also write the results as JUnit XML to this file')
    .option('--json', 'print the results as JSON')
    .action(async (paths: string[], opts: { config?: string; junit?: string; json?: boolean }) => {
      code = await testCommand({ paths, ...opts }, io);
    });

  program
    .command('silence')
    .description('suppress alerts of a rule, or of one query_key value of it, for a while')
    .requiredOption('--rule <name>', 'rule name')
    .option('--key <value>', 'only this query_key value')
    .option('--for <duration>', 'how long, e.g. 30m, 2h, 1d', '1h')
    .option('--reason <text>', 'why, shown in `logwarden silences` (default: "silenced with logwarden silence")')
    .option('--force', 'silence a rule name that is not in the rules folder')
    .option(...configOption)
    .action(async (opts: { rule: string; key?: string; for?: string; reason?: string; force?: boolean; config?: string }) => {
      code = await silenceCommand(opts, io);
    });

  program
    .command('unsilence')
    .description('remove a silence set with `logwarden silence`')
    .requiredOption('--rule <name>', 'rule name')
    .option('--key <value>', 'the query_key value given to silence')
    .option('--force', 'a rule name that is not in the rules folder')
    .option(...configOption)
    .action(async (opts: { rule: string; key?: string; force?: boolean; config?: string }) => {
      code = await unsilenceCommand(opts, io);
    });

  program
    .command('silences')
    .description('list active silences (realert and manual)')
    .option(...configOption)
    .option('--json', 'print as JSON')
    .action(async (opts: { config?: string; json?: boolean }) => {
      code = await silencesCommand(opts, io);
    });

  program
    .command('test-rule')
    .description('run one rule over past data and show what it would have alerted, per day; nothing is sent (ElastAlert2 test_rule)')
    .argument('<rule>', 'rule file')
    .option(...configOption)
    .option('--days <n>', 'replay the previous N days (default 1)', wholeNumber(1))
    .option('--start <time>', 'range start: ISO time, date, or relative like -2h (overrides --days)')
    .option('--end <time>', 'range end (default: now)')
    .option('--count-only', 'only count the documents matching the filter, per day')
    .option('--schema-only', 'only validate the rule, as lint does; no Elasticsearch')
    .option('--formatted-output', "print the report as JSON (the first 3 alerts; ElastAlert2's flag)")
    .option('--json', 'print the report as JSON with every alert (key, match time, alert id, status per alerter)')
    .option('--fail-on-alerts', 'exit 5 when the rule would have alerted (CI gates)')
    .option(
      '--data <file>',
      "documents from a JSON array or NDJSON file, put in a throwaway index and queried with the rule's filter; any rule type",
    )
    .option('--save-json <file>', "write the documents the rule's query returns over the range to this file (JSON array of hits)")
    .option('--use-downloaded', 'with --save-json: replay from the saved file instead of the live indices')
    .option('--stop-error', 'stop at the first error (the replay always does; accepted for ElastAlert2 scripts)')
    .option('--alert', "send the alerts through the rule's real alerters (default: capture them, send nothing)")
    .option('--max-query-size <n>', "documents per search page (default: the rule's max_query_size)", wholeNumber(1))
    .option(
      '--writeback <index>',
      "keep the replay's writeback in this index (default: a throwaway logwarden-test-rule-<random>, deleted afterwards)",
    )
    .action(
      async (
        rule: string,
        opts: {
          config?: string;
          days?: number;
          start?: string;
          end?: string;
          countOnly?: boolean;
          schemaOnly?: boolean;
          formattedOutput?: boolean;
          json?: boolean;
          failOnAlerts?: boolean;
          data?: string;
          alert?: boolean;
          maxQuerySize?: number;
          writeback?: string;
          saveJson?: string;
          useDownloaded?: boolean;
          stopError?: boolean;
        },
      ) => {
        code = await testRuleCommand({ rule, ...opts }, io, { progress: terminalProgress() });
      },
    );

  program
    .command('backtest')
    .description('replay every rule over past days and print how many alerts each would have sent per day, noisiest first; nothing is sent')
    .argument('[paths...]', 'rule files or folders (default: rules_folder)')
    .option(...configOption)
    .option('--days <n>', 'replay the last N whole UTC days, today excluded (default 7)', wholeNumber(1))
    .option('--hours <n>', 'replay the last N hours up to --end (default now), today included', wholeNumber(1))
    .option('--start <time>', 'range start: ISO time, date, or relative like -2h (overrides --days)')
    .option('--end <time>', 'range end (default: now)')
    .option(
      '--baseline <duration>',
      "history new_term rules learn before the range, e.g. 6h or 7d (default and maximum: each rule's terms_window_size)",
    )
    .option('--noisy <n>', 'mark rules with more alerts than this on some day (default 20)', wholeNumber(0))
    .option('--html <file>', 'also write a self-contained HTML report with a chart')
    .option('--json', 'print the report as JSON')
    .option('--max-query-size <n>', "documents per search page (default: each rule's max_query_size)", wholeNumber(1))
    .option(
      '--writeback <index>',
      "keep the replay's writeback in this index (default: a throwaway logwarden-backtest-<random>, deleted afterwards)",
    )
    .action(
      async (
        paths: string[],
        opts: {
          config?: string;
          days?: number;
          hours?: number;
          baseline?: string;
          start?: string;
          end?: string;
          noisy?: number;
          html?: string;
          json?: boolean;
          maxQuerySize?: number;
          writeback?: string;
        },
      ) => {
        code = await backtestCommand({ paths, ...opts }, io, { progress: terminalProgress() });
      },
    );

  try {
    await program.parseAsync([...argv], { from: 'user' });
    return code;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode === 0 ? 0 : 2;
    if (error instanceof ConfigError) {
      io.err(error.message);
      return 2;
    }
    if (error instanceof EsError || error instanceof NoElasticsearchError) {
      io.err(error.message);
      return 1;
    }
    throw error;
  }
}

/** An option value that must be a whole number >= min; commander reports anything else as a usage error. */
function wholeNumber(min: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min)
      throw new InvalidArgumentError(`expected a whole number >= ${min}`);
    return n;
  };
}

/**
 * A one-line progress indicator on stderr, rewritten in place; only on a terminal, so logs and
 * CI output never get carriage returns. An empty text clears the line.
 */
function terminalProgress(): ((text: string) => void) | undefined {
  if (!process.stderr.isTTY) return undefined;
  return (text) => {
    process.stderr.write(`\r\u001b[2K${text.slice(0, Math.max(10, (process.stderr.columns || 80) - 1))}`);
  };
}
