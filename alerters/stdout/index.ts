import type { Alerter, AlerterFactory, AlertPayload } from '../types.ts';

/**
 * Strips what a log line could use to take over a terminal: ANSI/OSC escape sequences (cursor
 * moves, recolouring, window titles, hyperlinks), other control characters, and bidirectional
 * overrides that make text read differently from what it is.
 */
export function terminalSafe(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(
    /\u001b\[[0-9;?]*[ -/]*[@-~]|\u001b[\]PX^_][^\u0007\u001b]*(\u0007|\u001b\\)?|[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g,
    '',
  );
}

/** Prints each alert as a readable block on standard output (ElastAlert2's stdout alerter prints the same text). */
export const createStdoutAlerter: AlerterFactory = (_ref, _rule, deps): Alerter => ({
  type: 'stdout',
  async send(alert: AlertPayload): Promise<void> {
    const rule = '─'.repeat(72);
    const when = new Date(alert.matchTimeMs).toISOString();
    deps.out(
      `${rule}\n${terminalSafe(alert.subject)}  [${alert.severity ?? 'alert'}] ${when}\n${rule}\n${terminalSafe(alert.text).trimEnd()}\n`,
    );
  },
});
