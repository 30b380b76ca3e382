import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError } from '../../../src/config/errors.ts';
import { loadConfig, resolveConfig, type LogWardenConfig } from '../../../src/config/load-config.ts';

const folders: string[] = [];
afterAll(() => {
  for (const folder of folders) rmSync(folder, { recursive: true, force: true });
});

/** A fresh folder holding config.yaml (when text is given) and any other files. */
function folderWith(text: string | undefined, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'logwarden-config-'));
  folders.push(dir);
  if (text !== undefined) writeFileSync(path.join(dir, 'config.yaml'), text);
  for (const [name, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

/** The ConfigError message loadConfig throws, or a failure when it throws none. */
function errorOf(load: () => unknown): ConfigError {
  try {
    load();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const UNITS = 'weeks, days, hours, minutes, seconds, milliseconds';

describe('loadConfig rejects bad configs with exact messages', () => {
  const cases: [reason: string, yaml: string, env: NodeJS.ProcessEnv, files: Record<string, string>, expected: string][] = [
    [
      'a misspelt key suggests the key it is close to',
      'es_hots: localhost\n',
      {},
      {},
      'config.yaml:1: es_hots: unknown option; did you mean "es_hosts"?',
    ],
    [
      'an unknown key far from every known key has no suggestion',
      'run_every: 5m\nfrobnicate: true\n',
      {},
      {},
      'config.yaml:2: frobnicate: unknown option',
    ],
    [
      'an unknown duration unit names every unit, on the line of the key',
      'rules_folder: rules\n\nrun_every:\n  minute: 1\n',
      {},
      {},
      `config.yaml:3: run_every: unknown duration unit "minute" (expected one of ${UNITS})`,
    ],
    [
      'a duration written in words is rejected',
      'buffer_time: 15 minutes\n',
      {},
      {},
      'config.yaml:1: buffer_time: expected a duration such as "5m", "1h30m" or {minutes: 5}, got "15 minutes"',
    ],
    [
      'a negative duration amount is rejected',
      'alert_time_limit:\n  days: -1\n',
      {},
      {},
      'config.yaml:1: alert_time_limit: days: expected a number >= 0, got -1',
    ],
    [
      'an empty duration mapping is rejected',
      'old_query_limit: {}\n',
      {},
      {},
      `config.yaml:1: old_query_limit: expected at least one of ${UNITS}`,
    ],
    [
      'a quoted port is a string, not an integer',
      'es_host: localhost\nes_port: "9200"\n',
      {},
      {},
      'config.yaml:2: es_port: expected an integer >= 1 and <= 65535, got "9200"',
    ],
    [
      'max_query_size below its minimum is rejected with both bounds',
      'max_query_size: 0\n',
      {},
      {},
      'config.yaml:1: max_query_size: expected an integer >= 1 and <= 10000, got 0',
    ],
    [
      'a boolean written as text is rejected',
      'scan_subdirectories: "yes"\n',
      {},
      {},
      'config.yaml:1: scan_subdirectories: expected true or false, got "yes"',
    ],
    ['es_conn_timeout must be positive', 'es_conn_timeout: 0\n', {}, {}, 'config.yaml:1: es_conn_timeout: expected a number > 0, got 0'],
    [
      'an empty rules_folder is rejected',
      'rules_folder: ""\n',
      {},
      {},
      'config.yaml:1: rules_folder: expected a non-empty string or a non-empty list of non-empty strings, got ""',
    ],
    [
      'an upper-case writeback index is rejected with the pattern it must match',
      'writeback_index: LogWarden\n',
      {},
      {},
      'config.yaml:1: writeback_index: expected a string matching ^[a-z0-9][a-z0-9_.-]*$, got "LogWarden"',
    ],
    [
      'a rule default outside its enum lists the allowed values',
      'timestamp_type: epoch\n',
      {},
      {},
      'config.yaml:1: timestamp_type: expected one of iso, unix, unix_ms, custom, got "epoch"',
    ],
    [
      'es_url and es_host together conflict',
      'es_url: http://a:9200\nes_host: b\n',
      {},
      {},
      'config.yaml:2: es_host: give either es_url or es_host/es_port, not both',
    ],
    [
      'es_username without any password is reported on the es_username line',
      'es_host: h\nes_username: elastic\n',
      {},
      {},
      'config.yaml:2: es_password: es_username is set but no password (es_password, es_password_file or ES_PASSWORD)',
    ],
    [
      'es_password with es_password_file conflict',
      'es_host: h\nes_username: u\nes_password: pw-1234\nes_password_file: pw.txt\n',
      {},
      { 'pw.txt': 'pw-5678' },
      'config.yaml:4: es_password_file: give either es_password or es_password_file, not both',
    ],
    [
      'a numeric password is rejected without quoting it',
      'es_host: h\nes_username: u\nes_password: 12345678\n',
      {},
      {},
      'config.yaml:3: es_password: expected a string, got a number (value hidden: it is a secret)',
    ],
    [
      'an API key given as a list is rejected without quoting it',
      'es_api_key: [abcdefgh]\n',
      {},
      {},
      'config.yaml:1: es_api_key: expected a string, got a list (value hidden: it is a secret)',
    ],
    [
      'a bearer token given as a mapping is rejected without quoting it',
      'es_bearer: {token: abcdefgh}\n',
      {},
      {},
      'config.yaml:1: es_bearer: expected a string, got a mapping (value hidden: it is a secret)',
    ],
    [
      'an es_url without a scheme is rejected without showing the password it embeds',
      'es_url: elastic:hunter22@localhost:9200\n',
      {},
      {},
      'config.yaml:1: es_url: expected a string matching ^https?://, got "***:***@localhost:9200"',
    ],
    [
      'an unset ${VAR} names the variable and the field',
      'es_host: h\nes_username: u\nes_password: ${ES_PW}\n',
      {},
      {},
      'config.yaml:3: es_password: environment variable ES_PW is not set',
    ],
    [
      'an unset ${VAR} is reported once, not again as a bad value',
      'es_url: ${CLUSTER_URL}\n',
      {},
      {},
      'config.yaml:1: es_url: environment variable CLUSTER_URL is not set',
    ],
    [
      'an unset ${VAR} under an unknown key is reported, and so is the unknown key',
      'es_hots: ${NOPE}\n',
      {},
      {},
      'config.yaml:1: es_hots: environment variable NOPE is not set\nconfig.yaml:1: es_hots: unknown option; did you mean "es_hosts"?',
    ],
    [
      'an unset ${VAR} inside a duration is reported once',
      'run_every:\n  minutes: ${EVERY}\n',
      {},
      {},
      'config.yaml:2: run_every.minutes: environment variable EVERY is not set',
    ],
    [
      'a missing es_password_file is reported once, with its error code',
      'es_host: h\nes_username: u\nes_password_file: secret.txt\n',
      {},
      {},
      'config.yaml:3: es_password_file: cannot read the file "secret.txt" (ENOENT)',
    ],
    [
      'a missing es_api_key_file is reported',
      'es_host: h\nes_api_key_file: key.txt\n',
      {},
      {},
      'config.yaml:2: es_api_key_file: cannot read the file "key.txt" (ENOENT)',
    ],
    [
      'every problem is listed, one per line',
      'es_hots: x\nmax_threads: 0\n',
      {},
      {},
      'config.yaml:1: es_hots: unknown option; did you mean "es_hosts"?\nconfig.yaml:2: max_threads: expected an integer >= 1 and <= 256, got 0',
    ],
    ['a sequence is not a mapping of keys', '- es_host\n- es_port\n', {}, {}, 'config.yaml:1: expected a mapping of config keys'],
    ['a bare scalar is not a mapping of keys', 'just some text\n', {}, {}, 'config.yaml:1: expected a mapping of config keys'],
    [
      'a YAML indentation error gives its line',
      'run_every: 5m\n  buffer_time: 5m\n',
      {},
      {},
      'config.yaml:2: invalid YAML: bad indentation of a mapping entry',
    ],
    [
      'a duplicated key is a YAML error on its second line',
      'run_every: 5m\nrun_every: 1m\n',
      {},
      {},
      'config.yaml:2: invalid YAML: duplicated mapping key',
    ],
    [
      'an unterminated flow sequence is a YAML error',
      'rules_folder: [a, b\nrun_every: 5m\n',
      {},
      {},
      'config.yaml:2: invalid YAML: deficient indentation',
    ],
    [
      'a bad LOGWARDEN_WRITEBACK_INDEX is rejected like the key it overrides',
      '',
      { LOGWARDEN_WRITEBACK_INDEX: 'Bad Index' },
      {},
      '(environment): LOGWARDEN_WRITEBACK_INDEX: expected a string matching ^[a-z0-9][a-z0-9_.-]*$, got "Bad Index"',
    ],
  ];

  it.each(cases)('%s', (_reason, yaml, env, files, expected) => {
    const cwd = folderWith(yaml, files);
    const error = errorOf(() => loadConfig({ env, cwd }));
    expect(error.message).toBe(expected);
    expect(error.problems).toHaveLength(expected.split('\n').length);
  });
});

describe('secrets never appear in configuration messages', () => {
  const cases: [reason: string, yaml: string, env: NodeJS.ProcessEnv, secret: string][] = [
    ['a numeric es_password', 'es_host: h\nes_username: u\nes_password: 12345678\n', {}, '12345678'],
    ['a numeric es_api_key', 'es_host: h\nes_api_key: 87654321\n', {}, '87654321'],
    ['a password inside a scheme-less es_url', 'es_url: elastic:Sup3rSecret@localhost:9200\n', {}, 'Sup3rSecret'],
    ['a password holding "@" inside an upper-case-scheme es_url', 'es_url: HTTPS://elastic:p@ssw0rd@localhost:9200\n', {}, 'ssw0rd'],
    [
      'a password from the environment beside another problem',
      'es_host: h\nes_username: u\nes_password: ${PW}\nes_port: 0\n',
      { PW: 'FromEnvSecret' },
      'FromEnvSecret',
    ],
    [
      'the content of an es_password_file beside another problem',
      'es_host: h\nes_username: u\nes_password_file: pw.txt\nmax_threads: 0\n',
      {},
      'FileSecret99',
    ],
  ];

  it.each(cases)('%s is not shown', (_reason, yaml, env, secret) => {
    const cwd = folderWith(yaml, { 'pw.txt': 'FileSecret99\n' });
    const error = errorOf(() => loadConfig({ env, cwd }));
    expect(error.message.length).toBeGreaterThan(0);
    expect(error.message).not.toContain(secret);
    expect(JSON.stringify(error.problems)).not.toContain(secret);
  });
});

describe('loadConfig resolves good configs', () => {
  const defaults = {
    scanSubdirectories: true,
    runEveryMs: MINUTE,
    bufferTimeMs: 15 * MINUTE,
    alertTimeLimitMs: 2 * DAY,
    oldQueryLimitMs: 7 * DAY,
    maxQuerySize: 10_000,
    scrollKeepalive: '30s',
    maxScrollingCount: undefined,
    maxThreads: 10,
    skipInvalid: true,
    disableRulesOnError: false,
    addMetadataAlert: false,
    notifyEmail: [],
    notifyAllErrors: false,
    logging: undefined,
    writebackIndex: 'logwarden',
    es: undefined,
    ruleDefaults: {},
  };

  it('runs on documented defaults when there is no config.yaml', () => {
    const cwd = folderWith(undefined);
    expect(loadConfig({ env: {}, cwd })).toEqual({
      file: undefined,
      rulesFolder: path.join(cwd, 'rules'),
      rulesFolders: [path.join(cwd, 'rules')],
      ...defaults,
    });
  });

  const emptyCases: [reason: string, yaml: string][] = [
    ['an empty file is all defaults', ''],
    ['a file of comments only is all defaults', '# nothing configured yet\n# es_host: localhost\n'],
    ['an explicit empty document is all defaults', '---\n'],
  ];
  it.each(emptyCases)('%s', (_reason, yaml) => {
    const cwd = folderWith(yaml);
    expect(loadConfig({ env: {}, cwd })).toEqual({
      file: 'config.yaml',
      rulesFolder: path.join(cwd, 'rules'),
      rulesFolders: [path.join(cwd, 'rules')],
      ...defaults,
    });
  });

  const cases: [
    reason: string,
    yaml: string,
    env: NodeJS.ProcessEnv,
    expected: (dirs: { conf: string; cwd: string }) => Partial<LogWardenConfig>,
  ][] = [
    [
      'es_host alone gives an http URL on port 9200',
      'es_host: es.internal\n',
      {},
      () => ({ es: { url: 'http://es.internal:9200', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'use_ssl and es_port give an https URL on that port',
      'es_host: es.internal\nes_port: 9243\nuse_ssl: true\n',
      {},
      () => ({ es: { url: 'https://es.internal:9243', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'es_url_prefix without slashes gets a leading one',
      'es_host: h\nes_url_prefix: es\n',
      {},
      () => ({ es: { url: 'http://h:9200/es', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'es_url_prefix loses its trailing slash',
      'es_host: h\nes_url_prefix: /proxy/es/\n',
      {},
      () => ({ es: { url: 'http://h:9200/proxy/es', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'an es_url_prefix of "/" adds nothing',
      'es_host: h\nes_url_prefix: /\n',
      {},
      () => ({ es: { url: 'http://h:9200', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'es_url is used as given',
      'es_url: https://cluster.example:443/es\n',
      {},
      () => ({ es: { url: 'https://cluster.example:443/es', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'verify_certs and es_conn_timeout carry over',
      'es_host: h\nverify_certs: false\nes_conn_timeout: 2.5\n',
      {},
      () => ({ es: { url: 'http://h:9200', verifyCerts: false, requestTimeoutMs: 2500 } }),
    ],
    [
      'username and password give basic auth',
      'es_host: h\nes_username: elastic\nes_password: changeme\n',
      {},
      () => ({ es: { url: 'http://h:9200', username: 'elastic', password: 'changeme', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'es_password_file is read relative to the config file and trimmed',
      'es_host: h\nes_username: elastic\nes_password_file: secrets/pw.txt\n',
      {},
      () => ({ es: { url: 'http://h:9200', username: 'elastic', password: 'from-file', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'es_api_key_file is read and trimmed',
      'es_host: h\nes_api_key_file: secrets/key.txt\n',
      {},
      () => ({ es: { url: 'http://h:9200', apiKey: 'key-from-file', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'es_bearer is passed on',
      'es_host: h\nes_bearer: tok-123\n',
      {},
      () => ({ es: { url: 'http://h:9200', bearer: 'tok-123', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'TLS file paths are relative to the config file',
      'es_host: h\nca_certs: certs/ca.pem\nclient_cert: certs/c.pem\nclient_key: /abs/k.pem\n',
      {},
      ({ conf }) => ({
        es: {
          url: 'http://h:9200',
          caCertPath: path.join(conf, 'certs/ca.pem'),
          clientCertPath: path.join(conf, 'certs/c.pem'),
          clientKeyPath: '/abs/k.pem',
          verifyCerts: true,
          requestTimeoutMs: 20_000,
        },
      }),
    ],
    [
      '${VAR} is replaced by the environment variable, and $${ stays literal',
      'es_host: ${ES_HOST_NAME}\nes_username: u\nes_password: "${PW}$${NOT_A_VAR}"\n',
      { ES_HOST_NAME: 'from-env', PW: 'pw' },
      () => ({
        es: { url: 'http://from-env:9200', username: 'u', password: 'pw${NOT_A_VAR}', verifyCerts: true, requestTimeoutMs: 20_000 },
      }),
    ],
    [
      'ES_URL wins over es_host and ES_USERNAME/ES_PASSWORD over the file',
      'es_host: file-host\nes_username: file-user\nes_password: file-pw\n',
      { ES_URL: 'https://env-host:9200', ES_USERNAME: 'env-user', ES_PASSWORD: 'env-pw' },
      () => ({
        es: { url: 'https://env-host:9200', username: 'env-user', password: 'env-pw', verifyCerts: true, requestTimeoutMs: 20_000 },
      }),
    ],
    [
      'ES_PASSWORD alone completes the file username',
      'es_host: h\nes_username: file-user\n',
      { ES_PASSWORD: 'env-pw' },
      () => ({ es: { url: 'http://h:9200', username: 'file-user', password: 'env-pw', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'ES_API_KEY wins over es_api_key',
      'es_url: http://h:9200\nes_api_key: file-key\n',
      { ES_API_KEY: 'env-key' },
      () => ({ es: { url: 'http://h:9200', apiKey: 'env-key', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'ES_URL alone configures a cluster without any file key',
      'run_every: 30s\n',
      { ES_URL: 'http://env:9200' },
      () => ({ runEveryMs: 30_000, es: { url: 'http://env:9200', verifyCerts: true, requestTimeoutMs: 20_000 } }),
    ],
    [
      'ES_CA_CERT wins over ca_certs and is relative to the cwd',
      'es_host: h\nca_certs: file-ca.pem\n',
      { ES_CA_CERT: 'env-ca.pem' },
      ({ cwd }) => ({
        es: { url: 'http://h:9200', caCertPath: path.join(cwd, 'env-ca.pem'), verifyCerts: true, requestTimeoutMs: 20_000 },
      }),
    ],
    [
      'LOGWARDEN_RULES_FOLDER wins over rules_folder and is relative to the cwd',
      'rules_folder: file-rules\n',
      { LOGWARDEN_RULES_FOLDER: 'env-rules' },
      ({ cwd }) => ({ rulesFolder: path.join(cwd, 'env-rules') }),
    ],
    [
      'rules_folder is relative to the config file',
      'rules_folder: file-rules\n',
      {},
      ({ conf }) => ({ rulesFolder: path.join(conf, 'file-rules') }),
    ],
    [
      'LOGWARDEN_WRITEBACK_INDEX wins over writeback_index',
      'writeback_index: from-file\n',
      { LOGWARDEN_WRITEBACK_INDEX: 'from-env' },
      () => ({ writebackIndex: 'from-env' }),
    ],
    [
      'empty environment variables are ignored, not taken as values',
      'rules_folder: file-rules\nwriteback_index: from-file\nes_url: http://file:9200\nes_username: u\nes_password: p\n',
      { LOGWARDEN_RULES_FOLDER: '', LOGWARDEN_WRITEBACK_INDEX: '', ES_URL: '', ES_USERNAME: '', ES_PASSWORD: '' },
      ({ conf }) => ({
        rulesFolder: path.join(conf, 'file-rules'),
        writebackIndex: 'from-file',
        es: { url: 'http://file:9200', username: 'u', password: 'p', verifyCerts: true, requestTimeoutMs: 20_000 },
      }),
    ],
    [
      'durations accept strings and timedelta mappings',
      'run_every: 5m\nbuffer_time: {minutes: 30}\nalert_time_limit: {days: 1, hours: 12}\nold_query_limit: 1h30m\n',
      {},
      () => ({ runEveryMs: 5 * MINUTE, bufferTimeMs: 30 * MINUTE, alertTimeLimitMs: 1.5 * DAY, oldQueryLimitMs: 90 * MINUTE }),
    ],
    [
      'YAML aliases and merge keys work as in PyYAML',
      'run_every: &every {minutes: 2}\nbuffer_time:\n  <<: *every\n  seconds: 30\n',
      {},
      () => ({ runEveryMs: 2 * MINUTE, bufferTimeMs: 150_000 }),
    ],
    [
      'numeric settings carry over',
      'max_query_size: 500\nmax_scrolling_count: 7\nmax_threads: 3\nscroll_keepalive: 1m\nscan_subdirectories: false\n',
      {},
      () => ({ maxQuerySize: 500, maxScrollingCount: 7, maxThreads: 3, scrollKeepalive: '1m', scanSubdirectories: false }),
    ],
    [
      'rule options given globally become rule defaults, as given',
      'realert: {minutes: 5}\ntimestamp_field: ts\nmax_alerts_per_hour: 20\n',
      {},
      () => ({ ruleDefaults: { realert: { minutes: 5 }, timestamp_field: 'ts', max_alerts_per_hour: 20 } }),
    ],
  ];

  it.each(cases)('%s', (_reason, yaml, env, expected) => {
    // Config, rules and secrets live in the folder; commands run from a subfolder, so the two bases differ.
    const dir = folderWith(undefined, {
      'conf/config.yaml': yaml,
      'conf/secrets/pw.txt': 'from-file\n',
      'conf/secrets/key.txt': '  key-from-file \n',
      'cwd/.keep': '',
    });
    const config = loadConfig({ file: '../conf/config.yaml', env, cwd: path.join(dir, 'cwd') });
    expect(config.file).toBe(path.join('..', 'conf', 'config.yaml'));
    expect(config).toMatchObject(expected({ conf: path.join(dir, 'conf'), cwd: path.join(dir, 'cwd') }) as Record<string, unknown>);
  });
});

describe('loadConfig finds the config file', () => {
  it('reads ./config.yaml from the cwd when no file is named', () => {
    const cwd = folderWith('run_every: 2m\n');
    expect(loadConfig({ env: {}, cwd })).toMatchObject({ file: 'config.yaml', runEveryMs: 2 * MINUTE });
  });

  it('reads the file named in LOGWARDEN_CONFIG', () => {
    const cwd = folderWith(undefined, { 'other.yaml': 'run_every: 3m\n' });
    expect(loadConfig({ env: { LOGWARDEN_CONFIG: 'other.yaml' }, cwd })).toMatchObject({ file: 'other.yaml', runEveryMs: 3 * MINUTE });
  });

  it('prefers the --config file over LOGWARDEN_CONFIG', () => {
    const cwd = folderWith(undefined, { 'a.yaml': 'run_every: 4m\n', 'b.yaml': 'run_every: 5m\n' });
    expect(loadConfig({ file: 'a.yaml', env: { LOGWARDEN_CONFIG: 'b.yaml' }, cwd }).runEveryMs).toBe(4 * MINUTE);
  });

  const missing: [reason: string, file: string | undefined, env: NodeJS.ProcessEnv, expected: string][] = [
    [
      'an explicit --config file that does not exist is an error, named as given',
      'missing.yaml',
      {},
      'missing.yaml: config file not found',
    ],
    [
      'a LOGWARDEN_CONFIG file that does not exist is an error',
      undefined,
      { LOGWARDEN_CONFIG: 'conf/nope.yaml' },
      'conf/nope.yaml: config file not found',
    ],
  ];
  it.each(missing)('%s', (_reason, file, env, expected) => {
    const cwd = folderWith('run_every: 1m\n');
    expect(errorOf(() => loadConfig({ file, env, cwd })).message).toBe(expected);
  });
});

describe('resolveConfig, the pure core', () => {
  const cases: [reason: string, raw: unknown, file: string | undefined, expected: string][] = [
    [
      'problems without a YAML source have no line',
      { es_hots: 'x' },
      'given.yaml',
      'given.yaml: es_hots: unknown option; did you mean "es_hosts"?',
    ],
    [
      'problems without any file are attributed to the environment',
      { max_threads: 0 },
      undefined,
      '(environment): max_threads: expected an integer >= 1 and <= 256, got 0',
    ],
    ['null is not a mapping', null, 'given.yaml', 'given.yaml:1: expected a mapping of config keys'],
    ['an array is not a mapping', ['a'], 'given.yaml', 'given.yaml:1: expected a mapping of config keys'],
    ['a number is not a mapping', 42, 'given.yaml', 'given.yaml:1: expected a mapping of config keys'],
  ];
  it.each(cases)('%s', (_reason, raw, file, expected) => {
    expect(errorOf(() => resolveConfig(raw, { file, env: {}, cwd: '/srv' })).message).toBe(expected);
  });

  it('resolves paths against the cwd when there is no config file', () => {
    const config = resolveConfig({ rules_folder: 'r', es_host: 'h', ca_certs: 'ca.pem' }, { file: undefined, env: {}, cwd: '/srv' });
    expect(config.rulesFolder).toBe('/srv/r');
    expect(config.es?.caCertPath).toBe('/srv/ca.pem');
  });

  it('does not change the value it is given', () => {
    const raw = { es_host: '${H}', run_every: { minutes: 2 } };
    const copy = structuredClone(raw);
    resolveConfig(raw, { file: undefined, env: { H: 'x' }, cwd: '/srv' });
    expect(raw).toEqual(copy);
  });
});
