import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger } from 'pino';

/**
 * JSON lines on stderr for machines; colourised, readable lines when a person watches a terminal.
 * Secrets never reach the logger: callers log EsError messages, which are redacted.
 */
export function createLogger(options: { level?: string | undefined; pretty?: boolean; files?: readonly string[]; stdout?: boolean } = {}): Logger {
  // The environment wins over config.yaml's `logging`, so one run can be debugged without editing it.
  const level = process.env.LOGWARDEN_LOG_LEVEL || options.level || 'info';
  const fd = options.stdout ? 1 : 2;
  const usePretty = options.pretty ?? Boolean((options.stdout ? process.stdout : process.stderr).isTTY);
  const files = options.files ?? [];
  if (files.length > 0) {
    // ElastAlert2's logging.FileHandler: the same lines also go to each file, appended.
    const streams = [
      { level, stream: usePretty ? pretty({ destination: fd, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true }) : pino.destination({ fd, sync: true }) },
      ...files.map((dest) => ({ level, stream: pino.destination({ dest, sync: true, append: true, mkdir: true }) })),
    ];
    return pino({ level, base: undefined }, pino.multistream(streams));
  }
  if (usePretty) {
    return pino({ level }, pretty({ destination: fd, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true }));
  }
  return pino({ level, base: undefined }, pino.destination({ fd, sync: true }));
}

/** A logger that drops everything, for tests that assert on other outputs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
