import { describe, expect, it } from '@jest/globals';
import { parseYaml, YamlSyntaxError, type YamlPath } from '../../../src/config/yaml.ts';

// Line numbers are written beside each line so the table below can be checked by eye.
const DOCUMENT = [
  '# a rule-like document', //                       1
  'name: example', //                                  2
  'filter:', //                                        3
  '  - term:', //                                      4
  '      host: web-1', //                              5
  '  - query_string: {query: "x"}', //                 6
  '  -', //                                            7
  '    bool:', //                                      8
  '      must: []', //                                 9
  'alert_text: |', //                                 10
  '  first line', //                                  11
  '', //                                              12
  '  third line', //                                  13
  'alert_subject: >-', //                             14
  '  folded', //                                      15
  '  text', //                                        16
  'realert:', //                                      17
  '  minutes: 5', //                                  18
  'defaults: &defaults', //                           19
  '  slack_channel: "#ops"', //                       20
  '  slack_username: bot', //                         21
  'alert:', //                                        22
  '  - type: email', //                               23
  '    email: [a@x.io,', //                           24
  '      b@x.io]', //                                 25
  '  - <<: *defaults', //                             26
  '    type: slack', //                               27
  '    slack_webhook_url: http://hook', //            28
  '  - {type: debug,', //                             29
  '     level: info}', //                             30
  'copy: *defaults', //                               31
  '"quoted key": 1', //                               32
  '404: not found', //                                33
  'empty:', //                                        34
  'matrix:', //                                       35
  '  - - a', //                                       36
  '    - b', //                                       37
  '  - - c', //                                       38
  'kept: |+', //                                      39
  '  kept text', //                                   40
  '', //                                              41
  'last: true', //                                    42
].join('\n');

describe('parseYaml(...).lineOf', () => {
  const source = parseYaml(DOCUMENT, 'rule.yaml');
  const cases: [reason: string, path: YamlPath, line: number | undefined][] = [
    ['a top-level key after a comment', ['name'], 2],
    ['a key whose value is a sequence', ['filter'], 3],
    ['a block sequence item', ['filter', 0], 4],
    ['a key inside a mapping inside a sequence item', ['filter', 0, 'term'], 4],
    ['a nested key two levels into a sequence item', ['filter', 0, 'term', 'host'], 5],
    ['a sequence item holding a flow mapping', ['filter', 1], 6],
    ['a key inside a flow mapping', ['filter', 1, 'query_string', 'query'], 6],
    ['a sequence item whose content starts on the next line', ['filter', 2, 'bool'], 8],
    ['a key inside a mapping on the line after a bare dash', ['filter', 2, 'bool', 'must'], 9],
    ['a key with a literal block scalar', ['alert_text'], 10],
    ['a key after a literal block scalar with a blank line in it', ['alert_subject'], 14],
    ['a key after a folded block scalar', ['realert'], 17],
    ['a nested key after block scalars', ['realert', 'minutes'], 18],
    ['a key holding an anchored mapping', ['defaults'], 19],
    ['a key inside an anchored mapping', ['defaults', 'slack_username'], 21],
    ['the second item of a sequence of mappings', ['alert', 1], 26],
    ['a key beside a merge key in a sequence item', ['alert', 1, 'type'], 27],
    ['a key after the merge key', ['alert', 1, 'slack_webhook_url'], 28],
    ['a key merged from an alias falls back to its item', ['alert', 1, 'slack_channel'], 26],
    ['an item of a flow sequence spread over two lines', ['alert', 0, 'email', 1], 25],
    ['a key of a flow mapping spread over two lines', ['alert', 2, 'level'], 30],
    ['a key whose value is an alias', ['copy'], 31],
    ['a path through an alias falls back to the aliasing key', ['copy', 'slack_channel'], 31],
    ['a quoted key', ['quoted key'], 32],
    ['a numeric key given as a string', ['404'], 33],
    ['a numeric key given as a number', [404], 33],
    ['a key with an empty value', ['empty'], 34],
    ['an item of a nested sequence', ['matrix', 0, 1], 37],
    ['the first item of the second nested sequence', ['matrix', 1, 0], 38],
    ['a key after a keep-chomping block scalar and a blank line', ['last'], 42],
    ['an unknown key under a known one falls back to the nearest ancestor', ['realert', 'hours'], 17],
    ['an unknown deep path falls back through several levels', ['filter', 0, 'term', 'nope', 'deeper'], 4],
    ['an index past the end of a sequence falls back to the sequence key', ['alert', 9, 'type'], 22],
    ['an unknown top-level key has no line', ['nope'], undefined],
    ['the root has no line', [], undefined],
  ];

  it.each(cases)('finds %s', (_reason, path, line) => {
    expect(source.lineOf(path)).toBe(line);
  });
});

describe('parseYaml values', () => {
  it('parses the value with merge keys applied, as PyYAML does for ElastAlert2 rules', () => {
    const { value } = parseYaml(DOCUMENT, 'rule.yaml');
    expect((value as { alert: unknown[] }).alert[1]).toEqual({
      slack_channel: '#ops',
      slack_username: 'bot',
      type: 'slack',
      slack_webhook_url: 'http://hook',
    });
    expect((value as Record<string, unknown>).alert_text).toBe('first line\n\nthird line\n');
    expect((value as Record<string, unknown>).empty).toBeNull();
  });

  const empty: [reason: string, text: string][] = [
    ['an empty text', ''],
    ['whitespace only', '  \n\n'],
    ['comments only', '# one\n# two\n'],
  ];
  it.each(empty)('gives undefined, with no lines, for %s', (_reason, text) => {
    const source = parseYaml(text, 'empty.yaml');
    expect(source.value).toBeUndefined();
    expect(source.lineOf(['anything'])).toBeUndefined();
  });

  const lineEndings: [reason: string, text: string][] = [
    ['Windows line endings', 'a: 1\r\nb:\r\n  c: 2\r\n'],
    ['a document start marker and a comment', '---\n# c\nb:\n  c: 2\n'],
  ];
  it.each(lineEndings)('counts lines with %s', (_reason, text) => {
    const source = parseYaml(text, 'x.yaml');
    expect(source.lineOf(['b', 'c'])).toBe(text.split('\n').findIndex((l) => l.trimStart().startsWith('c:')) + 1);
  });
});

describe('parseYaml syntax errors', () => {
  const cases: [reason: string, text: string, line: number | undefined, message: RegExp][] = [
    ['bad indentation names the offending line', 'a: 1\n  b: 2\n', 2, /bad indentation/],
    ['a duplicated key names the line of the duplicate', 'a: 1\nb: 2\na: 3\n', 3, /duplicated mapping key/],
    ['a tab in indentation names its line', 'a:\n\tb: 1\n', 2, /tab characters/],
    ['an unterminated quoted string names where the input ends', 'a: 1\nb: "open\n', 3, /./],
    ['two documents are refused, since a config or rule is one document', 'a: 1\n---\nb: 2\n', undefined, /single document/],
  ];
  it.each(cases)('%s', (_reason, text, line, message) => {
    let thrown: unknown;
    try {
      parseYaml(text, 'bad.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(YamlSyntaxError);
    expect((thrown as YamlSyntaxError).line).toBe(line);
    expect((thrown as YamlSyntaxError).message).toMatch(message);
  });
});
