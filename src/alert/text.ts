/**
 * An alert's subject and body as ElastAlert2 builds them (Alerter.create_title,
 * create_alert_body, BasicMatchString). The result is PLAIN text: each alerter escapes it for
 * its medium (Slack mrkdwn, HTML mail, ...) itself, so nothing here is escaped.
 * Jinja (alert_text_type: alert_text_jinja) is not supported and is refused with an error.
 *
 * `fields` is the match as one dictionary (ruletypes' matchFields, plus num_hits etc.).
 */
import type { RuleDefinition } from '../rules/types.ts';
import { isPlainObject, lookupField, pyStr, pyTruthy } from '../ruletypes/fields.ts';
import { formatPython } from './format.ts';

export interface AlertText {
  subject: string;
  body: string;
}

export interface AlertTextOptions {
  /**
   * The subject when the rule has no alert_subject. ElastAlert2's base alerter uses the rule name
   * ('plain'); its email alerter uses "ElastAlert: <name>" plus " - <query_key value>" ('email').
   */
  defaultTitle?: 'plain' | 'email';
  /**
   * Applied to every value that comes from the match (format arguments, the rule type's match
   * string, field lines), never to the rule's own text: how an alerter escapes for its medium.
   */
  escape?: (value: string) => string;
}

type Fields = Readonly<Record<string, unknown>>;

const DEFAULT_MISSING = '<MISSING VALUE>';
const DEFAULT_SUBJECT_MAX_LEN = 2048;
const MATCH_SEPARATOR = '\n----------------------------------------\n';

/** Subject and body for a single match. */
export function buildAlertText(rule: RuleDefinition, fields: Fields, matchString: string, options: AlertTextOptions = {}): AlertText {
  return { subject: alertSubject(rule, fields, options), body: alertBody(rule, [{ fields, matchString }]) };
}

/** The subject, from the first match (ElastAlert2 create_title). */
export function alertSubject(rule: RuleDefinition, fields: Fields, options: AlertTextOptions = {}): string {
  const opts = rule.options;
  if (!Object.hasOwn(opts, 'alert_subject')) return defaultTitle(rule, fields, options.defaultTitle ?? 'plain');
  let subject = pyStr(opts['alert_subject']);
  if (Object.hasOwn(opts, 'alert_subject_args')) {
    subject = formatPython(subject, positionalValues(rule, fields, opts['alert_subject_args'], 'alert_subject_args'));
  } else if (opts['alert_text_type'] === 'alert_text_jinja') {
    throw jinjaError(rule);
  }
  // Without args ElastAlert2 uses alert_subject as written: "{{" stays "{{".
  const maxLen = typeof opts['alert_subject_max_len'] === 'number' ? opts['alert_subject_max_len'] : DEFAULT_SUBJECT_MAX_LEN;
  const chars = Array.from(subject);
  return chars.length > maxLen ? chars.slice(0, Math.max(0, maxLen)).join('') : subject;
}

function defaultTitle(rule: RuleDefinition, fields: Fields, style: 'plain' | 'email'): string {
  if (style === 'plain') return rule.name;
  let subject = `ElastAlert: ${rule.name}`;
  // ElastAlert2 reads the query_key as a top-level field here (dict.get, no nested lookup).
  const field = rule.queryKey?.join(',');
  const value = field !== undefined && Object.hasOwn(fields, field) ? fields[field] : undefined;
  if (pyTruthy(value)) subject += ` - ${pyStr(value)}`;
  return subject;
}

/**
 * The body for one or more matches (ElastAlert2 create_alert_body): each match's text, separated
 * by a dashed line when there are several. The aggregation summary table is not produced.
 */
export function alertBody(rule: RuleDefinition, matches: readonly { fields: Fields; matchString: string }[]): string {
  if (rule.options['alert_text_type'] === 'aggregation_summary_only') return '';
  let body = '';
  for (const m of matches) {
    body += matchText(rule, m.fields, m.matchString);
    if (matches.length > 1) body += MATCH_SEPARATOR;
  }
  return body;
}

/**
 * One match's text (ElastAlert2 BasicMatchString): the rule name when there is no alert_text,
 * the formatted alert_text, then unless alert_text_only: the rule type's match string, top
 * counts, and unless exclude_fields: every field as "key: value" sorted by key, lists and
 * objects as indented JSON. Each part ends with a blank line.
 */
