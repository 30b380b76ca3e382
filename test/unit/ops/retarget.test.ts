import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, realpathSync, renameSync, rmSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { reloadWhenRetargeted } from '../../../src/cli/commands/run.ts';
import { ManualClock } from '../../../src/schedule/clock.ts';

describe('reloadWhenRetargeted (git-sync swaps the rules folder link)', () => {
  it('reloads once per new link target, and not while it stays (on the injected clock)', async () => {
    const clock = new ManualClock(0);
    const root = realpathSync(mkdtempSync(path.join(os.tmpdir(), 'lw-link-')));
    for (const wt of ['wt1', 'wt2', 'wt3']) mkdirSync(path.join(root, wt, 'rules'), { recursive: true });
    const link = path.join(root, 'rules-link');
    const swap = (to: string): void => {
      // As git-sync does: a new link renamed over the old one, then the old checkout removed.
      symlinkSync(to, `${link}.tmp`);
      renameSync(`${link}.tmp`, link);
    };
    symlinkSync('wt1', link);
    let reloads = 0;
    const messages: string[] = [];
    const stop = reloadWhenRetargeted(
      path.join(link, 'rules'),
      { reloadRules: () => Promise.resolve({ loaded: ++reloads, problems: [] }) },
      { info: ((m: string) => void messages.push(m)) as never },
      1000,
      clock,
    );
    clock.advance(3000);
    expect(reloads).toBe(0);
    swap('wt2');
    rmSync(path.join(root, 'wt1'), { recursive: true });
    clock.advance(1000);
    expect(reloads).toBe(1);
    clock.advance(5000);
    expect(reloads).toBe(1);
    swap('wt3');
    rmSync(path.join(root, 'wt2'), { recursive: true });
    clock.advance(1000);
    expect(reloads).toBe(2);
    await Promise.resolve();
    expect(messages[1]).toBe(`rules folder now points to ${path.join(root, 'wt3', 'rules')}; rules reloaded: 2 enabled`);
    stop();
    swap('wt1-gone');
    clock.advance(5000);
    expect(reloads).toBe(2);
  });
});
