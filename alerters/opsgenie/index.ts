/**
 * ElastAlert2's `opsgenie` alerter: `POST /v2/alerts` of the Opsgenie Alert API
 * (https://docs.opsgenie.com/docs/alert-api#create-alert) with `Authorization: GenieKey <key>`.
 *
 * As ElastAlert2: `message` is `opsgenie_message` formatted with the match's fields, else
 * `opsgenie_subject` with `opsgenie_subject_args`, else "ElastAlert: <rule>" plus the query_key
 * value; `description` is `opsgenie_description` or the alert text; `alias` (Opsgenie's
 * de-duplication key), `entity`, `source` (default ElastAlert), `priority` and the tags
 * (`opsgenie_tags` plus "ElastAlert" and the rule name) are formatted with the match's fields;
 * responders come from `opsgenie_recipients` / `opsgenie_teams`, each formatted with its `_args`
 * (name -> field), falling back to `opsgenie_default_receipients` / `_teams`; `details` maps a
 * name to `{field: <name>}` (the value as text) or to text with `$VAR` expanded.
 *
 * Differences, on purpose:
 * - Teams are sent as responders of type team (ElastAlert2 sends a `teams` list, which the v2
 *   API does not read, so teams were never notified).
 * - A field missing from the match becomes alert_missing_value (ElastAlert2 fails the alert,
 *   or for the message says which key is missing).
 * - A priority that is not P1-P5 is refused at load when it is fixed text; formatted from the
 *   match, it is left out with a warning (as ElastAlert2).
 * - Values lose bidi and control characters and are cut to Opsgenie's documented limits
 *   (message 130, alias 512 kept unique with a hash, description 15,000, 20 tags of 50).
 * - 202 is success; 429 and 5xx are retryable; other answers (401, 403, 422) are permanent.
 */