export function matchText(rule: RuleDefinition, fields: Fields, matchString: string): string {
  const opts = rule.options;
  const textType = opts['alert_text_type'];
  if (textType === 'alert_text_jinja') throw jinjaError(rule);
  let text = Object.hasOwn(opts, 'alert_text') ? '' : `${rule.name}\n\n`;
  text = endWithBlankLine(text + customAlertText(rule, fields));
  if (textType === 'alert_text_only') return text;
  text = endWithBlankLine(text + matchString);
  if (pyTruthy(opts['top_count_keys'])) text += topCounts(fields);
  if (textType !== 'exclude_fields') text += fieldLines(fields);
  return text;
}

function customAlertText(rule: RuleDefinition, fields: Fields): string {
  const opts = rule.options;
  const template = Object.hasOwn(opts, 'alert_text') ? pyStr(opts['alert_text']) : '';
  if (Object.hasOwn(opts, 'alert_text_args')) {
    return formatPython(template, positionalValues(rule, fields, opts['alert_text_args'], 'alert_text_args'));
  }
  if (Object.hasOwn(opts, 'alert_text_kw')) {
    const mapping = opts['alert_text_kw'];
    if (!isPlainObject(mapping)) throw new Error(`rule "${rule.name}" (${rule.file}): alert_text_kw must map field names to keywords`);
    const kwargs: Record<string, unknown> = {};
    for (const [field, keyword] of Object.entries(mapping)) {
      // Unlike the positional args, ElastAlert2 takes the rule option here even when it is falsy.
      const value = lookupField(fields, field) ?? ruleValue(rule, field);
      kwargs[pyStr(keyword)] = value === undefined ? missingValue(rule) : value;
    }
    return formatPython(template, [], kwargs);
  }
  // Without args or kw, alert_text is used as written: no brace processing at all.
  return template;
}

/** Each arg from the match by field path, else a truthy rule option of that name, else alert_missing_value. */
function positionalValues(rule: RuleDefinition, fields: Fields, args: unknown, option: string): unknown[] {
  const names = args;
  if (!Array.isArray(names)) throw new Error(`rule "${rule.name}" (${rule.file}): ${option} must be a list of field names`);
  return names.map((name) => {
    const key = pyStr(name);
    const value = lookupField(fields, key);
    if (value !== undefined) return value;
    const fromRule = ruleValue(rule, key);
    return pyTruthy(fromRule) ? fromRule : missingValue(rule);
  });
}

/** A rule option, or one of the rule's own settings, by its ElastAlert2 name. */
function ruleValue(rule: RuleDefinition, name: string): unknown {
  if (Object.hasOwn(rule.options, name)) {
    const value = rule.options[name];
    return value === null ? undefined : value;
  }
  const own: Record<string, unknown> = { name: rule.name, type: rule.type, index: rule.index, timestamp_field: rule.timestampField };
  return own[name];
}

function missingValue(rule: RuleDefinition): string {
  const value = rule.options['alert_missing_value'];
  return value === undefined ? DEFAULT_MISSING : pyStr(value);
}

function endWithBlankLine(text: string): string {
  let out = text;
  while (!out.endsWith('\n\n')) out += '\n';
  return out;
}

function topCounts(fields: Fields): string {
  let text = '';
  for (const [key, counts] of Object.entries(fields)) {
    if (!key.startsWith('top_events_')) continue;
    text += `${key.slice('top_events_'.length)}:\n`;
    const entries = isPlainObject(counts) ? Object.entries(counts) : [];
    if (entries.length === 0) text += 'No events found.\n';
    entries.sort((a, b) => Number(b[1]) - Number(a[1]));
    for (const [term, count] of entries) text += `${term}: ${pyStr(count)}\n`;
    text += '\n';
  }
  return text;
}

function fieldLines(fields: Fields): string {
  let text = '';
  for (const key of Object.keys(fields).sort()) {
    if (key.startsWith('top_events_')) continue;
    const value = fields[key];
    const shown = Array.isArray(value) || isPlainObject(value) ? prettyJson(value) : pyStr(value);
    text += `${key}: ${shown}\n`;
  }
  return text;
}

/** json.dumps(sort_keys=True, indent=4, ensure_ascii=False), as ElastAlert2 prints nested values. */
function prettyJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (!isPlainObject(v)) return v;
    return Object.fromEntries(Object.keys(v).sort().map((k) => [k, sortKeys(v[k])]));
  };
  return JSON.stringify(sortKeys(value), null, 4);
}

function jinjaError(rule: RuleDefinition): Error {
  return new Error(`rule "${rule.name}" (${rule.file}): alert_text_type alert_text_jinja (Jinja templates) is not supported; use alert_text with alert_text_args`);
}
