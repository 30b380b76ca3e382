import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  formatArgs,
  headerProblem,
  headersOption,
  httpUrls,
  originOf,
  parseRetryAfter,
  quoteBody,
  ruleValue,
  secretOption,
  timeoutOption,
  tlsOptions,
  urlSecrets,
  verifyOption,
} from '../../../alerters/http.ts';
import { httpRule, MATCH } from './http-fixtures.ts';
import { REFUSED_RULE_OPTIONS } from '../../../src/rules/refused-options.ts';
import { ruleProperties } from '../../../src/rules/schema.ts';

const rule = httpRule('post', {});
const NOW = Date.parse('2024-05-01T12:00:00Z');

describe('parseRetryAfter', () => {
  const rows: [string | undefined, number | undefined][] = [
    ['120', 120_000],
    ['0', 0],
    ['1.5', 1500],
    ['Wed, 01 May 2024 12:00:30 GMT', 30_000],
    ['Wed, 01 May 2024 11:00:00 GMT', 0],
    ['soon', undefined],
    ['-5', undefined],
    ['', undefined],
    [undefined, undefined],
  ];
  it.each(rows)('%p -> %p ms', (value, expected) => {
    expect(parseRetryAfter(value, NOW)).toBe(expected);
  });
});

describe('quoteBody', () => {
  it('removes secrets before cutting to 200 characters, on one line', () => {
    const secret = 'R0UT1NGKEY0123456789abcdefABCDEF';
    const body = `${'x'.repeat(190)}${secret}\n\ttail`;
    const quoted = quoteBody(body, [secret]);
    expect(quoted).not.toContain('R0UT1NG');
    expect(quoted).toBe(`${'x'.repeat(190)}*** tail`);
    expect(quoteBody('a'.repeat(500), [])).toBe(`${'a'.repeat(200)}...`);
  });

  it('removes Authorization values and URL credentials even when not listed', () => {
    expect(quoteBody('Authorization: Bearer abc.def-123 at https://u:p@h/x', [])).toBe('Authorization: Bearer *** at https://***:***@h/x');
  });

  it('drops control characters', () => {
    expect(quoteBody('a\u0000b\u001b[2Jc\u2028d', [])).toBe('a b [2Jc d');
  });
});

describe('URLs', () => {
  const url = new URL('https://user:pw12@hooks.example.com:8443/services/T0001/B0002/XXXXsecretXXXX?token=tok3n%2Fvalue&x=1');

  it('messages show scheme and host only', () => {
    expect(originOf(url)).toBe('https://hooks.example.com:8443');
  });

  it('lists every part that may be a credential, raw and decoded', () => {
    const secrets = urlSecrets(url);
    for (const s of [
      'XXXXsecretXXXX',
      'T0001',
      'B0002',
      'tok3n/value',
      'tok3n%2Fvalue',
      'pw12',
      url.href,
      '/services/T0001/B0002/XXXXsecretXXXX?token=tok3n%2Fvalue&x=1',
    ]) {
      expect(secrets).toContain(s);
    }
    // Too short to redact without hiding ordinary words.
    expect(secrets).not.toContain('1');
  });

  it('refuses non-http URLs without quoting them', () => {
    expect(() => httpUrls(rule, 'http_post_url', ['https://ok.example/a', 'ftp://h/secret-token'])).toThrow(
      'ssh.yaml: rule "SSH brute force": http_post_url[1]: must be an http:// or https:// URL, not ftp:',
    );
    const error = (() => {
      try {
        httpUrls(rule, 'http_post_url', 'not a url secret-token');
      } catch (e) {
        return e as Error;
      }
      return undefined;
    })();
    expect(error?.message).toBe('ssh.yaml: rule "SSH brute force": http_post_url: is not a valid URL (value hidden: it may hold a token)');
  });
});

describe('headers', () => {
  const rows: [string, string, string | undefined][] = [
    ['X-Api-Key', 'abc', undefined],
    ['X-Api-Key', 'tab\tok Latin-1 é', undefined],
    ['X-Api-Key', 'a\r\nX-Injected: 1', 'has a value with a line break, control or non-Latin-1 character'],
    ['X-Api-Key', 'nul\u0000', 'has a value with a line break, control or non-Latin-1 character'],
    ['X-Api-Key', '漢字', 'has a value with a line break, control or non-Latin-1 character'],
    ['Bad Name', 'v', 'is not a valid header name'],
    ['', 'v', 'is not a valid header name'],
  ];
  it.each(rows)('%p: %p -> %p', (name, value, problem) => {
    expect(headerProblem(name, value)).toBe(problem);
  });

  it('http_post_headers: scalars become text; a bad value is refused without quoting it', () => {
    expect(headersOption(rule, { h: { 'X-N': 5, 'X-B': true } }, 'h')).toEqual({ 'X-N': '5', 'X-B': 'true' });
    expect(() => headersOption(rule, { h: { 'X-Key': 'sec\nret' } }, 'h')).toThrow('h: header "X-Key" has a value with a line break');
    expect(() => headersOption(rule, { h: { 'X-Key': 'sec\nret' } }, 'h')).not.toThrow(/sec/);
  });
});

