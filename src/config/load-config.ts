import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { otherAlerterOptionPatterns } from '../rules/alerter-options.ts';
import { configSchema, globalConfigProperties, ruleDefaultProperties } from './config-schema.ts';
import { refusedConfigProblems } from './refused-config.ts';
import { loggingSettings, type LoggingSettings } from './logging.ts';
import { parseDuration } from './duration.ts';
import { expandEnv, fieldName } from './env.ts';
import { ConfigError, type ConfigProblem } from './errors.ts';
import { validate } from './validate.ts';
import { describeYamlError, readYamlFile, YamlSyntaxError, type YamlSource } from './yaml.ts';

export interface EsSettings {
  url: string;
  /** More nodes of the same cluster (ElastAlert2's es_hosts); the client spreads requests and fails over. */
  extraUrls?: string[];
  /** ElastAlert2's ssl_show_warn: warn at start when certificates are not verified (default true). */
  sslShowWarn?: boolean;
  username?: string;
  password?: string;
  apiKey?: string;
  bearer?: string;
  caCertPath?: string;
  clientCertPath?: string;
  clientKeyPath?: string;
  verifyCerts: boolean;
  requestTimeoutMs: number;
}

export interface LogWardenConfig {
  /** The file read, or undefined when running on defaults and environment only. */
  file: string | undefined;
  /** The first of rulesFolders: where relative rule paths in messages start. */
  rulesFolder: string;
  /** ElastAlert2's rules_folder may be a list; every folder is loaded. */
  rulesFolders: string[];
  scanSubdirectories: boolean;
  runEveryMs: number;
  bufferTimeMs: number;
  alertTimeLimitMs: number;
  oldQueryLimitMs: number;
  maxQuerySize: number;
  scrollKeepalive: string;
  /** Pages of max_query_size read per window at most (ElastAlert2's max_scrolling_count; 0: no limit). */
  maxScrollingCount: number | undefined;
  maxThreads: number;
  /** ElastAlert2's skip_invalid: false makes `run` refuse to start when a rule file is invalid. */
  skipInvalid: boolean;
  /** ElastAlert2's disable_rules_on_error: a rule whose run fails for a reason other than a passing cluster error stops until reloaded. */
  disableRulesOnError: boolean;
  /** ElastAlert2's add_metadata_alert: rule name, category, description, owner and priority go into each alert's fields. */
  addMetadataAlert: boolean;
  /** ElastAlert2's notify_email: who gets a mail when a rule's run fails (empty: nobody). */
  notifyEmail: string[];
  /** ElastAlert2's notify_all_errors: mail passing cluster errors too. */
  notifyAllErrors: boolean;
  /** Log level and extra log file from ElastAlert2's `logging` mapping; undefined when not given. */
  logging: LoggingSettings | undefined;
  writebackIndex: string;
  /** Undefined when no cluster is configured; commands that need one say so. */
  es: EsSettings | undefined;
  /** Rule options given globally: defaults for every rule, as in ElastAlert2. */
  ruleDefaults: Record<string, unknown>;
  /**
   * The ops server (metrics, health, status page) as configured: undefined means "not set", and
   * `opsSettings()` in src/ops/settings.ts applies the defaults, so they are written in one place.
   */
  opsEnabled?: boolean | undefined;
  opsPort?: number | undefined;
  opsBind?: string | undefined;
  statusPage?: boolean | undefined;
  statusPageActions?: boolean | undefined;
  /** Bearer token for the status page's write actions (file, config or LOGWARDEN_STATUS_TOKEN). */
  statusPageToken?: string | undefined;
}

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface LoadConfigOptions {
  /** Path given with --config; else ./config.yaml when it exists. */
  file?: string | undefined;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** Reads config.yaml (optional), applies environment overrides, validates; throws ConfigError listing every problem. */
export function loadConfig(options: LoadConfigOptions = {}): LogWardenConfig {
  const env = options.env ?? process.env;
  const cwd = options.cwd ?? process.cwd();
  const explicit = options.file ?? env.LOGWARDEN_CONFIG;
  const file = explicit ? path.resolve(cwd, explicit) : path.join(cwd, 'config.yaml');
  if (!existsSync(file)) {
    if (explicit) throw new ConfigError([{ file: explicit, message: 'config file not found' }]);
    return resolveConfig({}, { file: undefined, env, cwd });
  }
  const display = path.relative(cwd, file) || file;
  let source: YamlSource;
  try {
    source = readYamlFile(file, display);
  } catch (error) {
    if (error instanceof YamlSyntaxError) throw new ConfigError([{ file: display, line: error.line, message: describeYamlError(error) }]);
    throw error;
  }
  const raw = source.value ?? {};
  return resolveConfig(raw, { file: display, env, cwd, source, baseDir: path.dirname(file) });
}

interface ResolveContext {
  file: string | undefined;
  env: NodeJS.ProcessEnv;
  cwd: string;
  source?: YamlSource;
  baseDir?: string;
}

/** The pure part of loadConfig: a parsed value in, a config or every problem out. */
export function resolveConfig(raw: unknown, ctx: ResolveContext): LogWardenConfig {
  const fileName = ctx.file ?? '(environment)';
  const problems: ConfigProblem[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new ConfigError([{ file: fileName, line: 1, message: 'expected a mapping of config keys' }]);
  }
  const unexpanded: string[] = [];
  const expanded = expandEnv(raw, ctx.env, (p, message) => {
    unexpanded.push(fieldName(p));
    problems.push({ file: fileName, line: ctx.source?.lineOf(p), field: fieldName(p), message });
  }) as Record<string, unknown>;
  // A field whose variable is unset keeps its "${NAME}" text: a schema complaint about that text repeats the problem.
  const aboutUnexpanded = (field: string | undefined): boolean =>
    unexpanded.some((f) => f === field || (field !== undefined && (f.startsWith(`${field}.`) || f.startsWith(`${field}[`))));
  const schemaProblems = validate(configSchema, expanded, { file: fileName, source: ctx.source });
  problems.push(...refusedConfigProblems(expanded, fileName, ctx.source));
  problems.push(...schemaProblems.filter((p) => p.message.startsWith('unknown option') || !aboutUnexpanded(p.field)));
  const envIndex = envValue(ctx.env, 'LOGWARDEN_WRITEBACK_INDEX');
  if (envIndex !== undefined && globalConfigProperties.writeback_index) {
    problems.push(
      ...validate(globalConfigProperties.writeback_index, envIndex, { file: '(environment)', basePath: ['LOGWARDEN_WRITEBACK_INDEX'] }),
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const get = <T>(key: string): T | undefined => expanded[key] as T | undefined;
  const ms = (key: string, fallback: number): number => {
    const value = get<unknown>(key);
    if (value === undefined) return fallback;
    const parsed = parseDuration(value);
    return typeof parsed === 'number' ? parsed : fallback;
  };
  const baseDir = ctx.baseDir ?? ctx.cwd;
  const readSecretFile = (key: string): string | undefined => {
    const p = get<string>(key);
    if (!p) return undefined;
    try {
      return readFileSync(path.resolve(baseDir, p), 'utf8').trim();
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      problems.push({
        file: fileName,
        line: ctx.source?.lineOf([key]),
        field: key,
        message: `cannot read the file ${JSON.stringify(p)} (${code})`,
      });
      return undefined;
    }
  };

  const es = resolveEs(get, ctx, fileName, problems, readSecretFile);
  const ops = resolveOps(get, ctx, fileName, problems, readSecretFile);
  const ruleDefaults = ruleDefaultsOf(expanded);
  const logging = loggingSettings(get('logging'), baseDir, (field, message) =>
    problems.push({ file: fileName, line: ctx.source?.lineOf(field.split('.')), field, message }),
  );
  if (problems.length > 0) throw new ConfigError(problems);

  const envRules = envValue(ctx.env, 'LOGWARDEN_RULES_FOLDER');
  const configured = get<string | string[]>('rules_folder') ?? 'rules';
  // Paths in the file are relative to the file; paths in the environment, like any command-line path, to the cwd.
  const rulesFolders =
    envRules !== undefined
      ? [path.resolve(ctx.cwd, envRules)]
      : (Array.isArray(configured) ? configured : [configured]).map((f) => path.resolve(baseDir, f));
  return {
    file: ctx.file,
    rulesFolder: rulesFolders[0] ?? path.resolve(baseDir, 'rules'),
    rulesFolders,
    scanSubdirectories: get<boolean>('scan_subdirectories') ?? true,
    runEveryMs: ms('run_every', MINUTE),
    bufferTimeMs: ms('buffer_time', 15 * MINUTE),
    alertTimeLimitMs: ms('alert_time_limit', 2 * DAY),
    oldQueryLimitMs: ms('old_query_limit', 7 * DAY),
    maxQuerySize: get<number>('max_query_size') ?? 10_000,
    scrollKeepalive: get<string>('scroll_keepalive') ?? '30s',
    maxScrollingCount: get<number>('max_scrolling_count'),
    maxThreads: get<number>('max_threads') ?? 10,
    skipInvalid: get<boolean>('skip_invalid') ?? true,
    disableRulesOnError: get<boolean>('disable_rules_on_error') ?? false,
    addMetadataAlert: get<boolean>('add_metadata_alert') ?? false,
    notifyEmail: ((v) => (typeof v === 'string' ? [v] : (v ?? [])))(get<string | string[]>('notify_email')),
    notifyAllErrors: get<boolean>('notify_all_errors') ?? false,
    logging,
    writebackIndex: envIndex ?? get<string>('writeback_index') ?? 'logwarden',
    es,
    ruleDefaults,
    ...ops,
  };
}

const ALERTER_PATTERNS = Object.keys(otherAlerterOptionPatterns).map((p) => new RegExp(p));

/** Every rule option given in config.yaml, alerter settings included: ElastAlert2 copies them into each rule. */
function ruleDefaultsOf(expanded: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const defaults: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(expanded)) {
    if (Object.hasOwn(ruleDefaultProperties, key) || ALERTER_PATTERNS.some((re) => re.test(key))) defaults[key] = value;
  }
  return defaults;
}

type OpsFields = Pick<LogWardenConfig, 'opsEnabled' | 'opsPort' | 'opsBind' | 'statusPage' | 'statusPageActions' | 'statusPageToken'>;

function resolveOps(
  get: <T>(key: string) => T | undefined,
  ctx: ResolveContext,
  file: string,
  problems: ConfigProblem[],
  readSecretFile: (key: string) => string | undefined,
): OpsFields {
  const env = ctx.env;
  const line = (key: string): number | undefined => ctx.source?.lineOf([key]);
  if (get('status_page_token') !== undefined && get('status_page_token_file') !== undefined) {
    problems.push({
      file,
      line: line('status_page_token_file'),
      field: 'status_page_token_file',
      message: 'give either status_page_token or status_page_token_file, not both',
    });
  }
  let opsPort = get<number>('ops_port');
  const envPort = envValue(env, 'LOGWARDEN_OPS_PORT');
  if (envPort !== undefined) {
    const n = Number(envPort);
    if (/^\d+$/.test(envPort) && n <= 65535) opsPort = n;
    else
      problems.push({
        file: '(environment)',
        field: 'LOGWARDEN_OPS_PORT',
        message: `expected a port number 0-65535, got ${JSON.stringify(envPort)}`,
      });
  }
  const envToken = envValue(env, 'LOGWARDEN_STATUS_TOKEN');
  const fileToken = envToken === undefined && get('status_page_token') === undefined ? readSecretFile('status_page_token_file') : undefined;
  const token = envToken ?? get<string>('status_page_token') ?? fileToken;
  // The schema's minLength covers status_page_token; the same rule applies to the environment and the file.
  const unchecked = envToken ?? fileToken;
  if (unchecked !== undefined && unchecked.length < 16) {
    problems.push({
      file: envToken !== undefined ? '(environment)' : file,
      line: envToken !== undefined ? undefined : line('status_page_token_file'),
      field: envToken !== undefined ? 'LOGWARDEN_STATUS_TOKEN' : 'status_page_token_file',
      message: 'the status page token must be at least 16 characters (e.g. `openssl rand -hex 32`)',
    });
  }
  const actions = get<boolean>('status_page_actions');
  // An unreadable token file has been reported already.
  if (actions === true && token === undefined && get('status_page_token_file') === undefined) {
    problems.push({
      file,
      line: line('status_page_actions'),
      field: 'status_page_actions',
      message:
        'status_page_actions is on but no token is set (status_page_token, status_page_token_file or LOGWARDEN_STATUS_TOKEN); without one, no write would be possible',
    });
  }
  return {
    opsEnabled: get<boolean>('ops_enabled'),
    opsPort,
    opsBind: envValue(env, 'LOGWARDEN_OPS_BIND') ?? get<string>('ops_bind'),
    statusPage: get<boolean>('status_page'),
    statusPageActions: actions,
    statusPageToken: token,
  };
}

function resolveEs(
  get: <T>(key: string) => T | undefined,
  ctx: ResolveContext,
  file: string,
  problems: ConfigProblem[],
  readSecretFile: (key: string) => string | undefined,
): EsSettings | undefined {
  const env = ctx.env;
  const line = (key: string): number | undefined => ctx.source?.lineOf([key]);
  if (get('es_url') !== undefined && get('es_host') !== undefined) {
    problems.push({ file, line: line('es_host'), field: 'es_host', message: 'give either es_url or es_host/es_port, not both' });
  }
  if (get('es_password') !== undefined && get('es_password_file') !== undefined) {
    problems.push({
      file,
      line: line('es_password_file'),
      field: 'es_password_file',
      message: 'give either es_password or es_password_file, not both',
    });
  }
  const hostSettings = esHostSettings(get, env, problems);
  let url = envValue(env, 'ES_URL') ?? get<string>('es_url');
  const host = hostSettings.host;
  const nodeUrl = (h: string): string => {
    // "host:port" as ElastAlert2's es_hosts and ES_HOSTS give them; a bare host takes es_port.
    const withPort = /:\d+$/.test(h) ? h : `${h}:${hostSettings.port}`;
    return `${hostSettings.scheme}://${withPort}${hostSettings.prefix}`;
  };
  if (!url && host) url = nodeUrl(host);
  if (!url) return undefined;
  // es_hosts are more nodes of es_host's cluster: a cluster named by ES_URL or es_url stands alone.
  const fromHost = !envValue(env, 'ES_URL') && get('es_url') === undefined;
  const extraUrls = fromHost ? hostSettings.hosts.map(nodeUrl).filter((u) => u !== url) : [];
  const username = envValue(env, 'ES_USERNAME') ?? get<string>('es_username');
  const password = envValue(env, 'ES_PASSWORD') ?? get<string>('es_password') ?? readSecretFile('es_password_file');
  const apiKey = envValue(env, 'ES_API_KEY') ?? get<string>('es_api_key') ?? readSecretFile('es_api_key_file');
  const bearer = envValue(env, 'ES_BEARER') ?? get<string>('es_bearer');
  const envCa = envValue(env, 'ES_CA_CERT');
  const ca = envCa !== undefined ? path.resolve(ctx.cwd, envCa) : get<string>('ca_certs');
  const baseDir = ctx.baseDir ?? ctx.cwd;
  // An unreadable es_password_file has been reported already.
  if (username && password === undefined && get('es_password_file') === undefined) {
    problems.push({
      file,
      line: line('es_username'),
      field: 'es_password',
      message: 'es_username is set but no password (es_password, es_password_file or ES_PASSWORD)',
    });
  }
  return {
    url,
    ...(extraUrls.length > 0 ? { extraUrls } : {}),
    ...(get<boolean>('ssl_show_warn') !== undefined ? { sslShowWarn: get<boolean>('ssl_show_warn') } : {}),
    ...(username ? { username, password: password ?? '' } : {}),
    ...(apiKey ? { apiKey } : {}),
    ...(bearer ? { bearer } : {}),
    ...(ca ? { caCertPath: path.resolve(baseDir, ca) } : {}),
    ...(get<string>('client_cert') ? { clientCertPath: path.resolve(baseDir, get<string>('client_cert') ?? '') } : {}),
    ...(get<string>('client_key') ? { clientKeyPath: path.resolve(baseDir, get<string>('client_key') ?? '') } : {}),
    verifyCerts: get<boolean>('verify_certs') ?? true,
    requestTimeoutMs: (get<number>('es_conn_timeout') ?? 20) * 1000,
  };
}

interface HostSettings {
  host: string | undefined;
  port: number;
  hosts: string[];
  scheme: 'http' | 'https';
  prefix: string;
}

/**
 * es_host, es_port, es_hosts, use_ssl and es_url_prefix, each overridden by ElastAlert2's
 * environment variable (ES_HOST, ES_PORT, ES_HOSTS comma-separated, ES_USE_SSL, ES_URL_PREFIX).
 */
function esHostSettings(get: <T>(key: string) => T | undefined, env: NodeJS.ProcessEnv, problems: ConfigProblem[]): HostSettings {
  const envPort = envValue(env, 'ES_PORT');
  let port = get<number>('es_port') ?? 9200;
  if (envPort !== undefined) {
    if (/^\d+$/.test(envPort) && Number(envPort) >= 1 && Number(envPort) <= 65535) port = Number(envPort);
    else
      problems.push({ file: '(environment)', field: 'ES_PORT', message: `expected a port number 1-65535, got ${JSON.stringify(envPort)}` });
  }
  const envSsl = envValue(env, 'ES_USE_SSL');
  let ssl = get<boolean>('use_ssl') ?? false;
  if (envSsl !== undefined) {
    // ElastAlert2 treats "True"/"true"/"1" as on.
    if (/^(true|1|yes)$/i.test(envSsl)) ssl = true;
    else if (/^(false|0|no)$/i.test(envSsl)) ssl = false;
    else problems.push({ file: '(environment)', field: 'ES_USE_SSL', message: `expected true or false, got ${JSON.stringify(envSsl)}` });
  }
  const envHosts = envValue(env, 'ES_HOSTS');
  const hosts =
    envHosts !== undefined
      ? envHosts
          .split(',')
          .map((h) => h.trim())
          .filter(Boolean)
      : (get<string[]>('es_hosts') ?? []);
  const rawPrefix = envValue(env, 'ES_URL_PREFIX') ?? get<string>('es_url_prefix') ?? '';
  const prefix = rawPrefix.replace(/^\/?/, '/').replace(/\/$/, '');
  // ElastAlert2 connects to es_hosts alone when es_host is not set.
  const host = envValue(env, 'ES_HOST') ?? get<string>('es_host') ?? hosts[0];
  return { host, port, hosts, scheme: ssl ? 'https' : 'http', prefix: prefix === '/' ? '' : prefix };
}

/** An environment variable, or undefined when unset or empty (`ES_USERNAME=` in a compose file gives nothing). */
function envValue(env: NodeJS.ProcessEnv, name: string): string | undefined {
  const value = env[name];
  return value === undefined || value === '' ? undefined : value;
}
