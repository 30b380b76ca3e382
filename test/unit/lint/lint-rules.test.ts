import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

// `npm run lint` (oxlint with .oxlintrc.json and scripts/lint/plugin.mjs) run on a small project
// made here, so that each rule the project relies on is shown to refuse what it should, and to let
// through what it should: a config typo or an upgrade that silently drops a rule fails this test.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-lint-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const long = (prefix: string): string => prefix + 'x'.repeat(170 - prefix.length);
const files: Record<string, string> = {
  'tsconfig.json': JSON.stringify({
    compilerOptions: {
      strict: true,
      module: 'nodenext',
      moduleResolution: 'nodenext',
      target: 'es2024',
      allowImportingTsExtensions: true,
      noEmit: true,
      types: [],
    },
    include: ['src', 'alerters', 'scripts', 'test'],
  }),
  'src/floating.ts':
    'export async function work(): Promise<number> { return 1; }\nexport function caller(): void {\n  work();\n  void work();\n}\n',
  'src/wall-clock.ts': [
    "import { setTimeout as delay } from 'node:timers/promises';",
    'export const a = Date.now();',
    'export const b = new Date();',
    'export const c = new Date(0);',
    'setTimeout(() => undefined, 1);',
    'setInterval(() => undefined, 1);',
    'export { delay };',
    '',
  ].join('\n'),
  'src/schedule/clock.ts': 'export const now = (): number => Date.now();\nsetTimeout(() => undefined, 1);\n',
  'src/cycle-a.ts': "import { b } from './cycle-b.ts';\nexport const a = (): number => b() + 1;\n",
  'src/cycle-b.ts': "import { a } from './cycle-a.ts';\nexport const b = (): number => (a.length > 5 ? 0 : 1);\n",
  'src/rules/types.ts': 'export interface Rule { name: string }\nexport const RULE_KINDS = 1;\n',
  'alerters/uses-rules.ts':
    "import type { Rule } from '../src/rules/types.ts';\nimport { RULE_KINDS } from '../src/rules/types.ts';\nexport const n = (r: Rule): string => r.name + RULE_KINDS;\n",
  'src/cli/parse.ts': 'export const parse = (s: string): number => s.length;\n',
  'src/backtest/uses-cli.ts': "import { parse } from '../cli/parse.ts';\nexport const p = parse('x');\n",
  'test/support/helper.ts': 'export const helper = 1;\n',
  'scripts/uses-test.ts': "import { helper } from '../test/support/helper.ts';\nexport const h = helper;\n",
  'src/long-lines.ts': `${long('// a comment ')}\nexport const s = '${long('a string ')}';\n// https://example.com/${'p'.repeat(160)}\n`,
};

function lint(): string[] {
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  cpSync(path.join(ROOT, '.oxlintrc.json'), path.join(dir, '.oxlintrc.json'));
  cpSync(path.join(ROOT, 'scripts/lint/plugin.mjs'), path.join(dir, 'scripts/lint/plugin.mjs'));
  const result = spawnSync(path.join(ROOT, 'node_modules/.bin/oxlint'), ['--type-aware', '--deny-warnings', '-f', 'unix'], {
    cwd: dir,
    encoding: 'utf8',
    env: { ...process.env, OXLINT_TSGOLINT_PATH: path.join(ROOT, 'node_modules/.bin/tsgolint') },
  });
  expect(result.status).toBe(1);
  // "src/x.ts:3:3: message [Error/typescript(no-floating-promises)]" -> "src/x.ts:3 typescript(no-floating-promises)"
  return result.stdout
    .split('\n')
    .map((line) => /^(.+?):(\d+):\d+: .* \[(?:Error|Warning)\/(.+)\]$/.exec(line))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => `${m[1]}:${m[2]} ${m[3]}`)
    .sort();
}

describe('npm run lint', () => {
  it('refuses exactly the findings the project cares about, and nothing else', () => {
    expect(lint()).toEqual(
      [
        'alerters/uses-rules.ts:2 eslint(no-restricted-imports)',
        'scripts/uses-test.ts:1 eslint(no-restricted-imports)',
        'src/backtest/uses-cli.ts:1 eslint(no-restricted-imports)',
        'src/cycle-a.ts:1 import(no-cycle)',
        'src/cycle-b.ts:1 import(no-cycle)',
        'src/floating.ts:3 typescript(no-floating-promises)',
        'src/long-lines.ts:1 logwarden(max-line-length)',
        'src/wall-clock.ts:1 eslint(no-restricted-imports)',
        'src/wall-clock.ts:2 eslint(no-restricted-properties)',
        'src/wall-clock.ts:3 logwarden(no-wall-clock-date)',
        'src/wall-clock.ts:5 eslint(no-restricted-globals)',
        'src/wall-clock.ts:6 eslint(no-restricted-globals)',
      ].sort(),
    );
  });
});
