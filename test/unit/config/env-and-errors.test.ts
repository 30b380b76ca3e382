import { describe, expect, it } from '@jest/globals';
import { expandEnv, fieldName } from '../../../src/config/env.ts';
import { ConfigError, formatProblem, type ConfigProblem } from '../../../src/config/errors.ts';

describe('expandEnv', () => {
  const env = { HOST: 'es.internal', PORT: '9200', EMPTY: '' };
  const cases: [reason: string, value: unknown, expected: unknown, problems: string[]][] = [
    ['a whole-string reference is replaced', '${HOST}', 'es.internal', []],
    ['references inside text are replaced', 'http://${HOST}:${PORT}/', 'http://es.internal:9200/', []],
    ['a variable set to the empty string is used as such', 'a${EMPTY}b', 'ab', []],
    ['$${ escapes a literal ${', 'cost: $${HOST}', 'cost: ${HOST}', []],
    ['a bare $NAME without braces is left alone', '$HOST', '$HOST', []],
    [
      'an unset variable keeps its text and is reported with its path',
      { es: ['${NOPE}'] },
      { es: ['${NOPE}'] },
      ['es[0]: environment variable NOPE is not set'],
    ],
    [
      'every unset variable is reported',
      { a: '${X1}', b: { c: '${X2}' } },
      { a: '${X1}', b: { c: '${X2}' } },
      ['a: environment variable X1 is not set', 'b.c: environment variable X2 is not set'],
    ],
    ['numbers, booleans and null are left as they are', { n: 1, b: true, z: null }, { n: 1, b: true, z: null }, []],
    ['keys are not expanded, only values', { '${HOST}': '${HOST}' }, { '${HOST}': 'es.internal' }, []],
  ];
  it.each(cases)('%s', (_reason, value, expected, problems) => {
    const reported: string[] = [];
    expect(expandEnv(value, env, (path, message) => reported.push(`${fieldName(path)}: ${message}`))).toEqual(expected);
    expect(reported).toEqual(problems);
  });
});

describe('fieldName', () => {
  const cases: [reason: string, path: (string | number)[], name: string][] = [
    ['the root is empty', [], ''],
    ['a top-level key', ['es_host'], 'es_host'],
    ['nested keys join with dots', ['realert', 'minutes'], 'realert.minutes'],
    ['indices are bracketed', ['alert', 1, 'foo'], 'alert[1].foo'],
    ['consecutive indices', ['matrix', 0, 2], 'matrix[0][2]'],
  ];
  it.each(cases)('%s', (_reason, path, name) => {
    expect(fieldName(path)).toBe(name);
  });
});

describe('formatProblem', () => {
  const cases: [reason: string, problem: ConfigProblem, text: string][] = [
    ['file only', { file: 'config.yaml', message: 'config file not found' }, 'config.yaml: config file not found'],
    ['file and line', { file: 'config.yaml', line: 3, message: 'expected a mapping' }, 'config.yaml:3: expected a mapping'],
    [
      'file, line, rule and field',
      { file: 'rules/ssh.yaml', line: 7, rule: 'SSH brute force', field: 'num_events', message: 'expected an integer >= 1, got "ten"' },
      'rules/ssh.yaml:7: rule "SSH brute force": num_events: expected an integer >= 1, got "ten"',
    ],
    ['a rule name with quotes is quoted as JSON', { file: 'r.yaml', rule: 'say "hi"', message: 'm' }, 'r.yaml: rule "say \\"hi\\"": m'],
    ['an empty field is left out', { file: 'r.yaml', field: '', message: 'm' }, 'r.yaml: m'],
  ];
  it.each(cases)('formats %s', (_reason, problem, text) => {
    expect(formatProblem(problem)).toBe(text);
  });

  it('makes ConfigError carry every problem and one line per problem', () => {
    const problems: ConfigProblem[] = [
      { file: 'a.yaml', line: 1, message: 'x' },
      { file: 'a.yaml', line: 2, field: 'f', message: 'y' },
    ];
    const error = new ConfigError(problems);
    expect(error.name).toBe('ConfigError');
    expect(error.message).toBe('a.yaml:1: x\na.yaml:2: f: y');
    expect(error.problems).toEqual(problems);
  });
});
