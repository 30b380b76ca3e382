/**
 * Which code honours each key of the rule and config schemas, or why lint refuses it. Used by
 * test/unit/rules/option-coverage.test.ts (no key may be accepted and ignored) and to write
 * docs/rule-options.md and the key table of docs/configuration.md (`node scripts/option-coverage.ts --write`).
 *
 * "Read" is found in the source: a key counts as read where it appears as a quoted string or a
 * property access (`options.include`, `'top_count_keys'`) in src/ or alerters/, outside the
 * schema and refusal files and outside checks.ts (which reads options only to validate them).
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AVAILABLE_ALERTERS } from '../alerters/index.ts';
import { globalConfigProperties, ruleDefaultProperties } from '../src/config/config-schema.ts';
import { REFUSED_CONFIG_KEYS } from '../src/config/refused-config.ts';
import { REFUSED_RULE_OPTIONS } from '../src/rules/refused-options.ts';
import { ruleProperties } from '../src/rules/schema.ts';
import { createRuleType } from '../src/ruletypes/index.ts';
import type { RuleDefinition } from '../src/rules/types.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const NOT_READERS = new Set([
  'src/rules/schema.ts',
  'src/rules/alerter-options.ts',
  'src/config/config-schema.ts',
  'src/rules/refused-options.ts',
  'src/config/refused-config.ts',
  'src/rules/checks.ts',
]);

/** Options of rule types that LogWarden refuses as a whole until they are implemented. */
export const TYPE_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  cardinality_field: ['cardinality'],
  max_cardinality: ['cardinality'],
  min_cardinality: ['cardinality'],
  metric_agg_script: ['metric_aggregation', 'spike_aggregation'],
  min_doc_count: ['metric_aggregation', 'spike_aggregation'],
  use_run_every_query_size: ['metric_aggregation', 'percentage_match'],
  allow_buffer_time_overlap: ['metric_aggregation', 'percentage_match'],
  bucket_interval: ['metric_aggregation', 'percentage_match'],
  sync_bucket_interval: ['metric_aggregation', 'percentage_match'],
  metric_format_string: ['metric_aggregation'],
  match_bucket_filter: ['percentage_match'],
  percentage_format_string: ['percentage_match'],
  min_denominator: ['percentage_match'],
  min_percentage: ['percentage_match'],
  max_percentage: ['percentage_match'],
  metric_agg_type: ['metric_aggregation', 'spike_aggregation'],
  max_threshold: ['metric_aggregation'],
  min_threshold: ['metric_aggregation'],
  percentile_range: ['metric_aggregation', 'spike_aggregation'],
  ignore_null: ['whitelist', 'change'],
  blacklist: ['blacklist'],
  whitelist: ['whitelist'],
};

/** Options of alerters that are not available in this build (createAlerters refuses the alerter itself). */
export const ALERTER_OPTIONS: Readonly<Record<string, string>> = {
  command: 'command',
  pipe_match_json: 'command',
  pipe_alert_text: 'command',
  fail_on_non_zero_exit: 'command',
};

/** Keys honoured by construction, with why nothing needs to read them. */
export const INHERENT: Readonly<Record<string, string>> = {
  references: 'metadata for people reading the rule; templates see it as rule.references, as every rule option',
  es_send_get_body_as:
    "LogWarden's client always sends search bodies with POST, which is what this option exists to get through proxies that drop GET bodies; every value is honoured",
};

export type Status = 'honoured' | 'refused' | 'type not implemented' | 'alerter not available' | 'inherent' | 'UNCOVERED';
export interface Coverage {
  key: string;
  where: 'rule' | 'config' | 'both';
  status: Status;
  detail: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)));
}

