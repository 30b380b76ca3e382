/**
 * A rule's Jinja templates (alert_text or jinja_template_path, alert_subject) and the context
 * they render with: match fields, the rule's settings without secrets, and the match alone under
 * jinja_root_name (see src/alert/jinja.ts for why it differs from ElastAlert2's).
 */
import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { isPlainObject, pyStr } from '../../pycompat/index.ts';
import { ruleProperties } from '../../rules/schema.ts';
import type { RuleDefinition } from '../../rules/types.ts';
import { compileJinja } from './compile.ts';
import { engineErrorMessage } from './nunjucks.ts';
import { JinjaError, type JinjaRuleOptions, type JinjaTemplate, type JinjaTemplateOf } from './types.ts';

const DEFAULT_ROOT_NAME = '_data';
/** A template file larger than this is refused: it is surely not an alert text. */
const MAX_TEMPLATE_FILE_BYTES = 1024 * 1024;

/** Option names that carry credentials; ElastAlert2 would show them to templates, we do not. */
const SECRET_NAME = /password|passwd|secret|token|api_?key|apikey|webhook|bearer|credential|private|auth|connection/i;
/** Options ending in "_key" that are field names, not credentials. */
const FIELD_KEYS = new Set(['query_key', 'aggregation_key', 'compare_key', 'realert_key', 'metric_agg_key', 'timestamp_key']);

function isSecretOption(name: string): boolean {
  return ruleProperties[name]?.['x-secret'] === true || SECRET_NAME.test(name) || (/(^|_)key$/.test(name) && !FIELD_KEYS.has(name));
}

/** A copy without secret-named keys at any depth (`alert:` entries carry alerter options too). */
function withoutSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutSecrets);
  if (!isPlainObject(value)) return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [key, item] of Object.entries(value)) if (!isSecretOption(key) && key !== '__proto__') out[key] = withoutSecrets(item);
  return out;
}

/** The rule's settings as templates see them under `rule` (and at top level): no secrets. */
export function jinjaRuleView(rule: RuleDefinition): Record<string, unknown> {
  const view = withoutSecrets(rule.options) as Record<string, unknown>;
  view.name = rule.name;
  view.type = rule.type;
  view.index = rule.index;
  view.timestamp_field = rule.timestampField;
  return view;
}

function rootName(rule: RuleDefinition): string {
  const value = rule.options['jinja_root_name'];
  const root = typeof value === 'string' && value !== '' ? value : DEFAULT_ROOT_NAME;
  if (root === 'rule') {
    const detail = `cannot be "rule": templates read the rule's settings there`;
    throw new JinjaError(`rule "${rule.name}" (${rule.file}): jinja_root_name ${detail}`, detail, 'jinja_root_name');
  }
  return root;
}

/**
 * What a rule's template sees for one match (see the header): match fields, then the rule's
 * settings over them, `rule`, and the match alone under jinja_root_name. Values are copies, so
 * a template cannot change the match that other alerters render.
 */
export function jinjaContext(rule: RuleDefinition, fields: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const match = structuredClone(fields) as Record<string, unknown>;
  const ruleView = structuredClone(jinjaRuleView(rule));
  const ctx = Object.create(null) as Record<string, unknown>;
  for (const [key, value] of Object.entries(match)) ctx[key] = value;
  for (const [key, value] of Object.entries(ruleView)) ctx[key] = value;
  ctx.rule = ruleView;
  ctx[rootName(rule)] = match;
  return ctx;
}

const compiledByRule = new WeakMap<RuleDefinition, Map<JinjaTemplateOf, JinjaTemplate>>();

/** The template's text, its name in errors, and the option it comes from (`file`: the template file, for jinja_template_path). */
function ruleSource(
  rule: RuleDefinition,
  which: JinjaTemplateOf,
  options: JinjaRuleOptions,
): { source: string; name: string; field: string; file?: string } {
  const opts = rule.options;
  if (which === 'alert_subject') return { source: pyStr(opts['alert_subject'] ?? ''), name: 'alert_subject', field: 'alert_subject' };
  const templatePath = opts['jinja_template_path'];
  if (typeof templatePath === 'string' && templatePath !== '') {
    const file = path.resolve(options.baseDir ?? process.cwd(), templatePath);
    try {
      const size = statSync(file).size;
      if (size > MAX_TEMPLATE_FILE_BYTES) throw new Error(`larger than ${MAX_TEMPLATE_FILE_BYTES} bytes`);
      return {
        source: readFileSync(file, 'utf8'),
        name: `jinja_template_path ${templatePath}`,
        field: 'jinja_template_path',
        file: templatePath,
      };
    } catch (error) {
      const detail = `${JSON.stringify(templatePath)}: cannot read ${file}: ${engineErrorMessage(error)}`;
      throw new JinjaError(`rule "${rule.name}" (${rule.file}): jinja_template_path ${detail}`, detail, 'jinja_template_path');
    }
  }
  return { source: pyStr(opts['alert_text'] ?? ''), name: 'alert_text', field: 'alert_text' };
}

/** The rule's compiled template for alert_text (or jinja_template_path) or alert_subject, compiled on first use. */
export function ruleJinjaTemplate(rule: RuleDefinition, which: JinjaTemplateOf, options: JinjaRuleOptions = {}): JinjaTemplate {
  let byKind = compiledByRule.get(rule);
  if (!byKind) compiledByRule.set(rule, (byKind = new Map()));
  let template = byKind.get(which);
  if (!template) {
    const { source, name, field, file } = ruleSource(rule, which, options);
    try {
      template = compileJinja(source, name);
    } catch (error) {
      if (!(error instanceof JinjaError)) throw error;
      const detail = file === undefined ? error.detail : `${file}: ${error.detail}`;
      throw new JinjaError(`rule "${rule.name}" (${rule.file}): ${name}: ${error.detail}`, detail, field);
    }
    byKind.set(which, template);
  }
  return template;
}

/**
 * Compiles (and caches) every template a jinja rule uses, so that the rule loader or lint can
 * report a broken template before any alert; relative jinja_template_path is read from
 * `options.baseDir`. Does nothing for other rules. Throws JinjaError.
 */
export function compileRuleJinja(rule: RuleDefinition, options: JinjaRuleOptions = {}): void {
  if (rule.options['alert_text_type'] !== 'alert_text_jinja') return;
  rootName(rule);
  ruleJinjaTemplate(rule, 'alert_text', options);
  if (Object.hasOwn(rule.options, 'alert_subject') && !Object.hasOwn(rule.options, 'alert_subject_args'))
    ruleJinjaTemplate(rule, 'alert_subject', options);
}

/** One match rendered through the rule's template; values through `escape`. Throws JinjaError. */
export function renderRuleJinja(
  rule: RuleDefinition,
  which: JinjaTemplateOf,
  fields: Readonly<Record<string, unknown>>,
  escape?: (value: string) => string,
): string {
  const template = ruleJinjaTemplate(rule, which);
  const context = jinjaContext(rule, fields);
  try {
    return template.render(context, escape);
  } catch (error) {
    throw new JinjaError(`rule "${rule.name}" (${rule.file}): ${engineErrorMessage(error)}`);
  }
}
