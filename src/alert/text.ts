/**
 * An alert's subject and body as ElastAlert2 builds them (Alerter.create_title,
 * create_alert_body, BasicMatchString), with alert_text_type alert_text_jinja rendered by
 * ./jinja.ts.
 *
 * Without `escape` the result is plain text. With it (an alerter's escape for its medium: Slack
 * mrkdwn, HTML, a mail header...), exactly the parts that come from documents go through it:
 * each replacement field of alert_text / alert_subject (after its format spec), alert_text_kw
 * values, every value a Jinja template outputs, the rule type's match string (as a whole), the
 * key and the value of each field line, top counts, the query_key value of the email title. The
 * rule author's own template text and the rule name never do: a rule may say "<!here>" on
 * purpose, a log line may not.
 *
 * `fields` is the match as one dictionary (ruletypes' matchFields, plus num_hits etc.).
 */
import type { RuleDefinition } from '../rules/types.ts';
import {
  type FormatPart,
  formatPythonParts,
  isPlainObject,
  joinParts,
  lookupField,
  pyStr,
  pyTruthy,
  truncateParts,
} from '../pycompat/index.ts';
import { JinjaError, renderRuleJinja } from './jinja.ts';

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
type Escape = (value: string) => string;

const asIs: Escape = (value) => value;

const DEFAULT_MISSING = '<MISSING VALUE>';
const DEFAULT_SUBJECT_MAX_LEN = 2048;
const MATCH_SEPARATOR = '\n----------------------------------------\n';

/** Subject and body for a single match. */
export function buildAlertText(rule: RuleDefinition, fields: Fields, matchString: string, options: AlertTextOptions = {}): AlertText {
  return { subject: alertSubject(rule, fields, options), body: alertBody(rule, [{ fields, matchString }], options) };
}

/**
 * The subject, from the first match (ElastAlert2 create_title). alert_subject_max_len counts
 * characters of the plain subject, before escaping, as ElastAlert2 cuts before any alerter
 * escapes; only a Jinja subject is cut after escaping (its values cannot be told apart after).
 */
export function alertSubject(rule: RuleDefinition, fields: Fields, options: AlertTextOptions = {}): string {
  const opts = rule.options;
  const escape = options.escape ?? asIs;
  if (!Object.hasOwn(opts, 'alert_subject')) return defaultTitle(rule, fields, options.defaultTitle ?? 'plain', escape);
  const maxLen = typeof opts['alert_subject_max_len'] === 'number' ? opts['alert_subject_max_len'] : DEFAULT_SUBJECT_MAX_LEN;
  const template = pyStr(opts['alert_subject']);
  let parts: FormatPart[];
  if (Object.hasOwn(opts, 'alert_subject_args')) {
    parts = formatPythonParts(template, positionalValues(rule, fields, opts['alert_subject_args'], 'alert_subject_args'));
  } else if (opts['alert_text_type'] === 'alert_text_jinja') {
    let rendered: string;
    try {
      rendered = renderRuleJinja(rule, 'alert_subject', fields, escape);
    } catch (error) {
      // The alert still goes out, titled by the rule; the body says what failed.
      if (error instanceof JinjaError) return rule.name;
      throw error;
    }
    parts = [{ text: rendered, field: false }];
  } else {
    // Without args ElastAlert2 uses alert_subject as written: "{{" stays "{{".
    parts = [{ text: template, field: false }];
  }
  return joinParts(truncateParts(parts, maxLen), escape);
}

function defaultTitle(rule: RuleDefinition, fields: Fields, style: 'plain' | 'email', escape: Escape): string {
  if (style === 'plain') return rule.name;
  let subject = `ElastAlert: ${rule.name}`;
  // ElastAlert2 reads the query_key as a top-level field here (dict.get, no nested lookup).
  const field = rule.queryKey?.join(',');
  const value = field !== undefined && Object.hasOwn(fields, field) ? fields[field] : undefined;
  if (pyTruthy(value)) subject += ` - ${escape(pyStr(value))}`;
  return subject;
}

/**
 * The body for one or more matches (ElastAlert2 create_alert_body): each match's text, separated
 * by a dashed line when there are several. The aggregation summary table is not produced.
 */
