import { rmSync } from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from '@jest/globals';
import { formatProblem } from '../../../src/config/errors.ts';
import { loadRules } from '../../../src/rules/load-rules.ts';
import { configFor, tempFolder } from './helpers.ts';

const folders: string[] = [];
afterAll(() => folders.forEach((f) => rmSync(f, { recursive: true, force: true })));

function load(files: Record<string, string>): ReturnType<typeof loadRules> {
  const dir = tempFolder(files);
  folders.push(dir);
  return loadRules(configFor(dir), {});
}

const rule = (type: string, lines: string): string => `name: R\ntype: ${type}\nindex: logs-*\nalert: [debug]\n${lines}\n`;

describe('!file entries of blacklist and whitelist', () => {
  it('stand for the lines of the file, relative to the rule file, without empty lines or trailing spaces', () => {
    const { rules, problems } = load({
      'sub/r.yaml': rule('blacklist', 'compare_key: user\nblacklist: [root, "!file lists/users.txt", guest]'),
      'sub/lists/users.txt': 'guest  \n\nadmin\n  padded\n',
    });
    expect(problems).toEqual([]);
    expect(rules[0]?.options['blacklist']).toEqual(['root', 'guest', 'admin', '  padded']);
  });

  it('an absolute path is read as it is', () => {
    const lists = tempFolder({ 'allowed.txt': 'alice\nbob\n' });
    folders.push(lists);
    const { rules } = load({ 'r.yaml': rule('whitelist', `compare_key: user\nignore_null: true\nwhitelist: ["!file ${path.join(lists, 'allowed.txt')}"]`) });
    expect(rules[0]?.options['whitelist']).toEqual(['alice', 'bob']);
  });

  it('a file that cannot be read is a problem naming the file, the rule and the entry; other rules still load', () => {
    const { rules, problems } = load({
      'bad.yaml': rule('blacklist', 'compare_key: user\nblacklist: [root, "!file missing.txt"]'),
      'good.yaml': rule('blacklist', 'compare_key: user\nblacklist: [root]').replace('name: R', 'name: Good'),
    });
    expect(rules.map((r) => r.name)).toEqual(['Good']);
    const expected = /^bad\.yaml:6: rule "R": blacklist\[1\]: cannot read the list file missing\.txt \(looked for .*missing\.txt and .*missing\.txt\)$/;
    expect(problems.map(formatProblem)).toEqual([expect.stringMatching(expected)]);
  });

  it('an entry without a path says how to write one', () => {
    const { problems } = load({ 'r.yaml': rule('blacklist', 'compare_key: user\nblacklist: ["!file"]') });
    expect(problems.map(formatProblem)).toEqual(['r.yaml:6: rule "R": blacklist[0]: "!file" names no file; write "!file /path/to/list"']);
  });
});

describe('lists on other rule types', () => {
  it('are refused: ElastAlert2 would filter the query with them, LogWarden does not', () => {
    const { problems } = load({ 'r.yaml': rule('any', 'compare_key: user\nblacklist: [root]') });
    expect(problems.map(formatProblem)).toEqual([
      'r.yaml:6: rule "R": blacklist: is only read by type blacklist; ElastAlert2 would also add it to this any rule\'s query, which LogWarden does not: put the condition under filter',
    ]);
  });
});
