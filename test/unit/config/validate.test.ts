import { describe as group, expect, it } from '@jest/globals';
import { formatProblem } from '../../../src/config/errors.ts';
import { describe, validate, type Schema } from '../../../src/config/validate.ts';
import { parseYaml } from '../../../src/config/yaml.ts';

const str: Schema = { type: 'string', minLength: 1 };
const alertSchema: Schema = {
  type: 'object',
  properties: {
    type: { enum: ['email', 'slack', 'debug'] },
    email: { type: ['string', 'array'], items: { type: 'string' } },
    slack_channel: str,
    slack_webhook_url: { type: 'string', 'x-secret': true },
  },
  required: ['type'],
  additionalProperties: false,
};
const ruleSchema: Schema = {
  type: 'object',
  properties: {
    name: str,
    num_events: { type: 'integer', minimum: 1 },
    timeframe: { 'x-duration': true },
    alert: { type: 'array', items: alertSchema, minItems: 1 },
    query_key: { anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }] },
    description: { type: 'string' },
    password: { type: 'string', 'x-secret': true },
    url: { type: 'string', pattern: '^https?://' },
  },
  required: ['name', 'alert'],
  additionalProperties: false,
};

group('describe', () => {
  const cases: [reason: string, schema: Schema, text: string][] = [
    ['an integer with a minimum', { type: 'integer', minimum: 1 }, 'an integer >= 1'],
    ['an integer with both bounds', { type: 'integer', minimum: 1, maximum: 10 }, 'an integer >= 1 and <= 10'],
    ['a number with an exclusive minimum', { type: 'number', exclusiveMinimum: 0 }, 'a number > 0'],
    ['a plain number', { type: 'number' }, 'a number'],
    ['a plain string', { type: 'string' }, 'a string'],
    ['a string that must not be empty', { type: 'string', minLength: 1 }, 'a non-empty string'],
    ['a string with a pattern names the pattern', { type: 'string', pattern: '^https?://' }, 'a string matching ^https?://'],
    ['a non-empty string with a pattern', { type: 'string', minLength: 1, pattern: '^[a-z]+$' }, 'a non-empty string matching ^[a-z]+$'],
    ['a boolean in YAML words', { type: 'boolean' }, 'true or false'],
    ['an object in YAML words', { type: 'object' }, 'a mapping'],
    ['a list of anything', { type: 'array' }, 'a list'],
    ['a list of strings', { type: 'array', items: { type: 'string' } }, 'a list of strings'],
    ['a list of bounded integers', { type: 'array', items: { type: 'integer', minimum: 0 } }, 'a list of integers >= 0'],
    ['a list of mappings', { type: 'array', items: { type: 'object' } }, 'a list of mappings'],
    ['a list that needs one item says so', { type: 'array', items: { type: 'object' }, minItems: 1 }, 'a non-empty list of mappings'],
    [
      'a list that needs several items says how many',
      { type: 'array', items: { type: 'string' }, minItems: 2 },
      'a list of strings with at least 2 items',
    ],
    ['a union of types', { type: ['string', 'array'], items: { type: 'string' } }, 'a string or a list of strings'],
    ['an enum lists its values', { enum: ['iso', 'unix', 1, true] }, 'one of iso, unix, 1, true'],
    ['anyOf joins its branches', { anyOf: [{ type: 'string' }, { type: 'integer', minimum: 0 }] }, 'a string or an integer >= 0'],
    ['a duration shows both spellings', { 'x-duration': true }, 'a duration such as "5m" or {minutes: 5}'],
    ['a schema without a type', {}, 'a valid value'],
  ];
  it.each(cases)('describes %s', (_reason, schema, text) => {
    expect(describe(schema)).toBe(text);
  });
});

group('validate with a YAML source', () => {
  const text = [
    'name: r', //                          1
    'num_events: ten', //                  2
    'timeframe: {minute: 5}', //           3
    'query_key: 5', //                     4
    'alert:', //                           5
    '  - type: email', //                  6
    '    email: [1]', //                   7
    '  - type: slack', //                  8
    '    slack_chanel: "#x"', //           9
    '    slack_webhook_url: 123456789', // 10
    '  - email: a@b.io', //               11
    '    foo: 1', //                      12
    'descripton: text', //               13
    'password: 987654321', //            14
  ].join('\n');
  const source = parseYaml(text, 'rule.yaml');
  const messages = validate(ruleSchema, source.value, { file: 'rule.yaml', rule: 'r', source }).map(formatProblem);

  const expected: [reason: string, message: string][] = [
    [
      'an unknown top-level key, with its line and a suggestion',
      'rule.yaml:13: rule "r": descripton: unknown option; did you mean "description"?',
    ],
    ['a wrong type, quoting the value', 'rule.yaml:2: rule "r": num_events: expected an integer >= 1, got "ten"'],
    [
      "a duration, with the duration parser's own message",
      'rule.yaml:3: rule "r": timeframe: unknown duration unit "minute" (expected one of weeks, days, hours, minutes, seconds, milliseconds)',
    ],
    ['a union, described once as a whole', 'rule.yaml:4: rule "r": query_key: expected a string or a list of strings, got 5'],
    ['a wrong item in a list in a list item', 'rule.yaml:7: rule "r": alert[0].email[0]: expected a string, got 1'],
    [
      'an unknown key in the second list item, with a suggestion',
      'rule.yaml:9: rule "r": alert[1].slack_chanel: unknown option; did you mean "slack_channel"?',
    ],
    [
      'a secret in a list item, not quoted',
      'rule.yaml:10: rule "r": alert[1].slack_webhook_url: expected a string, got a number (value hidden: it is a secret)',
    ],
    ["a required key missing from a list item, on the item's line", 'rule.yaml:11: rule "r": alert[2].type: is required'],
    ['an unknown key far from every known key, without a suggestion', 'rule.yaml:12: rule "r": alert[2].foo: unknown option'],
    ['a top-level secret, not quoted', 'rule.yaml:14: rule "r": password: expected a string, got a number (value hidden: it is a secret)'],
  ];
  it.each(expected)('reports %s', (_reason, message) => {
    expect(messages).toContain(message);
  });

  it('reports nothing more than those problems', () => {
    expect(messages).toHaveLength(expected.length);
  });

  it('never quotes a secret value', () => {
    expect(messages.join('\n')).not.toMatch(/123456789|987654321/);
  });
});

