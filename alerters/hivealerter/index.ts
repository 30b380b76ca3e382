/**
 * TheHive alerter: creates a TheHive alert (`POST <hive_host>:<hive_port>/api/alert`, the TheHive 4
 * API that ElastAlert2 uses; ElastAlert2 has no TheHive 5 `/api/v1/alert` variant) with
 * observables Cortex analyzers can run on.
 *
 * Two ways to fill `hive_alert_config`, chosen by `hive_alert_config_type`:
 * - absent / `custom` (ElastAlert2): `title`, `description`, `type`, `source` are Python format
 *   strings with `<name>_args` (field paths; a missing one becomes `<name>_missing_value`);
 *   `tags` and `customFields[].value` name a field (or rule option) whose value is used, else the
 *   text itself; `severity` 1-4, or a field name read through `severity_scale`;
 *   `hive_observable_data_mapping` entries map a TheHive data type to a field
 *   (`- ip: source.ip`, with optional `tlp`, `message`, `tags`).
 * - `classic` (the original ElastAlert's format): every string may say `{match[field]}` or
 *   `{rule[option]}`; `tlp` / `severity` strings are read as numbers after formatting; observable
 *   mappings are such strings too (`- ip: "{match[source][ip]}"`), skipped when the field is missing.
 * Templates come from the rule only: document values are inserted as text once, so a `{0}` or
 * `{{x}}` inside a value is never expanded.
 *
 * Differences from ElastAlert2, on purpose:
 * - `sourceRef` is the alert id unless configured: unique per alert and the same on a retry, so
 *   when TheHive answers that the alert already exists (an earlier attempt went through but its
 *   answer was lost), that counts as delivered.
 * - TLS certificates are verified unless `hive_verify: false` (ElastAlert2 defaults to false); a
 *   path in `hive_verify` is a CA bundle.
 * - A list value becomes one observable per item (ElastAlert2 sends the Python text of the list);
 *   identical observables are sent once.
 * - Without `severity`, the rule's `severity` maps to TheHive's 1-4 (info/low 1, medium 2, high 3,
 *   critical 4), else 2. ElastAlert2 fails in that case.
 * - `*_args` and `*_missing_value` keys are not sent to TheHive. `title_args` / `description_args`
 *   need `title` / `description` in hive_alert_config: the default title and text already hold
 *   document values and are not formatted a second time.
 * - The body's keys are sorted as ElastAlert2's (json.dumps sort_keys), without the indentation.
 */
import type { RuleDefinition } from '../../src/rules/types.ts';
import { formatPython, isPlainObject, lookupField, pyStr } from '../../src/pycompat/index.ts';
import {
  argsOption,
  checkFormat,
  formatArgs,
  HttpClient,
  httpUrl,
  ruleValue,
  secretOption,
  setOwn,
  timeoutOption,
  verifyOption,
  proxyOption,
  type TlsSettings,
} from '../http.ts';
import { checkOptions } from '../kit/options.ts';
import { alerterOptions, AlerterError, optionError, type Alerter, type AlerterFactory, type AlertPayload } from '../types.ts';
import { systemClock } from '../../src/schedule/clock.ts';
import { hivealerterSchema } from './schema.ts';

type Match = Readonly<Record<string, unknown>>;

const DEFAULT_HOST = 'http://localhost';
const DEFAULT_PORT = 9000;
const DEFAULT_MISSING = '<MISSING VALUE>';
const FORMATTED_FIELDS = ['title', 'description', 'type', 'source'] as const;
const OBSERVABLE_META = new Set(['tlp', 'message', 'tags']);
const RULE_SEVERITY: Readonly<Record<string, number>> = { info: 1, low: 1, medium: 2, high: 3, critical: 4 };

export interface CompiledHive {
  readonly url: URL;
  readonly apiKey: string;
  readonly timeoutMs: number;
  readonly tls: TlsSettings;
  /** sourceRef is the alert id (not configured): "already exists" then means delivered. */
  readonly sourceRefIsAlertId: boolean;
  /** The TheHive alert for an alert, created at `nowMs`. */
  body(alert: AlertPayload, nowMs: number): Record<string, unknown>;
}

