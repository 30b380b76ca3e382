import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from '../../demo/demo.ts';
import { createLogger } from '../../log.ts';
import type { CliIO } from '../io.ts';

export interface DemoCommandOptions {
  rules?: string;
  hours?: string;
  live?: string;
  seed?: string;
  benignOnly?: boolean;
}

/** The bundled rules/ folder of this installation (two levels up from src/cli/commands or dist/src/cli/commands). */
function bundledRules(): string {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const fromSrc = path.resolve(here, '../../../rules');
  return here.includes(`${path.sep}dist${path.sep}`) ? path.resolve(here, '../../../../rules') : fromSrc;
}

/** `logwarden demo`: see runDemo. Exits 1 when an injected scenario was missed or the background alerted. */
export async function demoCommand(opts: DemoCommandOptions, io: CliIO): Promise<number> {
  let stopLive: (() => void) | undefined;
  const onSignal = (): void => stopLive?.();
  process.on('SIGINT', onSignal);
  try {
    const result = await runDemo({
      env: io.env,
      // Engine logs stay quiet: the demo prints alerts and its own progress.
      log: createLogger({ level: io.env.LOGWARDEN_LOG_LEVEL ?? 'warn' }),
      say: (line) => io.err(line),
      out: (text) => io.out(text),
      rulesFolder: path.resolve(opts.rules ?? bundledRules()),
      historyMs: Number(opts.hours ?? '2') * 3_600_000,
      liveMs: Number(opts.live ?? '60') * 1000,
      seed: Number(opts.seed ?? '42'),
      benignOnly: opts.benignOnly ?? false,
      onStop: (stop) => {
        stopLive = stop;
      },
    });
    const failed = !result.summary.caughtAll || result.summary.unexpected.length > 0;
    return failed ? 1 : 0;
  } finally {
    process.off('SIGINT', onSignal);
  }
}
