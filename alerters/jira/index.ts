/**
 * ElastAlert2's `jira` alerter through Jira's REST API v2: creates an issue (project, issue type,
 * parent, summary, description, components, labels, priority, any field named by a `jira_<field>`
 * option), assigns it and adds the watchers; with `jira_bump_tickets`, first searches for a recent
 * issue with the same title and, unless it was updated within `jira_bump_after_inactivity` days,
 * comments on it and applies `jira_transition_to` instead of opening a new one.
 *
 * Differences, on purpose:
 * - Each step of one alert is done once: when a later step fails (a watcher that does not exist,
 *   a transition), the retry continues after the issue or comment already made, instead of
 *   opening a second issue (remembered for up to 1000 alerts while LogWarden runs).
 * - A search that fails is a failure to retry, not a reason to open a new issue (ElastAlert2
 *   logs it and creates one). A `jira_priority` or field that Jira does not know is a permanent
 *   failure naming the option (ElastAlert2 logs the first and fails to load on the second).
 * - Document values are escaped for wiki markup (format.ts); the search's title is a quoted JQL
 *   text with the text search's operators removed, so a log line cannot change the query.
 * - `jira_account_file` must be an absolute path (ElastAlert2 also takes one relative to the
 *   rule file, which the alerter does not know here). `jira_<prefix>_proxy`/`_ca_certs`/
 *   `_ignore_ssl_errors`/`_timeout` are the kit's (`jira_proxy` etc.), not Jira fields.
 */
import { systemClock } from '../../src/schedule/clock.ts';
import path from 'node:path';
import { capText, displayText } from '../../src/alert/display.ts';
import { readYamlFile } from '../../src/config/yaml.ts';
import { lookupField, pyStr } from '../../src/pycompat/index.ts';
import { httpUrl } from '../http.ts';
import { clientFor } from '../kit/client.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf } from '../kit/webhook.ts';
import { AlerterError, alerterOptions, optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { findField, shapeValue, type JiraField } from './fields.ts';
import { bumpJql, defaultTitle, escapeJira } from './format.ts';
import { jiraSchema } from './schema.ts';

interface JiraOptions {
  jira_server: string;
  jira_account_file: string;
  jira_project: string;
  jira_issuetype: string;
  jira_parent?: string;
  jira_assignee?: string;
  jira_component?: string | string[];
  jira_components?: string | string[];
  jira_description?: string;
  jira_label?: string | string[];
  jira_labels?: string | string[];
  jira_priority?: number;
  jira_watchers?: string | string[];
  jira_bump_tickets?: boolean;
  jira_ignore_in_title?: string;
  jira_max_age?: number;
  jira_bump_not_in_statuses?: string | string[];
  jira_bump_in_statuses?: string | string[];
  jira_bump_only?: boolean;
  jira_transition_to?: string;
  jira_bump_after_inactivity?: number;
}

export const JIRA_LIMITS = { summary: 255, text: 32_767 } as const;
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : [v].flat());