/** Keys sorted at every level, as Python's json.dumps(sort_keys=True). */
function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort())
    Object.defineProperty(out, key, { value: sortKeys(value[key]), enumerable: true, writable: true, configurable: true });
  return out;
}

/** The field's value in the match, else the rule option of that name, else `fallback` (ElastAlert2 lookup_field). */
function lookupOrRule(rule: RuleDefinition, match: Match, name: string, fallback: unknown): unknown {
  return lookupField(match, name) ?? ruleValue(rule, name) ?? fallback;
}

/** Scalars as text; a list gives one text per scalar item. */
function texts(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(pyStr);
  return value === null || value === undefined ? [] : [pyStr(value)];
}

function uniqueBy<T>(items: T[], key: (item: T) => string): T[] {
  const seen = new Set<string>();
  return items.filter((item) => {
    const k = key(item);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// ---------------------------------------------------------------------------------------------
// `classic` format strings: "{match[a][b]}", "{rule[name]}", "{{" and "}}", with optional !r / :spec.

interface ClassicField {
  scope: 'match' | 'rule';
  path: string[];
  conversion: string | undefined;
  spec: string | undefined;
}
type ClassicTemplate = (string | ClassicField)[];

const CLASSIC_FIELD = /^(match|rule)((?:\[[^[\]]+\])+)(?:!([rsa]))?(?::([^{}]*))?$/;

export function parseClassic(template: string): ClassicTemplate {
  const parts: ClassicTemplate = [];
  let literal = '';
  let i = 0;
  while (i < template.length) {
    const ch = template[i];
    if ((ch === '{' || ch === '}') && template[i + 1] === ch) {
      literal += ch;
      i += 2;
    } else if (ch === '{') {
      const end = template.indexOf('}', i);
      const m = end === -1 ? null : CLASSIC_FIELD.exec(template.slice(i + 1, end));
      if (!m)
        throw new Error(
          `${JSON.stringify(template)}: only {match[field]} and {rule[option]} fields are supported (write {{ and }} for braces)`,
        );
      if (literal) parts.push(literal);
      literal = '';
      parts.push({
        scope: m[1] as 'match' | 'rule',
        path: [...(m[2] ?? '').matchAll(/\[([^\]]+)\]/g)].map((k) => k[1] ?? ''),
        conversion: m[3],
        spec: m[4],
      });
      i = end + 1;
    } else if (ch === '}') {
      throw new Error(`${JSON.stringify(template)}: single "}" (write "}}")`);
    } else {
      literal += ch;
      i++;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

function walk(start: unknown, path: readonly string[]): unknown {
  let current = start;
  for (const key of path) {
    if (Array.isArray(current) && /^\d+$/.test(key)) current = current[Number(key)];
    else if (isPlainObject(current) && Object.hasOwn(current, key)) current = current[key];
    else return undefined;
  }
  return current ?? undefined;
}

/** The formatted text, or undefined when a field is missing and `missing` is undefined. */
export function renderClassic(
  template: ClassicTemplate,
  rule: RuleDefinition,
  match: Match,
  missing: string | undefined,
): string | undefined {
  let out = '';
  for (const part of template) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    let value: unknown;
    if (part.scope === 'match') {
      value = walk(match, part.path);
      // A flattened or dotted name ("source.ip") is found the way alert_text_args finds it.
      if (value === undefined && part.path.length === 1) value = lookupField(match, part.path[0] ?? '');
    } else {
      value = walk(ruleValue(rule, part.path[0] ?? ''), part.path.slice(1));
    }
    if (value === undefined) {
      if (missing === undefined) return undefined;
      out += missing;
      continue;
    }
    if (part.conversion === undefined && part.spec === undefined) {
      out += pyStr(value);
      continue;
    }
    try {
      out += formatPython(`{0${part.conversion ? `!${part.conversion}` : ''}${part.spec !== undefined ? `:${part.spec}` : ''}}`, [value]);
    } catch {
      // The spec does not fit this value's type (a number format on text): show the value plainly.
      out += pyStr(value);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

function hivePort(rule: RuleDefinition, value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  // The schema took a port number or digits; digits must still name a port.
  const port = Number(value);
  if (port < 1 || port > 65535) throw optionError(rule, 'hive_connection.hive_port', 'must be a port number');
  return port;
}

function hiveUrl(rule: RuleDefinition, connection: Match): URL {
  const url = httpUrl(rule, 'hive_connection.hive_host', connection['hive_host'] ?? DEFAULT_HOST);
  const port = hivePort(rule, connection['hive_port']);
  // ElastAlert2 writes "<hive_host>:<hive_port>", so a host that names its own port takes no hive_port.
  if (url.port !== '' && port !== undefined)
    throw optionError(rule, 'hive_connection.hive_port', 'is set but hive_host already names a port');
  if (url.port === '') url.port = String(port ?? DEFAULT_PORT);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}/api/alert`;
  url.search = '';
  url.hash = '';
  return url;
}

interface Observable {
  dataType: string;
  field: string;
  tlp: unknown;
  message: unknown;
  tags: unknown;
}

function observableMappings(rule: RuleDefinition, value: unknown): Observable[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw optionError(rule, 'hive_observable_data_mapping', 'must be a list of {data type: field} mappings');
  return value.map((entry, i) => {
    const option = `hive_observable_data_mapping[${i}]`;
    if (!isPlainObject(entry)) throw optionError(rule, option, 'must be a mapping such as {ip: source.ip}');
    // ElastAlert2 takes the first key that is not tlp / message / tags.
    const data = Object.entries(entry).find(([k]) => !OBSERVABLE_META.has(k));
    if (!data || typeof data[1] !== 'string')
      throw optionError(rule, option, 'must map a TheHive data type to a document field, e.g. {ip: source.ip}');
    if (
      entry['tags'] !== undefined &&
      entry['tags'] !== null &&
      (!Array.isArray(entry['tags']) || entry['tags'].some((t) => typeof t !== 'string'))
    ) {
      throw optionError(rule, `${option}.tags`, 'must be a list of text');
    }
    return { dataType: data[0], field: data[1], tlp: entry['tlp'], message: entry['message'], tags: entry['tags'] };
  });
}

function artifact(o: { dataType: string; tlp: unknown; message: unknown; tags: unknown }, data: string): Record<string, unknown> {
  return { data, dataType: o.dataType, message: o.message ?? null, tags: o.tags ?? [], tlp: o.tlp ?? 2 };
}

interface SeverityScaleEntry {
  min: number;
  max: number;
  severity: number;
}

function defaultSeverity(alert: AlertPayload): number {
  return RULE_SEVERITY[alert.severity ?? ''] ?? 2;
}

/** The ElastAlert2 way (hive_alert_config_type absent or custom). */
function compileElastAlert2(rule: RuleDefinition, config: Match, opts: Match): (alert: AlertPayload) => Record<string, unknown> {
  const formatted = FORMATTED_FIELDS.map((field) => {
    const template = config[field];
    const args = argsOption(rule, `hive_alert_config.${field}_args`, config[`${field}_args`]);
    const missingOption = config[`${field}_missing_value`];
    const missing = typeof missingOption === 'string' ? missingOption : DEFAULT_MISSING;
    if (template !== undefined && typeof template !== 'string') throw optionError(rule, `hive_alert_config.${field}`, 'must be text');
    if (template === undefined && (field === 'type' || field === 'source'))
      throw optionError(rule, `hive_alert_config.${field}`, 'is required by TheHive');
    if (template === undefined && args) {
      throw optionError(
        rule,
        `hive_alert_config.${field}_args`,
        `needs hive_alert_config.${field}: the default ${field === 'title' ? 'title' : 'text'} already holds document values and is not formatted again`,
      );
    }
    if (template !== undefined && args) checkFormat(rule, `hive_alert_config.${field}`, template, args.length);
    return { field, template, args, missing };
  });

  const tags = config['tags'] ?? [];
  if (!Array.isArray(tags) || tags.some((t) => typeof t !== 'string'))
    throw optionError(rule, 'hive_alert_config.tags', 'must be a list of text (field names or tags)');

  const customFields = config['customFields'] ?? [];
  const customOk =
    Array.isArray(customFields) &&
    customFields.every(
      (f) => isPlainObject(f) && typeof f['name'] === 'string' && typeof f['type'] === 'string' && f['value'] !== undefined,
    );
  if (!customOk) throw optionError(rule, 'hive_alert_config.customFields', 'must be a list of {name, type, value}');

  const severity = config['severity'];
  // Its entries' shape is the schema's.
  const scale = opts['severity_scale'] as SeverityScaleEntry[] | undefined;
  const fixedSeverity = [1, 2, 3, 4].includes(severity as number);
  if (severity !== undefined && !fixedSeverity && !(typeof severity === 'string' && scale)) {
    throw optionError(rule, 'hive_alert_config.severity', 'must be 1-4, or a document field with severity_scale');
  }

  const observables = observableMappings(rule, opts['hive_observable_data_mapping']);
  const handled = new Set<string>(['tags', 'customFields', 'severity', 'artifacts', ...FORMATTED_FIELDS]);
  const passthrough = Object.entries(config).filter(([k]) => !handled.has(k) && !/_args$|_missing_value$/.test(k));

  return (alert) => {
    const match = alert.match;
    const body: Record<string, unknown> = { customFields: {}, tags: [] };
    for (const [k, v] of passthrough) setOwn(body, k, v);
    for (const f of formatted) {
      if (f.template === undefined) continue;
      body[f.field] = f.args ? formatArgs(rule, match, f.template, f.args, f.missing) : f.template;
    }
    body['title'] ??= alert.subject;
    body['description'] ??= alert.text;

    body['tags'] = uniqueBy(
      (tags as string[]).flatMap((tag) => texts(lookupOrRule(rule, match, tag, tag))),
      (t) => t,
    );

    const fields: Record<string, unknown> = {};
    (customFields as Record<string, unknown>[]).forEach((f, order) => {
      const value = typeof f['value'] === 'string' ? lookupOrRule(rule, match, f['value'], f['value']) : f['value'];
      setOwn(fields, f['name'] as string, { order, [f['type'] as string]: value });
    });
    body['customFields'] = fields;

    if (fixedSeverity) body['severity'] = severity;
    else if (typeof severity === 'string' && scale) {
      const raw = lookupOrRule(rule, match, severity, 1);
      const n = typeof raw === 'number' ? raw : typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : Number.NaN;
      // ElastAlert2 falls back to the lowest severity when no band matches.
      body['severity'] = scale.find((s) => s.min <= n && n <= s.max)?.severity ?? 1;
    } else {
      body['severity'] = defaultSeverity(alert);
    }

    const artifacts = observables.flatMap((o) =>
      texts(lookupOrRule(rule, match, o.field, ''))
        .filter((d) => d !== '')
        .map((d) => artifact(o, d)),
    );
    body['artifacts'] = uniqueBy(artifacts, (a) => `${String(a['dataType'])}\u0000${String(a['data'])}`);
    return body;
  };
}

/** The original ElastAlert's way (hive_alert_config_type: classic). */
function compileClassic(rule: RuleDefinition, config: Match, opts: Match): (alert: AlertPayload) => Record<string, unknown> {
  const parse = (option: string, text: string): ClassicTemplate => {
    try {
      return parseClassic(text);
    } catch (error) {
      throw optionError(rule, option, (error as Error).message);
    }
  };
  type Item = { template: ClassicTemplate } | { value: unknown };
  type Entry =
    | { key: string; kind: 'text'; template: ClassicTemplate }
    | { key: string; kind: 'list'; items: Item[] }
    | { key: string; kind: 'value'; value: unknown };
  const entries: Entry[] = [];
  let customFields: { name: string; type: string; template: ClassicTemplate | undefined; value: unknown }[] = [];
  for (const [key, value] of Object.entries(config)) {
    if (key === 'customFields') {
      // Yelp's form is {name: {type, value}}; ElastAlert2's list of {name, type, value} is taken too.
      const list = Array.isArray(value)
        ? value
        : isPlainObject(value)
          ? Object.entries(value).map(([name, f]) => (isPlainObject(f) ? { name, ...f } : undefined))
          : undefined;
      if (!list || !list.every((f) => isPlainObject(f) && typeof f['name'] === 'string' && typeof f['type'] === 'string')) {
        throw optionError(rule, 'hive_alert_config.customFields', 'must map names to {type, value}');
      }
      customFields = (list as Record<string, unknown>[]).map((f) => ({
        name: f['name'] as string,
        type: f['type'] as string,
        template: typeof f['value'] === 'string' ? parse(`hive_alert_config.customFields.${String(f['name'])}`, f['value']) : undefined,
        value: f['value'],
      }));
    } else if (typeof value === 'string') {
      entries.push({ key, kind: 'text', template: parse(`hive_alert_config.${key}`, value) });
    } else if (Array.isArray(value)) {
      // As the original: an item that cannot be formatted is kept as written.
      entries.push({
        key,
        kind: 'list',
        items: value.map((item): Item => {
          try {
            return typeof item === 'string' ? { template: parseClassic(item) } : { value: item };
          } catch {
            return { value: item };
          }
        }),
      });
    } else {
      entries.push({ key, kind: 'value', value });
    }
  }
  if (!entries.some((e) => e.key === 'type') || !entries.some((e) => e.key === 'source')) {
    throw optionError(rule, 'hive_alert_config', 'type and source are required by TheHive');
  }
  const mappings = opts['hive_observable_data_mapping'] ?? [];
  if (!Array.isArray(mappings) || !mappings.every((m) => isPlainObject(m) && Object.values(m).every((v) => typeof v === 'string'))) {
    throw optionError(rule, 'hive_observable_data_mapping', 'must be a list of {data type: "{match[field]}"} mappings');
  }
  const observables = (mappings as Record<string, string>[]).flatMap((m, i) =>
    Object.entries(m).map(([dataType, text]) => ({ dataType, template: parse(`hive_observable_data_mapping[${i}].${dataType}`, text) })),
  );
  const missing = typeof rule.options['alert_missing_value'] === 'string' ? rule.options['alert_missing_value'] : DEFAULT_MISSING;

  return (alert) => {
    const match = alert.match;
    const body: Record<string, unknown> = { customFields: {}, tags: [], title: alert.subject, description: alert.text };
    for (const e of entries) {
      if (e.kind === 'value') setOwn(body, e.key, e.value);
      else if (e.kind === 'list')
        body[e.key] = e.items.map((item) => ('template' in item ? renderClassic(item.template, rule, match, missing) : item.value));
      else {
        const text = renderClassic(e.template, rule, match, missing) ?? '';
        if (e.key === 'tlp' || e.key === 'severity') {
          const n = Number.parseInt(text, 10);
          body[e.key] = Number.isNaN(n) ? (e.key === 'tlp' ? 2 : defaultSeverity(alert)) : n;
        } else {
          setOwn(body, e.key, text);
        }
      }
    }
    body['severity'] ??= defaultSeverity(alert);
    const fields: Record<string, unknown> = {};
    customFields.forEach((f, order) => {
      setOwn(fields, f.name, { order, [f.type]: f.template ? renderClassic(f.template, rule, match, missing) : f.value });
    });
    body['customFields'] = fields;
    const artifacts = observables.flatMap((o) => {
      const data = renderClassic(o.template, rule, match, undefined);
      return data === undefined || data === ''
        ? []
        : [artifact({ dataType: o.dataType, tlp: undefined, message: undefined, tags: undefined }, data)];
    });
    body['artifacts'] = uniqueBy(artifacts, (a) => `${String(a['dataType'])}\u0000${String(a['data'])}`);
    return body;
  };
}

/** The options as the schema (hivealerter/schema.ts) checked them. */
interface HiveRaw {
  hive_connection: Match;
  hive_alert_config: Match;
  hive_alert_config_type?: 'custom' | 'classic';
}

/**
 * Checks the options against the alerter's schema (the one lint uses), then what depends on
 * `hive_alert_config_type` and the key's source, and compiles the alert builder.
 */
export function compileHive(rule: RuleDefinition, all: Match, env: NodeJS.ProcessEnv): CompiledHive {
  const opts = checkOptions<HiveRaw>(hivealerterSchema, all, (option, message) => optionError(rule, option, message));
  const connection = opts.hive_connection;
  const apiKey = secretOption(rule, connection, 'hive_apikey', env, 'hive_connection.hive_apikey');
  if (apiKey === undefined) throw optionError(rule, 'hive_connection.hive_apikey', 'is required (or hive_apikey_file / hive_apikey_env)');
  const config = opts.hive_alert_config;
  const mode = opts.hive_alert_config_type ?? 'custom';
  const build = mode === 'classic' ? compileClassic(rule, config, opts) : compileElastAlert2(rule, config, opts);
  const sourceRefIsAlertId = config['sourceRef'] === undefined || config['sourceRef'] === null;
  return {
    url: hiveUrl(rule, connection),
    apiKey,
    timeoutMs: timeoutOption(rule, connection, 'hive_timeout'),
    tls: verifyOption(rule, 'hive_connection.hive_verify', connection['hive_verify'], true),
    sourceRefIsAlertId,
    body(alert, nowMs) {
      const body = build(alert);
      if (sourceRefIsAlertId) body['sourceRef'] = alert.alertId;
      body['date'] ??= nowMs;
      return sortKeys(body) as Record<string, unknown>;
    },
  };
}

/** TheHive's answer when an alert with this type / source / sourceRef exists (TheHive 3, 4 and 5 word it so). */
const ALREADY_EXISTS = /already exist|ConflictError/i;

/** ElastAlert2's `hivealerter`. */
export const createHiveAlerter: AlerterFactory = (ref, rule, deps): Alerter => {
  const opts = alerterOptions(ref, rule);
  const compiled = compileHive(rule, opts, deps.env ?? process.env);
  const connection = opts['hive_connection'] as Match;
  // ElastAlert2 hands hive_proxies ({http: ..., https: ...}) to requests; the https one is used for https:// hosts.
  const proxies = connection['hive_proxies'];
  const proxy = proxies
    ? proxyOption(rule, { 'hive_connection.hive_proxies.https': (proxies as Match)['https'] }, 'hive_connection.hive_proxies.https')
    : undefined;
  const client = new HttpClient({
    alerter: 'hivealerter',
    timeoutMs: compiled.timeoutMs,
    tls: compiled.tls,
    tlsHint: 'hive_connection.hive_verify',
    proxy,
    clock: deps.clock,
  });
  const clock = deps.clock ?? systemClock;
  return {
    type: 'hivealerter',
    async send(alert: AlertPayload): Promise<void> {
      let body: string;
      try {
        body = JSON.stringify(compiled.body(alert, clock.now()));
      } catch (error) {
        throw new AlerterError('hivealerter', `cannot build the TheHive alert: ${(error as Error).message}`, false);
      }
      const result = await client.post(
        compiled.url,
        body,
        { 'Content-Type': 'application/json', Authorization: `Bearer ${compiled.apiKey}` },
        {
          secrets: [compiled.apiKey],
          accept: (status, text) => compiled.sourceRefIsAlertId && (status === 400 || status === 409) && ALREADY_EXISTS.test(text),
        },
      );
      if (result.status >= 300)
        deps.log.info({ rule: rule.name, alert_id: alert.alertId }, 'TheHive already has this alert (an earlier attempt reached it)');
    },
    async close(): Promise<void> {
      client.close();
    },
  };
};
