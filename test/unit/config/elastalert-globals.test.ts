import { describe, expect, it } from '@jest/globals';
import { ConfigError } from '../../../src/config/errors.ts';
import { resolveConfig, type LogWardenConfig } from '../../../src/config/load-config.ts';

const resolve = (raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): LogWardenConfig =>
  resolveConfig(raw, { file: 'config.yaml', env, cwd: '/srv' });

function problemsOf(raw: Record<string, unknown>, env: NodeJS.ProcessEnv = {}): string {
  try {
    resolve(raw, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError, but the config loaded');
}

describe('ElastAlert2 global keys in config.yaml', () => {
  it('any rule option, alerter settings included, becomes a default for every rule', () => {
    const config = resolve({
      slack_webhook_url: 'https://hooks.example/x',
      smtp_host: 'mail',
      from_addr: 'a@b.c',
      email_reply_to: 'r@b.c',
      opsgenie_key: 'k',
      kibana_discover_app_url: 'https://kibana/app/discover',
    });
    expect(config.ruleDefaults).toEqual({
      slack_webhook_url: 'https://hooks.example/x',
      smtp_host: 'mail',
      from_addr: 'a@b.c',
      email_reply_to: 'r@b.c',
      opsgenie_key: 'k',
      kibana_discover_app_url: 'https://kibana/app/discover',
    });
  });

  it('options that name the rule itself cannot be defaults', () => {
    expect(problemsOf({ name: 'x', filter: [] })).toBe('config.yaml: name: unknown option\nconfig.yaml: filter: unknown option');
  });

  it('es_hosts adds nodes of the same cluster, with es_port where a host has none', () => {
    expect(resolve({ es_host: 'a', es_port: 9201, es_hosts: ['b:9300', 'c'] }).es).toMatchObject({
      url: 'http://a:9201',
      extraUrls: ['http://b:9300', 'http://c:9201'],
    });
  });

  it('es_hosts alone is enough, as in ElastAlert2', () => {
    expect(resolve({ es_hosts: ['b:9300', 'c:9301'] }).es).toMatchObject({ url: 'http://b:9300', extraUrls: ['http://c:9301'] });
  });

  it('ES_HOST, ES_PORT, ES_USE_SSL, ES_HOSTS and ES_URL_PREFIX override the file', () => {
    const es = resolve(
      { es_host: 'file', es_port: 9200 },
      { ES_HOST: 'envhost', ES_PORT: '9243', ES_USE_SSL: 'True', ES_HOSTS: 'x:1,y', ES_URL_PREFIX: 'es/' },
    ).es;
    expect(es).toMatchObject({ url: 'https://envhost:9243/es', extraUrls: ['https://x:1/es', 'https://y:9243/es'] });
  });

  it('a bad ES_PORT or ES_USE_SSL is named', () => {
    expect(problemsOf({ es_host: 'h' }, { ES_PORT: 'http', ES_USE_SSL: 'maybe' })).toBe(
      '(environment): ES_PORT: expected a port number 1-65535, got "http"\n(environment): ES_USE_SSL: expected true or false, got "maybe"',
    );
  });

  it('rules_folder may be a list; every folder is loaded', () => {
    const config = resolve({ rules_folder: ['rules', '/etc/more'] });
    expect(config.rulesFolders).toEqual(['/srv/rules', '/etc/more']);
    expect(config.rulesFolder).toBe('/srv/rules');
  });

  it('skip_invalid, disable_rules_on_error, add_metadata_alert, ssl_show_warn and max_scrolling_count are read', () => {
    const config = resolve({
      es_host: 'h',
      verify_certs: false,
      ssl_show_warn: false,
      skip_invalid: false,
      disable_rules_on_error: true,
      add_metadata_alert: true,
      max_scrolling_count: 3,
    });
    expect(config).toMatchObject({
      skipInvalid: false,
      disableRulesOnError: true,
      addMetadataAlert: true,
      maxScrollingCount: 3,
      es: { sslShowWarn: false, verifyCerts: false },
    });
  });

  it.each([
    ['statsd_host', 'localhost', 'statsd is not supported: scrape the Prometheus endpoint /metrics'],
    ['statsd_instance_tag', 'x', 'statsd is not supported'],
    ['misfire_grace_time', 5, 'LogWarden never queues a missed run'],
    ['max_aggregation', 100, 'has no cap to set yet'],
    ['string_multi_field_name', '.raw', 'only ".keyword" is supported'],
    ['terms_size', 50, 'LogWarden counts every term'],
    ['match_enhancements', ['my.Enh'], 'Python enhancement modules cannot run in LogWarden'],
  ])('%s is refused by name with the reason', (key, value, reason) => {
    const message = problemsOf({ [key]: value });
    expect(message).toMatch(new RegExp(`^config\\.yaml: ${key}: .*${reason.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
  });

  it('notify_email (one address or a list) and notify_all_errors are read', () => {
    expect(resolve({ notify_email: 'ops@example.com' })).toMatchObject({ notifyEmail: ['ops@example.com'], notifyAllErrors: false });
    expect(resolve({ notify_email: ['a@b.c', 'd@e.f'], notify_all_errors: true })).toMatchObject({
      notifyEmail: ['a@b.c', 'd@e.f'],
      notifyAllErrors: true,
    });
  });

  it('string_multi_field_name ".keyword" is what LogWarden does and is accepted', () => {
    expect(() => resolve({ string_multi_field_name: '.keyword' })).not.toThrow();
  });

  it('connection keys are the cluster of config.yaml, not refused there', () => {
    expect(() => resolve({ es_host: 'h', use_ssl: true, verify_certs: true, es_send_get_body_as: 'GET' })).not.toThrow();
  });
});

describe('ElastAlert2 logging mapping', () => {
  const stock = {
    version: 1,
    incremental: false,
    disable_existing_loggers: false,
    formatters: { logline: { format: '%(asctime)s %(levelname)+8s %(name)+20s %(message)s' } },
    handlers: {
      console: { class: 'logging.StreamHandler', formatter: 'logline', level: 'DEBUG', stream: 'ext://sys.stderr' },
      file: { class: 'logging.FileHandler', formatter: 'logline', level: 'DEBUG', filename: 'elastalert.log' },
    },
    loggers: { elastalert: { level: 'WARN', handlers: [], propagate: true }, '': { level: 'INFO', handlers: ['console', 'file'] } },
  };

  it('takes the elastalert logger level and the file handler, and notes the formatters', () => {
    expect(resolve({ logging: stock }).logging).toEqual({
      level: 'warn',
      files: ['/srv/elastalert.log'],
      stdout: false,
      notes: ['logging.formatters: LogWarden writes JSON lines (pretty lines on a terminal); Python format strings are not used'],
    });
  });

  it('falls back to the root level and sees a stdout stream', () => {
    expect(
      resolve({ logging: { root: { level: 'DEBUG' }, handlers: { out: { class: 'logging.StreamHandler', stream: 'ext://sys.stdout' } } } })
        .logging,
    ).toMatchObject({ level: 'debug', stdout: true });
  });

  it('refuses handlers whose output would be lost, and unknown levels', () => {
    expect(
      problemsOf({
        logging: { handlers: { syslog: { class: 'logging.handlers.SysLogHandler' } }, loggers: { elastalert: { level: 'LOUD' } } },
      }),
    ).toBe(
      'config.yaml: logging.handlers.syslog.class: "logging.handlers.SysLogHandler" is not supported: LogWarden writes log lines to stderr (logging.StreamHandler) and to files (logging.FileHandler); rotate files with logrotate (copytruncate)\n' +
        'config.yaml: logging.loggers.elastalert.level: expected one of NOTSET, DEBUG, INFO, WARN, WARNING, ERROR, CRITICAL, FATAL, got "LOUD"',
    );
  });
});