describe('options', () => {
  it('timeouts are seconds, fractions allowed, default 10', () => {
    expect(timeoutOption(rule, {}, 't')).toBe(10_000);
    expect(timeoutOption(rule, { t: 0.25 }, 't')).toBe(250);
    expect(() => timeoutOption(rule, { t: 0 }, 't')).toThrow('t: must be a number of seconds greater than 0');
    expect(() => timeoutOption(rule, { t: '5' }, 't')).toThrow('t: must be a number');
  });

  it('TLS: a CA path wins, true verifies, ignore_ssl_errors turns verification off', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-ca-'));
    const pem = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';
    writeFileSync(path.join(dir, 'a.pem'), pem);
    expect(tlsOptions(rule, {}, 'ca', 'ign')).toEqual({ rejectUnauthorized: true });
    expect(tlsOptions(rule, { ign: true }, 'ca', 'ign')).toEqual({ rejectUnauthorized: false });
    expect(tlsOptions(rule, { ca: true, ign: true }, 'ca', 'ign')).toEqual({ rejectUnauthorized: true });
    expect(tlsOptions(rule, { ca: path.join(dir, 'a.pem'), ign: true }, 'ca', 'ign')).toEqual({ ca: [pem], rejectUnauthorized: true });
    expect(tlsOptions(rule, { ca: dir }, 'ca', 'ign')).toEqual({ ca: [pem], rejectUnauthorized: true });
    expect(() => tlsOptions(rule, { ca: path.join(dir, 'none.pem') }, 'ca', 'ign')).toThrow(
      /ca: cannot read CA certificates from ".*none.pem": ENOENT/,
    );
    expect(verifyOption(rule, 'v', undefined, true)).toEqual({ rejectUnauthorized: true });
    expect(verifyOption(rule, 'v', false, true)).toEqual({ rejectUnauthorized: false });
  });

  it('secrets: inline, from a file (trimmed) or an environment variable; one only; never quoted', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-key-'));
    writeFileSync(path.join(dir, 'key'), '  from-file-key\n');
    expect(secretOption(rule, { k: 'inline-key' }, 'k', {})).toBe('inline-key');
    expect(secretOption(rule, { k_file: path.join(dir, 'key') }, 'k', {})).toBe('from-file-key');
    expect(secretOption(rule, { k_env: 'PD_KEY' }, 'k', { PD_KEY: 'env-key' })).toBe('env-key');
    expect(secretOption(rule, {}, 'k', {})).toBeUndefined();
    expect(() => secretOption(rule, { k: 'a', k_env: 'X' }, 'k', {})).toThrow('k: set only one of k, k_env');
    expect(() => secretOption(rule, { k_env: 'NOPE' }, 'k', {})).toThrow('k_env: environment variable NOPE is not set');
    expect(() => secretOption(rule, { k_file: path.join(dir, 'missing') }, 'k', {})).toThrow(/k_file: cannot read ".*missing": ENOENT/);
    expect(() => secretOption(rule, { k: 42 }, 'k', {})).toThrow('k: must be a non-empty string (value hidden: it is a secret)');
  });
});

describe('formatArgs (ElastAlert2 *_args)', () => {
  const r = httpRule('pagerduty', { owner: 'secops', empty: '', pagerduty_service_key: 'KEY-must-not-leak', alert_missing_value: 'n/a' });
  const rows: [string, string[] | undefined, string][] = [
    ['{0} on {1}', ['user.name', 'source.ip'], 'bob on 10.0.0.1'],
    ['{} / {} / {}', ['nope', 'owner', 'empty'], 'n/a / secops / n/a'],
    ['{0}', ['pagerduty_service_key'], 'n/a'],
    ['{0}', ['name'], 'SSH brute force'],
    ['no args {0}', undefined, 'no args {0}'],
    ['{0:>6}|{1}', ['num_hits', 'tags'], "     7|['a', 'b']"],
  ];
  it.each(rows)('%p with %p -> %p', (template, args, expected) => {
    expect(formatArgs(r, MATCH, template, args)).toBe(expected);
  });

  it('a value holding format fields is inserted as text, never expanded', () => {
    expect(formatArgs(r, { v: '{0} {1[x]} {{y}}' }, '[{0}]', ['v'])).toBe('[{0} {1[x]} {{y}}]');
  });

  it('rule secrets are never handed out as values', () => {
    expect(ruleValue(r, 'pagerduty_service_key')).toBeUndefined();
    expect(ruleValue(httpRule('hivealerter', { hive_connection: { hive_apikey: 'k' } }), 'hive_connection')).toBeUndefined();
  });

  // alerters/http.ts lists the rule's own secret options rather than importing src/rules (a cycle).
  // Options refused outright never reach an alerter: a rule that sets them does not run.
  const secretOptions = Object.entries(ruleProperties)
    .filter(([option, schema]) => schema['x-secret'] && !(REFUSED_RULE_OPTIONS[option] && !REFUSED_RULE_OPTIONS[option].when))
    .map(([option]) => option);
  it.each(secretOptions)('withholds %s, an option the rule schema marks secret', (option) => {
    expect(ruleValue(httpRule('pagerduty', { [option]: 'must-not-leak' }), option)).toBeUndefined();
  });
  it('still hands out options that are not secret', () => {
    expect(secretOptions.length).toBeGreaterThan(10);
    expect(ruleValue(httpRule('pagerduty', { owner: 'secops' }), 'owner')).toBe('secops');
  });
});
