import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.ts';
import { EsError } from '../es/errors.ts';
import { NoElasticsearchError } from '../es/provision/index.ts';
import { VERSION } from '../version.ts';
import { initCommand } from './commands/init.ts';
import { lintCommand } from './commands/lint.ts';
import { runCommand } from './commands/run.ts';
import { silenceCommand, silencesCommand, unsilenceCommand } from './commands/silence.ts';
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
    .option('--provision', 'start a local Elasticsearch for this command as the tests do (ES_URL, Docker, or Java + Maven) and stop it afterwards')
    .action(async (opts: { config?: string; provision?: boolean }) => {
      code = await initCommand(opts, io);
    });

  const configOption = ['-c, --config <file>', 'config file (default: ./config.yaml, or $LOGWARDEN_CONFIG)'] as const;

  program
    .command('run')
    .description('run every enabled rule on its schedule until SIGTERM/SIGINT')
    .option(...configOption)
    .option('--once', 'run each rule once and exit (non-zero if any run failed)')
    .option('--rule <name>', 'only this rule (with --once)')
    .option('--start <time>', 'window start: ISO time, date, or relative like -2h (implies --once)')
    .option('--end <time>', 'window end (default: now; implies --once)')
    .action(async (opts: { config?: string; once?: boolean; rule?: string; start?: string; end?: string }) => {
      code = await runCommand(opts, io);
    });

  program
    .command('lint')
    .description('validate config and rule files without touching Elasticsearch; exit 1 on any problem')
    .argument('[paths...]', 'rule files or folders (default: rules_folder)')
    .option(...configOption)
    .option('--json', 'print the result as JSON')
    .action(async (paths: string[], opts: { config?: string; json?: boolean }) => {
      code = await lintCommand({ paths, ...opts }, io);
    });

  program
    .command('silence')
    .description('suppress alerts of a rule, or of one query_key value of it, for a while')
    .requiredOption('--rule <name>', 'rule name')
    .option('--key <value>', 'only this query_key value')
    .option('--for <duration>', 'how long, e.g. 30m, 2h, 1d', '1h')
    .option('--reason <text>', 'why, shown in `logwarden silences`')
    .option(...configOption)
    .action(async (opts: { rule: string; key?: string; for?: string; reason?: string; config?: string }) => {
      code = await silenceCommand(opts, io);
    });

  program
    .command('unsilence')
    .description('remove a silence set with `logwarden silence`')
    .requiredOption('--rule <name>', 'rule name')
    .option('--key <value>', 'the query_key value given to silence')
    .option(...configOption)
    .action(async (opts: { rule: string; key?: string; config?: string }) => {
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