/** Source without comments, per file. */
function readers(): Map<string, string> {
  const map = new Map<string, string>();
  for (const file of [...sourceFiles('src'), ...sourceFiles('alerters')]) {
    if (NOT_READERS.has(file)) continue;
    const text = readFileSync(path.join(ROOT, file), 'utf8')
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
    map.set(file, text);
  }
  return map;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** Files that read `key`. A key named like `pagerduty_x_args` also counts where `${option}_args` is built. */
function readBy(key: string, sources: Map<string, string>): string[] {
  const quoted = new RegExp(`['"\`]${escape(key)}['"\`]|\\.${escape(key)}\\b(?!\\()`);
  const found = [...sources].filter(([, text]) => quoted.test(text)).map(([file]) => file);
  if (found.length === 0 && key.endsWith('_args')) {
    const base = new RegExp(`['"\`]${escape(key.slice(0, -'_args'.length))}['"\`]`);
    return [...sources].filter(([, text]) => text.includes('_args`') && base.test(text)).map(([file]) => file);
  }
  if (found.length > 0) return found;
  // The alerter kit reads the connection options of every HTTP alerter by suffix (`${prefix}_proxy`).
  const suffix = KIT_SUFFIXES.find((x) => key.endsWith(`_${x}`));
  if (suffix) {
    const built = [...sources]
      .filter(([file, text]) => file.startsWith('alerters/kit/') && text.includes(`_${suffix}\``))
      .map(([file]) => file);
    if (built.length > 0) return built;
  }
  // An alerter that reads a family of its options by name (`${prefix}_${name}` over a list of names).
  for (let i = key.indexOf('_'); i > 0; i = key.indexOf('_', i + 1)) {
    const [name, rest] = [key.slice(0, i), key.slice(i + 1)];
    const folder = `alerters/${name}/`;
    const family = [...sources]
      .filter(([file, text]) => file.startsWith(folder) && text.includes('_${') && new RegExp(`['"\`]${escape(rest)}['"\`]`).test(text))
      .map(([file]) => file);
    if (family.length > 0) return family;
  }
  return [];
}

/** Connection options the kit reads as `${prefix}_<suffix>`: every HTTP alerter's, and the AWS alerters' (kit/aws.ts). */
const KIT_SUFFIXES = [
  'proxy',
  'ca_certs',
  'ignore_ssl_errors',
  'timeout',
  'endpoint_url',
  'aws_region',
  'aws_access_key_id',
  'aws_secret_access_key',
  'aws_profile',
] as const;

/** An alerter's own refusal of one of its options: `key: 'is refused: why'` in its folder. */
function alerterRefusal(key: string, sources: Map<string, string>): string | undefined {
  const re = new RegExp(`\\b${escape(key)}:\\s*'(is refused[^']*)'`);
  for (const [file, text] of sources) {
    if (!file.startsWith('alerters/')) continue;
    const m = re.exec(text);
    if (m) return m[1];
  }
  return undefined;
}

function typeRefused(type: string): boolean {
  try {
    createRuleType({ name: 'x', file: 'x.yaml', type, options: {} } as unknown as RuleDefinition);
    return false;
  } catch (error) {
    return error instanceof Error && /does not implement yet/.test(error.message);
  }
}

export function optionCoverage(): Coverage[] {
  const sources = readers();
  const ruleKeys = new Set(Object.keys(ruleProperties));
  const configKeys = new Set([...Object.keys(globalConfigProperties), ...Object.keys(ruleDefaultProperties)]);
  const all = [...new Set([...ruleKeys, ...configKeys])].sort();
  return all.map((key): Coverage => {
    const where = ruleKeys.has(key) && configKeys.has(key) ? 'both' : ruleKeys.has(key) ? 'rule' : 'config';
    const refused = REFUSED_RULE_OPTIONS[key] ?? REFUSED_CONFIG_KEYS[key];
    const files = readBy(key, sources);
    if (refused && !refused.when) return { key, where, status: 'refused', detail: refused.reason };
    const byAlerter = alerterRefusal(key, sources);
    if (byAlerter) return { key, where, status: 'refused', detail: byAlerter.replace(/^is refused: /, '') };
    if (INHERENT[key]) return { key, where, status: 'inherent', detail: INHERENT[key] };
    if (files.length > 0)
      return {
        key,
        where,
        status: 'honoured',
        detail: `read in ${files.slice(0, 3).join(', ')}${files.length > 3 ? ', …' : ''}${refused ? `; refused when ${refused.reason}` : ''}`,
      };
    if (refused?.when) return { key, where, status: 'honoured', detail: `the default behaviour; other values refused: ${refused.reason}` };
    const types = TYPE_OPTIONS[key];
    if (types && types.every(typeRefused))
      return {
        key,
        where,
        status: 'type not implemented',
        detail: `option of ${types.join(', ')}, rule types LogWarden refuses as a whole for now`,
      };
    const alerter = ALERTER_OPTIONS[key];
    if (alerter && !AVAILABLE_ALERTERS.includes(alerter))
      return {
        key,
        where,
        status: 'alerter not available',
        detail: `option of the ${alerter} alerter, which lint refuses as a whole in this version`,
      };
    return { key, where, status: 'UNCOVERED', detail: 'nothing reads it and nothing refuses it' };
  });
}

/** Refused keys that some code reads for a reason that does not honour them. */
const READ_THOUGH_REFUSED: Readonly<Record<string, string>> = {};

/** Keys refused in lint that some code also reads: one of the two is wrong (e.g. after a merge). */
export function refusedButRead(): string[] {
  const sources = readers();
  return [...Object.entries(REFUSED_RULE_OPTIONS), ...Object.entries(REFUSED_CONFIG_KEYS)]
    .filter(([key, r]) => !r.when && !Object.hasOwn(READ_THOUGH_REFUSED, key))
    .map(([key]) => key)
    .filter((key) => readBy(key, sources).filter((f) => !/^src\/config\/load-config\.ts$/.test(f)).length > 0);
}

const cell = (s: string): string => s.replaceAll('|', '\\|');

export function ruleOptionsMarkdown(rows: readonly Coverage[]): string {
  const lines = [
    '# Rule options',
    '',
    'Every option a rule file may set, and what LogWarden does with it. Generated from the rule schema',
    '(`node scripts/option-coverage.ts --write`); a test fails when this page and the schema disagree,',
    'or when an option is accepted but neither read nor refused.',
    '',
    '- **honoured**: code reads it (the file is named).',
    '- **refused**: `lint` (and the engine) refuse a rule that sets it, with the reason below.',
    '- **type not implemented** / **alerter not available**: the option belongs to a rule type or alerter that is refused as a whole for now.',
    '',
    'Any of these may also be set in config.yaml as a default for every rule (see configuration.md),',
    'except `name`, `type`, `index`, `alert`, `import`, `filter`, `query_key` and `compound_query_key`.',
    '',
    '## eql and esql filter entries',
    '',
    'As in ElastAlert2 2.31, a `filter` entry `eql: <query>` is sent to `_eql/search` and `esql: <query>` to',
    "`_query`, with the other filter entries and the run's time window as the request's filter; the events",
    '(EQL, up to `max_query_size`; sequences are not used) or rows (ES|QL, dotted column names as nested',
    "fields) are the rule's documents. One such entry per rule; only rules that read documents can use it",
    '(`any`, or `frequency` without `use_count_query`/`use_terms_query`, and no `top_count_keys`). On a',
    'cluster without the EQL or ES|QL module the run fails with a message saying so, never with a different query.',
    '',
    '## Options',
    '',
    '| Option | Status | Where, or why |',
    '| --- | --- | --- |',
    ...rows.filter((r) => r.where !== 'config').map((r) => `| \`${r.key}\` | ${r.status} | ${cell(r.detail)} |`),
    '',
  ];
  return lines.join('\n');
}

export function configKeysMarkdown(rows: readonly Coverage[]): string {
  return [
    '| Key | Status | Where, or why |',
    '| --- | --- | --- |',
    ...rows
      .filter((r) => r.where !== 'rule')
      .filter((r) => Object.hasOwn(globalConfigProperties, r.key))
      .map((r) => `| \`${r.key}\` | ${r.status} | ${cell(r.detail)} |`),
  ].join('\n');
}

const GENERATED_START = '<!-- config keys: generated by scripts/option-coverage.ts -->';
const GENERATED_END = '<!-- end of generated config keys -->';

/** docs/configuration.md with its generated table replaced. */
export function withConfigTable(doc: string, rows: readonly Coverage[]): string {
  const start = doc.indexOf(GENERATED_START);
  const end = doc.indexOf(GENERATED_END);
  if (start < 0 || end < start) throw new Error('docs/configuration.md lacks the generated-table markers');
  return `${doc.slice(0, start + GENERATED_START.length)}\n${configKeysMarkdown(rows)}\n${doc.slice(end)}`;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const rows = optionCoverage();
  const uncovered = rows.filter((r) => r.status === 'UNCOVERED');
  for (const r of uncovered) console.log(`UNCOVERED ${r.where} ${r.key}`);
  for (const k of refusedButRead()) console.log(`REFUSED BUT READ ${k}`);
  if (process.argv.includes('--write')) {
    writeFileSync(path.join(ROOT, 'docs/rule-options.md'), ruleOptionsMarkdown(rows));
    const configDoc = path.join(ROOT, 'docs/configuration.md');
    writeFileSync(configDoc, withConfigTable(readFileSync(configDoc, 'utf8'), rows));
  }
}
