import path from 'node:path';

/** What LogWarden takes from ElastAlert2's `logging` mapping (Python's logging.config.dictConfig). */
export interface LoggingSettings {
  /** pino level from the `elastalert` logger, else the root logger. */
  level: string | undefined;
  /** Log lines also go to these files (FileHandler's filename), relative to config.yaml. */
  files: string[];
  /** Handlers that write to stdout rather than stderr. */
  stdout: boolean;
  /** Parts that are read but have no effect here, each with why; `run` logs them at start. */
  notes: string[];
}

const LEVELS: Readonly<Record<string, string>> = {
  NOTSET: 'trace',
  DEBUG: 'debug',
  INFO: 'info',
  WARN: 'warn',
  WARNING: 'warn',
  ERROR: 'error',
  CRITICAL: 'fatal',
  FATAL: 'fatal',
};

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * Reads the levels and handlers of a dictConfig. Stream handlers (stderr or stdout) and file
 * handlers are honoured; other handler classes are refused by name, since their output would be
 * lost. Formatters cannot apply to JSON lines: that is noted, not refused, so a stock ElastAlert2
 * config still starts.
 */
export function loggingSettings(
  raw: unknown,
  baseDir: string,
  report: (field: string, message: string) => void,
): LoggingSettings | undefined {
  if (raw === undefined) return undefined;
  if (!isObject(raw)) {
    report('logging', "expected a mapping as Python's logging.config.dictConfig takes");
    return undefined;
  }
  const notes: string[] = [];
  const files: string[] = [];
  let stdout = false;
  const handlers = isObject(raw.handlers) ? raw.handlers : {};
  for (const [name, handler] of Object.entries(handlers)) {
    const field = `logging.handlers.${name}`;
    if (!isObject(handler)) {
      report(field, 'expected a mapping with a class');
      continue;
    }
    const cls = String(handler.class ?? '').trim();
    if (cls === 'logging.StreamHandler') {
      if (String(handler.stream ?? '').includes('stdout')) stdout = true;
    } else if (cls === 'logging.FileHandler') {
      if (typeof handler.filename !== 'string' || handler.filename === '')
        report(`${field}.filename`, 'is required by logging.FileHandler');
      else files.push(path.resolve(baseDir, handler.filename));
    } else {
      report(
        `${field}.class`,
        `${JSON.stringify(cls)} is not supported: LogWarden writes log lines to stderr (logging.StreamHandler) and to files (logging.FileHandler); rotate files with logrotate (copytruncate)`,
      );
    }
  }
  if (raw.formatters !== undefined)
    notes.push('logging.formatters: LogWarden writes JSON lines (pretty lines on a terminal); Python format strings are not used');
  const loggers = isObject(raw.loggers) ? raw.loggers : {};
  const levelOf = (where: string, logger: unknown): string | undefined => {
    if (!isObject(logger) || logger.level === undefined) return undefined;
    const level = LEVELS[String(logger.level).toUpperCase()];
    if (!level) report(`${where}.level`, `expected one of ${Object.keys(LEVELS).join(', ')}, got ${JSON.stringify(logger.level)}`);
    return level;
  };
  const level =
    levelOf('logging.loggers.elastalert', loggers.elastalert) ??
    levelOf('logging.root', raw.root) ??
    levelOf('logging.loggers.', loggers['']);
  return { level, files, stdout, notes };
}
