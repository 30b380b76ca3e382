import { afterAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { lintCommand } from '../../../src/cli/commands/lint.ts';
import { aliasBomb } from '../../support/alias-bomb.ts';
import { captureIO, tempFolder } from './helpers.ts';

const GOOD = 'name: Good\ntype: any\nindex: logs-*\nalert: debug\n';
const BOMB = aliasBomb('name: Bomb\ntype: any\nindex: logs-*\nalert: debug\n');
const REFUSED = 'refused: the document holds more than 200,000 values once its aliases (*name) are followed; aliases of lists of aliases multiply (a "billion laughs" file)';

const folders: string[] = [];
const folder = (files: Record<string, string>): string => {
  const dir = tempFolder(files);
  folders.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of folders) rmSync(dir, { recursive: true, force: true });
});

describe('logwarden lint and a "billion laughs" file', () => {
  it('refuses a bomb in the rules folder at once, naming the file, and lints the other rules', async () => {
    const cwd = folder({ 'rules/good.yaml': GOOD, 'rules/bomb.yaml': BOMB });
    const io = captureIO();
    const started = performance.now();
    expect(await lintCommand({ paths: [], cwd }, io)).toBe(1);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(io.stdout).toEqual([`rules/bomb.yaml:6: ${REFUSED}`, '1 rule OK, 1 file with 1 problem']);
  });

  it('refuses a bomb in an imported file, naming that file', async () => {
    const cwd = folder({ 'rules/good.yaml': `${GOOD}import: ../shared/base.yml\n`, 'shared/base.yml': aliasBomb('realert: {minutes: 1}\n') });
    const io = captureIO();
    expect(await lintCommand({ paths: [], cwd }, io)).toBe(1);
    expect(io.stdout).toEqual([`shared/base.yml:3: rule "Good": ${REFUSED}`, '0 rules OK, 1 file with 1 problem']);
  });

  it('refuses a bomb in config.yaml, naming it', async () => {
    const cwd = folder({ 'config.yaml': aliasBomb('rules_folder: rules\n'), 'rules/good.yaml': GOOD });
    const io = captureIO();
    expect(await lintCommand({ paths: [], cwd }, io)).toBe(1);
    expect(io.stdout[0]).toBe(`config.yaml:3: ${REFUSED}`);
  });
});
