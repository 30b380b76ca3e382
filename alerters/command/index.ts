/**
 * ElastAlert2's `command` alerter: runs a program for each alert, with arguments filled from the
 * match (argv.ts), and optionally the match as JSON (`pipe_match_json`) or the alert text
 * (`pipe_alert_text`) on its standard input.
 *
 * Never through a shell: `command` must be a list (program, then arguments). ElastAlert2 runs a
 * string through `/bin/sh`, where a log value could run commands of its own; that form is refused
 * at load with the list to write instead. Values are separate arguments, never parsed again.
 *
 * Outcome: a program that cannot be started (not found, not executable) fails for good; with
 * `fail_on_non_zero_exit`, a non-zero exit or a signal is a retryable failure (as ElastAlert2,
 * whose failed alerts are retried); `command_timeout` (ours, default 60 s) kills a program
 * that does not finish and retries. The end of its standard error is quoted in the message.
 */
import { spawn } from 'node:child_process';
import { pyJsonDumps } from '../../src/pycompat/index.ts';
import { missingValue } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { AlerterError, optionError, type Alerter, type AlerterFactory, type AlertPayload } from '../types.ts';
import { parseArg, renderArg, type ArgPart } from './argv.ts';
import { commandSchema } from './schema.ts';

interface CommandOptions {
  command: string | string[];
  pipe_match_json?: boolean;
  pipe_alert_text?: boolean;
  fail_on_non_zero_exit?: boolean;
  command_timeout?: number;
}

const DEFAULT_TIMEOUT_MS = 60_000;
const STDERR_QUOTE = 300;

export const createCommandAlerter: AlerterFactory = (ref, rule, deps): Alerter => {
  const o = readOptions<CommandOptions>(commandSchema, ref, rule);
  if (typeof o.command === 'string') {
    throw optionError(
      rule,
      'command',
      `a string is run through a shell by ElastAlert2, where a log value could run commands; write the program and its arguments as a list, e.g. ${JSON.stringify(o.command.trim().split(/\s+/))}`,
    );
  }
  if (o.command.length === 0 || o.command[0] === '') throw optionError(rule, 'command', 'must name a program');
  const args: ArgPart[][] = o.command.map((arg, i) => {
    try {
      return parseArg(arg);
    } catch (error) {
      throw optionError(rule, `command[${i}]`, (error as Error).message);
    }
  });
  const program = o.command[0] as string;
  const timeoutMs = o.command_timeout !== undefined ? Math.round(o.command_timeout * 1000) : DEFAULT_TIMEOUT_MS;
  const missing = missingValue(rule);

  const stdinFor = (alert: AlertPayload): string | undefined => {
    // ElastAlert2: the list of matches as JSON plus a newline; else the alert text; else nothing.
    if (o.pipe_match_json) return `${pyJsonDumps([alert.match])}\n`;
    if (o.pipe_alert_text) return alert.text;
    return undefined;
  };

  return {
    type: 'command',
    send(alert: AlertPayload): Promise<void> {
      const argv = args.map((parts) => renderArg(parts, alert.match, missing));
      const input = stdinFor(alert);
      return new Promise((resolve, reject) => {
        const child = spawn(argv[0] ?? program, argv.slice(1), {
          shell: false,
          stdio: ['pipe', 'ignore', 'pipe'],
          timeout: timeoutMs,
          killSignal: 'SIGKILL',
        });
        let stderr = '';
        child.stderr.on('data', (chunk: Buffer) => {
          stderr = (stderr + chunk.toString('utf8')).slice(-4096);
        });
        // A program that does not read its input closes the pipe: not a failure of the alert.
        child.stdin.on('error', () => undefined);
        child.stdin.end(input);
        child.on('error', (error: NodeJS.ErrnoException) => {
          const permanent = error.code === 'ENOENT' || error.code === 'EACCES';
          reject(new AlerterError('command', `cannot run ${JSON.stringify(program)}: ${error.code ?? error.message}`, !permanent));
        });
        child.on('close', (code, signal) => {
          // Not started at all: 'error' has said why.
          if (child.pid === undefined) return;
          const tail = stderr.trim().replace(/\s+/g, ' ').slice(-STDERR_QUOTE);
          const said = tail ? `; stderr: ${tail}` : '';
          if (signal === 'SIGKILL' && code === null) {
            reject(
              new AlerterError(
                'command',
                `${JSON.stringify(program)} did not finish within ${timeoutMs / 1000}s and was killed${said}`,
                true,
              ),
            );
          } else if (o.fail_on_non_zero_exit && code !== 0) {
            reject(
              new AlerterError(
                'command',
                `${JSON.stringify(program)} ${code === null ? `ended by ${signal}` : `exited with ${code}`}${said}`,
                true,
              ),
            );
          } else {
            if (code !== 0)
              deps.log.warn(
                { rule: rule.name, alert_id: alert.alertId },
                `command ${JSON.stringify(program)} exited with ${code ?? signal} (fail_on_non_zero_exit is off)`,
              );
            resolve();
          }
        });
      });
    },
  };
};