import { capText, displayText, keyWithin } from '../../src/alert/display.ts';
import { formatPython, isPlainObject, lookupField, pyStr } from '../../src/pycompat/index.ts';
import { checkFormat, formatArgs, httpUrl, missingValue } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import { optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { opsgenieSchema } from './schema.ts';

interface OpsgenieOptions {
  opsgenie_key: string;
  opsgenie_account?: string;
  opsgenie_addr?: string;
  opsgenie_recipients?: string[];
  opsgenie_recipients_args?: Record<string, string>;
  opsgenie_default_receipients?: string[];
  opsgenie_teams?: string[];
  opsgenie_teams_args?: Record<string, string>;
  opsgenie_default_teams?: string[];
  opsgenie_tags?: string[];
  opsgenie_message?: string;
  opsgenie_subject?: string;
  opsgenie_subject_args?: string[];
  opsgenie_description?: string;
  opsgenie_alias?: string;
  opsgenie_priority?: string;
  opsgenie_details?: Record<string, unknown>;
  opsgenie_entity?: string;
  opsgenie_source?: string;
}

type Match = Readonly<Record<string, unknown>>;

/** Opsgenie's documented limits (characters). */
export const OPSGENIE_LIMITS = {
  message: 130,
  alias: 512,
  description: 15_000,
  entity: 512,
  source: 100,
  user: 100,
  tag: 50,
  tags: 20,
  detail: 8_000,
} as const;
const PRIORITIES = ['P1', 'P2', 'P3', 'P4', 'P5'];

/** The top-level names a `{name...}` template reads, to fill the missing ones with the marker. */
function namesIn(template: string): string[] {
  return [...template.replace(/\{\{|\}\}/g, '').matchAll(/\{([A-Za-z_]\w*)/g)].map((m) => m[1] as string);
}

const short = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);

export const createOpsgenieAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<OpsgenieOptions>(opsgenieSchema, ref, rule);
  const missing = missingValue(rule);
  const env = deps.env ?? process.env;
  // Checked once: a template that cannot be formatted is a rule error, not a failed alert.
  const templates: [string, string | undefined][] = [
    ['opsgenie_message', o.opsgenie_message],
    ['opsgenie_description', o.opsgenie_description],
    ['opsgenie_alias', o.opsgenie_alias],
    ['opsgenie_entity', o.opsgenie_entity],
    ['opsgenie_source', o.opsgenie_source],
    ['opsgenie_priority', o.opsgenie_priority],
    ...(o.opsgenie_tags ?? []).map((t, i): [string, string] => [`opsgenie_tags[${i}]`, t]),
  ];
  for (const [option, template] of templates) {
    if (template === undefined) continue;
    try {
      formatPython(template, [], Object.fromEntries(namesIn(template).map((n) => [n, ''])));
    } catch (error) {
      // Only the template's own syntax is checked here: lookups into the stand-in values may fail.
      const message = (error as Error).message;
      if (!/^(KeyError|IndexError|TypeError)/.test(message)) throw optionError(rule, option, `cannot be formatted: ${message}`);
    }
  }
  if (o.opsgenie_subject !== undefined && o.opsgenie_subject_args)
    checkFormat(rule, 'opsgenie_subject', o.opsgenie_subject, o.opsgenie_subject_args.length);
  if (o.opsgenie_priority !== undefined && namesIn(o.opsgenie_priority).length === 0 && !PRIORITIES.includes(o.opsgenie_priority)) {
    throw optionError(rule, 'opsgenie_priority', `must be one of ${PRIORITIES.join(', ')}`);
  }
  for (const [name, value] of Object.entries(o.opsgenie_details ?? {})) {
    if (typeof value !== 'string' && !(isPlainObject(value) && typeof value['field'] === 'string'))
      throw optionError(rule, `opsgenie_details.${name}`, 'must be text or {field: <document field>}');
  }

  const fmt = (template: string, match: Match): string => {
    const kwargs: Record<string, unknown> = { ...match };
    for (const name of namesIn(template)) if (lookupField(match, name) === undefined) kwargs[name] = missing;
    try {
      return displayText(formatPython(template, [], kwargs));
    } catch {
      // A lookup deeper in a field that is not there ({user[nope]}).
      return missing;
    }
  };

  const responders = (
    names: string[] | undefined,
    args: Record<string, string> | undefined,
    defaults: string[] | undefined,
    match: Match,
  ): string[] => {
    if (!names || !args) return names ?? [];
    const values = Object.fromEntries(
      Object.entries(args)
        .map(([k, field]) => [k, lookupField(match, field)])
        .filter(([, v]) => v !== undefined && v !== ''),
    );
    const out = names.flatMap((n) => (namesIn(n).every((k) => k in values) ? [displayText(formatPython(n, [], values))] : []));
    return out.length > 0 ? out : (defaults ?? names);
  };

  const title = (alert: AlertPayload): string => {
    if (o.opsgenie_message !== undefined) return fmt(o.opsgenie_message, alert.match);
    if (o.opsgenie_subject !== undefined) return displayText(formatArgs(rule, alert.match, o.opsgenie_subject, o.opsgenie_subject_args));
    return displayText(`ElastAlert: ${rule.name}${alert.queryKey ? ` - ${alert.queryKey}` : ''}`);
  };

  const render = (alert: AlertPayload): unknown => {
    const match = alert.match;
    const post: Record<string, unknown> = { message: short(title(alert), OPSGENIE_LIMITS.message) };
    if (o.opsgenie_account) post['user'] = short(o.opsgenie_account, OPSGENIE_LIMITS.user);
    const people = responders(o.opsgenie_recipients, o.opsgenie_recipients_args, o.opsgenie_default_receipients, match).map((username) => ({
      username,
      type: 'user',
    }));
    const teams = responders(o.opsgenie_teams, o.opsgenie_teams_args, o.opsgenie_default_teams, match).map((name) => ({
      name,
      type: 'team',
    }));
    if (people.length + teams.length > 0) post['responders'] = [...people, ...teams];
    post['description'] = capText(
      o.opsgenie_description !== undefined ? fmt(o.opsgenie_description, match) : displayText(alert.text),
      OPSGENIE_LIMITS.description,
    );
    if (o.opsgenie_entity) post['entity'] = short(fmt(o.opsgenie_entity, match), OPSGENIE_LIMITS.entity);
    post['source'] = short(fmt(o.opsgenie_source ?? 'ElastAlert', match), OPSGENIE_LIMITS.source);
    post['tags'] = [...(o.opsgenie_tags ?? []), 'ElastAlert', rule.name]
      .slice(0, OPSGENIE_LIMITS.tags)
      .map((t) => short(fmt(t, match), OPSGENIE_LIMITS.tag));
    if (o.opsgenie_priority !== undefined) {
      const priority = fmt(o.opsgenie_priority, match);
      if (PRIORITIES.includes(priority)) post['priority'] = priority;
      else
        deps.log.warn({ rule: rule.name, alert_id: alert.alertId }, 'opsgenie_priority did not format to P1-P5; sent without a priority');
    }
    if (o.opsgenie_alias !== undefined) post['alias'] = keyWithin(fmt(o.opsgenie_alias, match), OPSGENIE_LIMITS.alias);
    const details: Record<string, string> = {};
    for (const [name, value] of Object.entries(o.opsgenie_details ?? {})) {
      if (typeof value === 'string')
        details[name] = value.replace(/\$(\w+)|\$\{(\w+)\}/g, (whole, a?: string, b?: string) => env[a ?? b ?? ''] ?? whole);
      else {
        const found = lookupField(match, (value as { field: string }).field);
        if (found !== undefined) details[name] = capText(displayText(pyStr(found)), OPSGENIE_LIMITS.detail);
      }
    }
    if (Object.keys(details).length > 0) post['details'] = details;
    return post;
  };

  const authorization = `GenieKey ${o.opsgenie_key}`;
  return webhookAlerter(
    {
      type: 'opsgenie',
      urls: [httpUrl(rule, 'opsgenie_addr', o.opsgenie_addr ?? 'https://api.opsgenie.com/v2/alerts')],
      transport: transportOf(rule, o, 'opsgenie'),
      render,
      headers: { Authorization: authorization },
      secrets: [o.opsgenie_key, authorization],
    },
    deps,
  );
};
