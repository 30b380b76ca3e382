/** What a command may touch of the outside world, so tests can run commands in-process. */
export interface CliIO {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
  /** Registers cleanup to run on SIGINT/SIGTERM before the process exits. */
  onStop(cleanup: () => Promise<void> | undefined): void;
}

export function processIO(): CliIO {
  const cleanups: (() => Promise<void> | undefined)[] = [];
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`\nReceived ${signal}, stopping...\n`);
    void Promise.allSettled(cleanups.map((c) => c())).then(() => process.exit(130));
  };
  return {
    env: process.env,
    out: (line) => process.stdout.write(`${line}\n`),
    err: (line) => process.stderr.write(`${line}\n`),
    // Handlers are installed only by commands that need a cleanup, so `run` can stop gracefully on its own.
    onStop: (cleanup) => {
      if (cleanups.length === 0) {
        process.once('SIGINT', stop);
        process.once('SIGTERM', stop);
      }
      cleanups.push(cleanup);
    },
  };
}
