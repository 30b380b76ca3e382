import { readdirSync, realpathSync, statSync, type Dirent } from 'node:fs';
import path from 'node:path';

/**
 * Files under `folder` whose names `accept` takes, sorted. Hidden folders are skipped (.git, and
 * Kubernetes' ..data links that ElastAlert2 also skips); symbolic links are followed, each real
 * folder once, so a link loop ends.
 */
export function walkFiles(
  folder: string,
  options: { recursive: boolean; accept: (name: string) => boolean; unreadable?: ((dir: string, code: string) => void) | undefined },
): string[] {
  const found: string[] = [];
  const visited = new Set<string>();
  const walk = (dir: string): void => {
    let entries: Dirent[];
    try {
      const real = realpathSync(dir);
      if (visited.has(real)) return;
      visited.add(real);
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (error) {
      options.unreadable?.(dir, (error as NodeJS.ErrnoException).code ?? 'unreadable');
      return;
    }
    for (const entry of entries) {
      const full = path.join(dir, entry.name);
      const target = entry.isSymbolicLink() ? statSync(full, { throwIfNoEntry: false }) : entry;
      if (target?.isDirectory() && options.recursive && !entry.name.startsWith('.')) walk(full);
      else if (target?.isFile() && options.accept(entry.name)) found.push(full);
    }
  };
  walk(folder);
  return found.sort();
}