export function alertBody(
  rule: RuleDefinition,
  matches: readonly { fields: Fields; matchString: string }[],
  options: AlertTextOptions = {},
): string {
  if (rule.options['alert_text_type'] === 'aggregation_summary_only') return '';
  let body = '';
  for (const m of matches) {
    body += matchText(rule, m.fields, m.matchString, options);
    if (matches.length > 1) body += MATCH_SEPARATOR;
  }
  return body;
}

/**
 * One match's text (ElastAlert2 BasicMatchString): the rule name when there is no alert_text,
 * the formatted alert_text, then unless alert_text_only: the rule type's match string, top
 * counts, and unless exclude_fields: every field as "key: value" sorted by key, lists and
 * objects as indented JSON. Each part ends with a blank line. A Jinja text is the rendered
 * template alone (after the rule name when there is no alert_text), as in ElastAlert2.
 */
export function matchText(rule: RuleDefinition, fields: Fields, matchString: string, options: AlertTextOptions = {}): string {
  const opts = rule.options;
  const escape = options.escape ?? asIs;
  const textType = opts['alert_text_type'];
  let text = Object.hasOwn(opts, 'alert_text') ? '' : `${rule.name}\n\n`;
  if (textType === 'alert_text_jinja') {
    try {
      return endWithBlankLine(text + renderRuleJinja(rule, 'alert_text', fields, escape));
    } catch (error) {
      if (!(error instanceof JinjaError)) throw error;
      // A template that fails (possibly on a value a document chose) must not swallow the
      // alert: it goes out with the error and the fields, as a rule without alert_text would.
      text = `${rule.name}\n\nThe alert text template failed: ${escape(error.message)}\n\n`;
      return endWithBlankLine(text + (matchString === '' ? '' : escape(matchString))) + fieldLines(fields, escape);
    }
  }
  text = endWithBlankLine(text + customAlertText(rule, fields, escape));
  if (textType === 'alert_text_only') return text;
  // The match string is the rule type's sentence with document values in it: untrusted as a whole.
  text = endWithBlankLine(text + (matchString === '' ? '' : escape(matchString)));
  if (pyTruthy(opts['top_count_keys'])) text += topCounts(fields, escape);
  if (textType !== 'exclude_fields') text += fieldLines(fields, escape);
  return text;
}

function customAlertText(rule: RuleDefinition, fields: Fields, escape: Escape): string {
  const opts = rule.options;
  const template = Object.hasOwn(opts, 'alert_text') ? pyStr(opts['alert_text']) : '';
  if (Object.hasOwn(opts, 'alert_text_args')) {
    return joinParts(formatPythonParts(template, positionalValues(rule, fields, opts['alert_text_args'], 'alert_text_args')), escape);
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
    return joinParts(formatPythonParts(template, [], kwargs), escape);
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

/** Field names and terms come from documents (a document may even have a "top_events_x" field). */
function topCounts(fields: Fields, escape: Escape): string {
  let text = '';
  for (const [key, counts] of Object.entries(fields)) {
    if (!key.startsWith('top_events_')) continue;
    text += `${escape(key.slice('top_events_'.length))}:\n`;
    const entries = isPlainObject(counts) ? Object.entries(counts) : [];
    if (entries.length === 0) text += 'No events found.\n';
    entries.sort((a, b) => Number(b[1]) - Number(a[1]));
    for (const [term, count] of entries) text += `${escape(term)}: ${escape(pyStr(count))}\n`;
    text += '\n';
  }
  return text;
}

/** "key: value" lines; keys are document field names, so both sides are escaped, separately. */
function fieldLines(fields: Fields, escape: Escape): string {
  let text = '';
  for (const key of Object.keys(fields).sort()) {
    if (key.startsWith('top_events_')) continue;
    const value = fields[key];
    const shown = Array.isArray(value) || isPlainObject(value) ? prettyJson(value) : pyStr(value);
    text += `${escape(key)}: ${escape(shown)}\n`;
  }
  return text;
}

/** json.dumps(sort_keys=True, indent=4, ensure_ascii=False), as ElastAlert2 prints nested values. */
function prettyJson(value: unknown): string {
  const sortKeys = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(sortKeys);
    if (!isPlainObject(v)) return v;
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys(v[k])]),
    );
  };
  return JSON.stringify(sortKeys(value), null, 4);
}