group('validate without a source', () => {
  const cases: [reason: string, schema: Schema, value: unknown, basePath: (string | number)[] | undefined, expected: string[]][] = [
    ['a valid value has no problems', ruleSchema, { name: 'x', alert: [{ type: 'debug' }] }, undefined, []],
    [
      'missing required keys are each reported, without a line',
      ruleSchema,
      {},
      undefined,
      ['rule.yaml: name: is required', 'rule.yaml: alert: is required'],
    ],
    [
      'an empty list that needs items says a list needs items',
      ruleSchema,
      { name: 'x', alert: [] },
      undefined,
      ['rule.yaml: alert: expected a non-empty list of mappings, got []'],
    ],
    [
      'a pattern failure names the pattern',
      ruleSchema,
      { name: 'x', alert: [{ type: 'debug' }], url: 'localhost:9200' },
      undefined,
      ['rule.yaml: url: expected a string matching ^https?://, got "localhost:9200"'],
    ],
    [
      'a nested schema under a base path names the full field',
      alertSchema,
      { type: 'slack', foo: 1 },
      ['alert', 2],
      ['rule.yaml: alert[2].foo: unknown option'],
    ],
    [
      'an enum failure under a base path lists the values',
      alertSchema,
      { type: 'pager' },
      ['alert', 0],
      ['rule.yaml: alert[0].type: expected one of email, slack, debug, got "pager"'],
    ],
    [
      'a scalar validated under a base path is named by it',
      { type: 'integer' },
      'x',
      ['options', 'retries'],
      ['rule.yaml: options.retries: expected an integer, got "x"'],
    ],
    [
      'a long value is cut to 80 characters',
      { type: 'integer' },
      'y'.repeat(100),
      ['n'],
      [`rule.yaml: n: expected an integer, got "${'y'.repeat(76)}...`],
    ],
    [
      'a null secret is shown as null, which reveals nothing',
      { type: 'string', 'x-secret': true },
      null,
      ['token'],
      ['rule.yaml: token: expected a string, got null'],
    ],
    [
      'a secret given as a mapping is described, not quoted',
      { type: 'string', 'x-secret': true },
      { a: 'hidden-value' },
      ['token'],
      ['rule.yaml: token: expected a string, got a mapping (value hidden: it is a secret)'],
    ],
    [
      'the password of a URL in a bad value is hidden',
      { type: 'integer' },
      'https://user:pa55word@host/x',
      ['n'],
      ['rule.yaml: n: expected an integer, got "https://***@host/x"'],
    ],
    [
      'the password of a scheme-less URL in a bad value is hidden',
      { type: 'integer' },
      'user:pa55word@host:9200',
      ['n'],
      ['rule.yaml: n: expected an integer, got "***:***@host:9200"'],
    ],
    [
      'the password of a URL inside a bad mapping is hidden',
      { type: 'integer' },
      { url: 'user:pa55word@host' },
      ['n'],
      ['rule.yaml: n: expected an integer, got {"url":"***:***@host"}'],
    ],
    [
      'an e-mail address is not mistaken for a URL with a password',
      { type: 'integer' },
      'ops@example.com',
      ['n'],
      ['rule.yaml: n: expected an integer, got "ops@example.com"'],
    ],
  ];
  it.each(cases)('%s', (_reason, schema, value, basePath, expected) => {
    const ctx = basePath ? { file: 'rule.yaml', basePath } : { file: 'rule.yaml' };
    expect(validate(schema, value, ctx).map(formatProblem)).toEqual(expected);
  });

  it('gives each problem file, rule and field apart', () => {
    expect(validate(ruleSchema, { alert: [{ type: 'debug' }] }, { file: 'r.yaml', rule: 'R' })).toEqual([
      { file: 'r.yaml', line: undefined, rule: 'R', field: 'name', message: 'is required' },
    ]);
  });
});
