import { Command, CommanderError } from 'commander';
import { ConfigError } from '../config/errors.ts';
import { EsError } from '../es/errors.ts';
import { NoElasticsearchError } from '../es/provision/index.ts';
import { VERSION } from '../version.ts';
import { initCommand } from './commands/init.ts';
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
