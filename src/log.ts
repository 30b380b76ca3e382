import { pino, type DestinationStream, type LogFn, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { formatDuration } from './config/duration.ts';
import { backgroundClock, type Clock } from './schedule/clock.ts';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string | undefined;
  pretty?: boolean;
  /** ElastAlert2's logging.FileHandler: files that get the same lines, appended. */
  files?: readonly string[];
  /** Write to stdout instead of stderr (ElastAlert2's StreamHandler to sys.stdout). */
  stdout?: boolean;
  /** Where lines go instead of stderr (tests). */
  destination?: DestinationStream;
  /** Time for the repeat window; default the system clock, whose timers never keep the process alive. */
  clock?: Clock;
  /** Identical warnings and errors within this window after the first are counted, not written. */
  repeatWindowMs?: number;
}

/** A minute: a rule that fails every tick still says so once a minute, with how often it happened. */
export const REPEAT_WINDOW_MS = 60_000;

const WARN = 40;
const FATAL = 60;
/** Fields that differ on every run of a rule, so lines that differ only there count as identical. */
const VOLATILE_FIELDS = new Set(['run_id']);

/**
 * JSON lines on stderr for machines; colourised, readable lines when a person watches a terminal.
 * Secrets never reach the logger: callers log EsError messages, which are redacted.
 * A warning or error repeated word for word is written once per window, then once more with the
 * number of repeats: a rule scheduled too often once wrote 10,000 identical lines in 25 seconds.
 */
export function createLogger(options: LoggerOptions = {}): Logger {
  // The environment wins over config.yaml's `logging`, so one run can be debugged without editing it.
  const level = process.env.LOGWARDEN_LOG_LEVEL || options.level || 'info';
  const fd = options.stdout ? 1 : 2;
  const usePretty = options.pretty ?? Boolean((options.stdout ? process.stdout : process.stderr).isTTY);
  const repeats = new RepeatLimiter(options.clock ?? backgroundClock, options.repeatWindowMs ?? REPEAT_WINDOW_MS);
  const hooks = { logMethod: repeats.hook() };
  if (options.destination) return pino({ level, base: undefined, hooks }, options.destination);
  const console = usePretty
    ? pretty({ destination: fd, colorize: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname', sync: true })
    : pino.destination({ fd, sync: true });
  const files = options.files ?? [];
  if (files.length > 0) {
    // ElastAlert2's logging.FileHandler: the same lines also go to each file, appended.
    const streams = [
      { level, stream: console },
      ...files.map((dest) => ({ level, stream: pino.destination({ dest, sync: true, append: true, mkdir: true }) })),
    ];
    return pino({ level, base: undefined, hooks }, pino.multistream(streams));
  }
  return usePretty ? pino({ level, hooks }, console) : pino({ level, base: undefined, hooks }, console);
}

interface Window {
  suppressed: number;
  write: () => void;
}

/** Lets the first of identical lines through and counts the rest until its window ends. */
class RepeatLimiter {
  private readonly windows = new Map<string, Window>();
  private readonly clock: Clock;
  private readonly windowMs: number;

  constructor(clock: Clock, windowMs: number) {
    this.clock = clock;
    this.windowMs = windowMs;
  }

  hook(): (this: Logger, args: Parameters<LogFn>, method: LogFn, level: number) => void {
    const limiter = this;
    return function logMethod(this: Logger, args, method, level) {
      if (level < WARN || level >= FATAL || limiter.windowMs <= 0) {
        method.apply(this, args);
        return;
      }
      const bindings = Object.entries(this.bindings()).filter(([k]) => !VOLATILE_FIELDS.has(k));
      const key = `${level}\u0000${safeJson(bindings)}\u0000${safeJson(args)}`;
      const open = limiter.windows.get(key);
      if (open) {
        open.suppressed++;
        return;
      }
      method.apply(this, args);
      const summary = withRepeats(args);
      const logger = this;
      const window: Window = { suppressed: 0, write: () => method.apply(logger, summary(window.suppressed, limiter.windowMs)) };
      limiter.windows.set(key, window);
      limiter.clock.setTimer(() => {
        limiter.windows.delete(key);
        if (window.suppressed > 0) window.write();
      }, limiter.windowMs);
    };
  }
}

/** The same log call with the count of repeats added to its object and to its message. */
function withRepeats(args: Parameters<LogFn>): (count: number, windowMs: number) => Parameters<LogFn> {
  const [first, ...rest] = args as unknown[];
  return (count, windowMs) => {
    const note = `(repeated ${count} more ${count === 1 ? 'time' : 'times'} in ${formatDuration(windowMs)})`;
    if (typeof first === 'string') return [{ repeated: count }, `${first} ${note}`, ...rest] as unknown as Parameters<LogFn>;
    const object = first !== null && typeof first === 'object' && !(first instanceof Error) ? first : { err: first };
    const message = typeof rest[0] === 'string' ? `${rest[0]} ${note}` : note;
    return [{ ...object, repeated: count }, message, ...rest.slice(1)] as unknown as Parameters<LogFn>;
  };
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_k, v: unknown) => (v instanceof Error ? `${v.name}: ${v.message}` : v)) ?? '';
  } catch {
    return String(value);
  }
}

/** A logger that drops everything, for tests that assert on other outputs. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
