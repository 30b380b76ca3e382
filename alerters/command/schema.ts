import type { AlerterSchema } from '../kit/contract.ts';
import { bool, seconds, strOrList } from '../kit/schema-types.ts';

/** The command alerter's options (ElastAlert2's names, no prefix; lint and the alerter read this). */
export const commandSchema: AlerterSchema = {
  name: 'command',
  required: ['command'],
  options: {
    // A list (argv). ElastAlert2 runs a string through a shell; LogWarden refuses that form at load.
    command: strOrList,
    pipe_match_json: bool,
    pipe_alert_text: bool,
    fail_on_non_zero_exit: bool,
    // Ours: how long the program may run (ElastAlert2 waits for ever).
    command_timeout: seconds,
  },
};