/** The account file's credentials as an Authorization header value. */
function account(rule: Parameters<AlerterFactory>[1], file: string): { authorization: string; secrets: string[] } {
  if (!path.isAbsolute(file)) throw optionError(rule, 'jira_account_file', 'must be an absolute path');
  let conf: unknown;
  try {
    conf = readYamlFile(file, file).value;
  } catch (error) {
    throw optionError(
      rule,
      'jira_account_file',
      `cannot read ${JSON.stringify(file)}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    );
  }
  const c = (conf ?? {}) as Record<string, unknown>;
  if (typeof c['apikey'] === 'string') return { authorization: `Bearer ${c['apikey']}`, secrets: [c['apikey']] };
  if (typeof c['user'] === 'string' && c['password'] !== undefined) {
    const basic = Buffer.from(`${c['user']}:${String(c['password'])}`).toString('base64');
    return { authorization: `Basic ${basic}`, secrets: [String(c['password']), basic] };
  }
  throw optionError(rule, 'jira_account_file', 'must hold user and password, or apikey');
}

interface Progress {
  key?: string;
  assigned?: boolean;
  watchers: Set<string>;
  commented?: boolean;
}

export const createJiraAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<JiraOptions>(jiraSchema, ref, rule);
  const { authorization, secrets } = account(rule, o.jira_account_file);
  const base = httpUrl(rule, 'jira_server', o.jira_server);
  const api = (p: string): URL => new URL(`${base.pathname.replace(/\/+$/, '')}/rest/api/2/${p}`, base);
  const client = clientFor('jira', transportOf(rule, o, 'jira'), deps);
  const headers = { Authorization: authorization, 'Content-Type': 'application/json', Accept: 'application/json' };
  const now = (): number => (deps.clock ?? systemClock).now();
  const custom = Object.entries(alerterOptions(ref, rule)).filter(
    ([k, v]) => k.startsWith('jira_') && !Object.hasOwn(jiraSchema.options, k) && v !== null && v !== undefined,
  );
  const progress = new Map<string, Progress>();
  let meta: Promise<{ fields: JiraField[]; priorities: { id: string }[] }> | undefined;

  const call = async (method: string, p: string, body?: unknown): Promise<unknown> => {
    const r = await client.request(method, api(p), body === undefined ? undefined : JSON.stringify(body), headers, { secrets });
    try {
      return r.body ? (JSON.parse(r.body) as unknown) : undefined;
    } catch {
      return undefined;
    }
  };
  const metadata = (): Promise<{ fields: JiraField[]; priorities: { id: string }[] }> => {
    meta ??= Promise.all([call('GET', 'field'), o.jira_priority === undefined ? [] : call('GET', 'priority')]).then(
      ([fields, priorities]) => ({ fields: fields as JiraField[], priorities: priorities as { id: string }[] }),
    );
    // A failed lookup is tried again with the next alert.
    meta.catch(() => (meta = undefined));
    return meta;
  };
  const refuse = (option: string, why: string): never => {
    throw new AlerterError('jira', `${option}: ${why}`, false);
  };

  const issueFields = async (alert: AlertPayload): Promise<Record<string, unknown>> => {
    const f: Record<string, unknown> = { project: { key: o.jira_project }, issuetype: { name: o.jira_issuetype } };
    if (o.jira_parent) f['parent'] = { key: o.jira_parent };
    const components = list(o.jira_components ?? o.jira_component);
    if (components.length > 0) f['components'] = components.map((name) => ({ name }));
    const labels = list(o.jira_labels ?? o.jira_label);
    if (labels.length > 0) f['labels'] = labels;
    if (custom.length === 0 && o.jira_priority === undefined) return f;
    const { fields, priorities } = await metadata();
    if (o.jira_priority !== undefined) {
      const p = priorities[o.jira_priority];
      if (!p) refuse('jira_priority', `Jira has ${priorities.length} priorities (0 to ${priorities.length - 1})`);
      f['priority'] = { id: p?.id };
    }
    for (const [option, given] of custom) {
      const field =
        findField(option, fields) ?? refuse(option, `Jira has no field named ${JSON.stringify(option.slice(5).replace(/_/g, ' '))}`);
      const value = typeof given === 'string' && given.startsWith('#') ? lookupField(alert.match, given.slice(1)) : given;
      if (value === undefined || value === null) continue;
      try {
        f[field.id] = shapeValue(field, value);
      } catch (error) {
        refuse(option, (error as Error).message);
      }
    }
    return f;
  };

  const titleOf = (alert: AlertPayload, forSearch: boolean): string => {
    if (rule.options['alert_subject'] !== undefined) return alert.subject;
    const title = defaultTitle(rule.name, alert.queryKey);
    return forSearch ? title : `${title} - ${new Date(alert.matchTimeMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  };

  /** Comments on and transitions a recent issue with the same title; false when there is none. */
  const bump = async (alert: AlertPayload, step: Progress): Promise<boolean> => {
    let title = titleOf(alert, true);
    if (o.jira_ignore_in_title) {
      const ignored = lookupField(alert.match, o.jira_ignore_in_title);
      if (ignored !== undefined && ignored !== null) title = title.split(pyStr(ignored)).join('');
    }
    const jql = bumpJql({
      project: o.jira_project,
      title,
      maxAgeDays: o.jira_max_age ?? 30,
      nowMs: now(),
      inStatuses: list(o.jira_bump_in_statuses),
      notInStatuses: list(o.jira_bump_not_in_statuses),
    });
    const found = (await call('GET', `search/jql?${new URLSearchParams({ jql, maxResults: '1', fields: 'updated' }).toString()}`)) as
      { issues?: { key: string; fields?: { updated?: string } }[] } | undefined;
    const issue = found?.issues?.[0];
    if (!issue) return false;
    const updated = Date.parse(issue.fields?.updated ?? '');
    if (updated >= now() - (o.jira_bump_after_inactivity ?? 0) * 86_400_000) return true;
    if (!step.commented) {
      const text = capText(
        `This alert was triggered again at ${new Date(alert.matchTimeMs).toISOString()}\n${alert.render(escapeJira).text}`,
        JIRA_LIMITS.text,
      );
      await call('POST', `issue/${encodeURIComponent(issue.key)}/comment`, { body: text });
      step.commented = true;
    }
    if (o.jira_transition_to) {
      const t = (await call('GET', `issue/${encodeURIComponent(issue.key)}/transitions`)) as
        { transitions?: { id: string; name: string }[] } | undefined;
      const target = t?.transitions?.find((x) => x.name === o.jira_transition_to);
      if (target) await call('POST', `issue/${encodeURIComponent(issue.key)}/transitions`, { transition: { id: target.id } });
    }
    return true;
  };

  return {
    type: 'jira',
    async send(alert) {
      let step = progress.get(alert.alertId);
      if (!step) {
        step = { watchers: new Set() };
        progress.set(alert.alertId, step);
        if (progress.size > 1000) progress.delete(progress.keys().next().value ?? '');
      }
      if (!step.key) {
        if (o.jira_bump_tickets && (await bump(alert, step))) return void progress.delete(alert.alertId);
        if (o.jira_bump_only) return void progress.delete(alert.alertId);
        const fields = await issueFields(alert);
        fields['summary'] = capText(displayText(titleOf(alert, false)), JIRA_LIMITS.summary);
        fields['description'] = capText(`${o.jira_description ?? ''}\n${alert.render(escapeJira).text}`, JIRA_LIMITS.text);
        const created = (await call('POST', 'issue', { fields })) as { key?: string } | undefined;
        if (!created?.key) throw new AlerterError('jira', 'Jira accepted the issue but did not say its key', false);
        step.key = created.key;
      }
      const key = encodeURIComponent(step.key);
      if (o.jira_assignee && !step.assigned) {
        await call('PUT', `issue/${key}/assignee`, { name: o.jira_assignee });
        step.assigned = true;
      }
      for (const watcher of list(o.jira_watchers)) {
        if (step.watchers.has(watcher)) continue;
        await call('POST', `issue/${key}/watchers`, watcher);
        step.watchers.add(watcher);
      }
      progress.delete(alert.alertId);
    },
    async close() {
      client.close();
    },
  };
};
