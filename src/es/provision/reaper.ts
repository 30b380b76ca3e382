import { spawn } from 'node:child_process';
import type { Socket } from 'node:net';

/**
 * Cleans up after us even when we are killed with SIGKILL, where no exit handler runs: a small
 * detached shell holds the read end of a pipe from this process and, once the pipe closes without
 * a "done" line (this process died), ends the announced process group and removes the folder.
 * Detached, so a Ctrl-C to the terminal's process group does not take it down before it has
 * cleaned up; it never keeps this process alive.
 */
const SCRIPT = `
dir="$1"; group=
while read -r cmd arg; do
  case "$cmd" in
    group) group="$arg" ;;
    done) exit 0 ;;
  esac
done
if [ -n "$group" ]; then
  kill -s TERM -- "-$group" 2>/dev/null
  i=0
  while kill -s 0 -- "-$group" 2>/dev/null && [ "$i" -lt 150 ]; do sleep 0.2; i=$((i + 1)); done
  kill -s KILL -- "-$group" 2>/dev/null
  i=0
  while kill -s 0 -- "-$group" 2>/dev/null && [ "$i" -lt 50 ]; do sleep 0.2; i=$((i + 1)); done
fi
rm -rf -- "$dir"
`;

export interface Reaper {
  /** Also end this process group (SIGTERM, then SIGKILL after 30 s) if we die. */
  watchGroup(pid: number): void;
  /** We cleaned up ourselves: the reaper exits without touching anything. */
  release(): void;
}

export function startReaper(dir: string): Reaper {
  const child = spawn('/bin/sh', ['-c', SCRIPT, 'logwarden-reaper', dir], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
  child.unref();
  // The pipe must not keep our event loop alive; it closes when we exit, however we exit.
  (child.stdin as unknown as Socket).unref();
  child.stdin.on('error', () => {
    /* the reaper is gone: nothing left to tell it */
  });
  child.on('error', () => {
    /* /bin/sh missing: cleanup then rests on our own stop() */
  });
  let released = false;
  return {
    watchGroup: (pid) => {
      if (!released) child.stdin.write(`group ${pid}\n`);
    },
    release: () => {
      if (released) return;
      released = true;
      child.stdin.end('done\n');
    },
  };
}
