import { spawnSync } from 'node:child_process';
import { sleep, systemClock } from '../../schedule/clock.ts';

export interface RunAs {
  user: string;
  uid: number;
  gid: number;
}

const idOf = (flag: '-u' | '-g', name: string): number | undefined => {
  const out = spawnSync('id', [flag, name], { encoding: 'utf8' });
  return out.status === 0 ? Number(out.stdout.trim()) : undefined;
};

/**
 * Elasticsearch refuses to run as root: as root we run it as an unprivileged system user, created
 * once. Two runs starting at once may both try to create it; useradd then fails in the loser
 * ("already exists", or /etc/passwd locked by the winner), so we wait for the user to appear.
 */
export async function ensureUnprivilegedUser(name: string): Promise<RunAs> {
  let problem = '';
  for (let attempt = 0; attempt < 25 && idOf('-u', name) === undefined; attempt++) {
    const made = spawnSync('useradd', ['--system', '--no-create-home', '--shell', '/usr/sbin/nologin', name], { encoding: 'utf8' });
    if (made.status === 0) break;
    problem = made.stderr.trim();
    await sleep(systemClock, 200);
  }
  const uid = idOf('-u', name);
  const gid = idOf('-g', name);
  if (uid === undefined || gid === undefined)
    throw new Error(`cannot create the unprivileged user "${name}" to run Elasticsearch: ${problem}`);
  return { user: name, uid, gid };
}

/** Whether `runAs` may read `file` (the cache usually sits under /root, which it cannot enter). */
export function canAccess(runAs: RunAs, file: string): boolean {
  return (
    spawnSync('setpriv', ['--reuid', String(runAs.uid), '--regid', String(runAs.gid), '--clear-groups', 'test', '-r', file], {
      stdio: 'ignore',
    }).status === 0
  );
}
