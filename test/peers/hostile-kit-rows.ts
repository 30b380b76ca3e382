/**
 * Rows of test/peers/hostile-all-alerters.test.ts for the chat, incident and SMS alerters built on
 * the kit (googlechat ... iris): the hostile corpus through each real alerter to its local peer,
 * checking what the peer received. The suite's own checks are handed in, so that these rows
 * judge exactly as the others do.
 */
import { ManualClock } from '../../src/schedule/clock.ts';
import { createAlerters } from '../../alerters/index.ts';
import type { AlertPayload } from '../../alerters/types.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { displayText } from '../../src/alert/display.ts';
import { silentLogger } from '../../src/log.ts';
import type { RuleDefinition } from '../../src/rules/types.ts';
import type { HostileValue } from '../support/hostile.ts';
import { T0 } from '../unit/alerters/slack-fixtures.ts';
import { startPeer, TEST_CA_FILE, type Peer, type Reply } from './http-peer.ts';
import { JIRA_PASSWORD, JIRA_USER, startJira } from './jira-peer.ts';

export interface Harness {
  deliver(hv: HostileValue, payload: AlertPayload): Promise<string[]>;
  rule: RuleDefinition;
  secrets: readonly string[];
  failures: readonly { what: string; arrange(): void; retryable: boolean }[];
  close(): Promise<void>;
}

/** The suite's rule builder and checks. */
export interface SuiteTools {
  ruleFor(type: string, options: Record<string, unknown>): RuleDefinition;
  invisibleControls(where: string, text: string): string[];
  templateLiteral(hv: HostileValue, output: string): string[];
  readable(where: string, text: string, hv: HostileValue, unescape: (t: string) => string): string[];
  markdownActive(text: string, active: RegExp): string[];
}

const SECRET = 'kItSeCrEt-0123-4567-89ab';
const MARKDOWN = /[`*_[\]()#|~<>]/;
const unbackslash = (t: string): string => t.replace(/\\(.)/g, '$1');
/** Removes the word joiners the medium adds after `chars` (a value's own U+2060 stays). */
const unjoin = (t: string, chars: RegExp): string => t.replace(new RegExp(`(${chars.source})\\u2060`, 'g'), '$1');
const MARK = /\n\[… truncated: \d+ more characters not shown\]$/;

type Body = Record<string, unknown>;
/** A value at a path of a parsed body, as text ('' when absent). */
function at(body: unknown, ...path: (string | number)[]): string {
  let v: unknown = body;
  for (const k of path) v = v !== null && typeof v === 'object' ? (v as Record<string | number, unknown>)[k] : undefined;
  return typeof v === 'string' ? v : '';
}

/** How one alerter's texts are judged. */
interface Medium {
  /** The texts a person reads, by name. */
  texts(body: Body): [string, string][];
  /** What is still active in a text (empty: inert). */
  active(text: string): string[];
  /** The text as a reader sees it, for the "reads as written" check. */
  unescape(text: string): string;
}

const plain: Omit<Medium, 'texts'> = { active: () => [], unescape: (t) => t };
const joinerAfter = (chars: RegExp): Omit<Medium, 'texts'> => ({
  active: (t) =>
    [...t.replace(MARK, '').matchAll(new RegExp(`${chars.source}(?!\\u2060)`, 'g'))].map(
      (m) => `${JSON.stringify(m[0])} without a word joiner at ${m.index}`,
    ),
  unescape: (t) => unjoin(t, chars),
});

interface KitCase {
  alerter: string;
  why: string;
  /** The peer's normal answer. */
  ok: Reply;
  tls?: boolean;
  options(url: string): Record<string, unknown>;
  /** How the peer's body is read: JSON (default) or a form. */
  form?: boolean;
  medium: Medium;
  /** Checks on data that must arrive exactly. */
  exact?(hv: HostileValue, body: Body): string[];
}

function kitCase(tools: SuiteTools, c: KitCase): { alerter: string; why: string; secret: boolean; start(): Promise<Harness> } {
  return {
    alerter: c.alerter,
    why: c.why,
    secret: true,
    async start() {
      const peer: Peer = await startPeer({ tls: c.tls ?? false, fallback: c.ok });
      const rule = tools.ruleFor(c.alerter, c.options(peer.url));
      const [alerter] = createAlerters(rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(T0), env: {} });
      if (!alerter) throw new Error('no alerter');
      const echo = `request for ${SECRET} refused`;
      return {
        rule,
        secrets: [SECRET],
        failures: [
          { what: 'HTTP 503 whose body quotes the secret', arrange: () => peer.replies.push({ status: 503, body: echo }), retryable: true },
          {
            what: 'HTTP 401 whose body quotes the secret',
            arrange: () => peer.replies.push({ status: 401, body: `{"error":${JSON.stringify(echo)}}` }),
            retryable: false,
          },
        ],
        async deliver(hv, payload) {
          const before = peer.requests.length;
          await alerter.send(payload);
          const got = peer.requests.slice(before);
          if (got.length !== 1) return [`expected one request, got ${got.length}`];
          const raw = got[0]?.body ?? '';
          const body: Body = c.form ? Object.fromEntries(new URLSearchParams(raw)) : (JSON.parse(raw) as Body);
          const problems: string[] = [];
          const texts = c.medium.texts(body);
          for (const [where, text] of texts) {
            problems.push(...c.medium.active(text).map((p) => `${where}: ${p}`), ...tools.invisibleControls(where, text));
          }
          const main = texts[0];
          if (main)
            problems.push(
              ...tools.readable(main[0], main[1], hv, c.medium.unescape),
              ...tools.templateLiteral(hv, c.medium.unescape(main[1])),
            );
          return [...problems, ...(c.exact?.(hv, body) ?? [])];
        },
        async close() {
          await alerter.close?.();
          await peer.close();
        },
      };
    },
  };
}

/** The rows, in the order of docs/alerters.md. */
export function kitRows(tools: SuiteTools): ReturnType<typeof kitCase>[] {
  const md = (active = MARKDOWN): Omit<Medium, 'texts'> => ({
    active: (t) => tools.markdownActive(t.replace(/@\u2060/g, ''), active),
    unescape: (t) => unbackslash(unjoin(t, /@/)),
  });
  const mdAt = (): Omit<Medium, 'texts'> => {
    const base = md();
    return { active: (t) => [...base.active(t), ...joinerAfter(/@/).active(t)], unescape: base.unescape };
  };
  const cases: KitCase[] = [
    {
      alerter: 'googlechat',
      why: 'Google Chat text: <users/all>, <url|label> and *_~` from a log line must not mention, link or format',
      ok: { status: 200, body: '{}' },
      options: (u) => ({ googlechat_webhook_url: `${u}/v1/spaces/A/messages?key=k&token=${SECRET}` }),
      medium: { ...joinerAfter(/[<*_~`]/), texts: (b) => [['text', at(b, 'text')]] },
    },
    {
      alerter: 'rocketchat',
      why: 'Rocket.Chat: Markdown, links and @all/@here/@user from a log line',
      ok: { status: 200, body: '{"success":true}' },
      options: (u) => ({
        rocket_chat_webhook_url: `${u}/hooks/1/${SECRET}`,
        rocket_chat_alert_fields: [{ title: 'User', value: 'user.name' }],
      }),
      medium: {
        ...mdAt(),
        texts: (b) => [
          ['text', at(b, 'attachments', 0, 'text')],
          ['title', at(b, 'attachments', 0, 'title')],
          ['field', at(b, 'attachments', 0, 'fields', 0, 'value')],
        ],
      },
    },
    {
      alerter: 'webex_webhook',
      why: 'Webex Markdown: formatting, links and <@all> from a log line',
      ok: { status: 204 },
      options: (u) => ({ webex_webhook_id: SECRET, webex_webhook_msgtype: 'markdown', webex_webhook_api_url: `${u}/v1/webhooks/incoming` }),
      medium: { ...md(), texts: (b) => [['markdown', at(b, 'markdown')]] },
    },
    {
      alerter: 'workwechat',
      why: 'WeCom Markdown: <@userid>, <font>, links from a log line; errcode answers',
      ok: { status: 200, body: '{"errcode":0,"errmsg":"ok"}' },
      options: (u) => ({ work_wechat_bot_id: SECRET, work_wechat_msgtype: 'markdown', work_wechat_api_url: `${u}/cgi-bin/webhook/send` }),
      medium: { ...md(), texts: (b) => [['content', at(b, 'markdown', 'content')]] },
    },
    {
      alerter: 'lark',
      why: 'Lark text: an <at user_id="all"> tag from a log line must not form',
      ok: { status: 200, body: '{"code":0}' },
      options: (u) => ({ lark_bot_id: SECRET, lark_api_url: `${u}/open-apis/bot/v2/hook` }),
      medium: {
        ...joinerAfter(/</),
        texts: (b) => [
          ['text', at(b, 'content', 'text')],
          ['title', at(b, 'content', 'title')],
        ],
      },
    },
    {
      alerter: 'yzj',
      why: 'Yunzhijia plain text over HTTPS to a custom location: values as text without controls',
      ok: { status: 200, body: '{"success":true}' },
      tls: true,
      options: (u) => ({ yzj_token: SECRET, yzj_custom_loc: new URL(u).host, yzj_ca_certs: TEST_CA_FILE }),
      medium: { ...plain, texts: (b) => [['content', at(b, 'content')]] },
    },
    {
      alerter: 'matrixhookshot',
      why: 'hookshot renders Markdown; @room from a log line must not notify the room',
      ok: { status: 200, body: '{"ok":true}' },
      options: (u) => ({ matrixhookshot_webhook_url: `${u}/webhook/${SECRET}` }),
      medium: { ...mdAt(), texts: (b) => [['text', at(b, 'text')]] },
    },
    {
      alerter: 'gitter',
      why: 'Gitter activity: Markdown and @/all from a log line',
      ok: { status: 200, body: 'OK' },
      options: (u) => ({ gitter_webhook_url: `${u}/e/${SECRET}` }),
      medium: { ...mdAt(), texts: (b) => [['message', at(b, 'message')]] },
    },
    {
      alerter: 'chatwork',
      why: 'Chatwork notation: [toall], [To:id], [info] from a log line; form fields cannot be added',
      ok: { status: 200, body: '{"message_id":"1"}' },
      form: true,
      options: (u) => ({ chatwork_apikey: SECRET, chatwork_room_id: 1, chatwork_api_url: u }),
      medium: { ...joinerAfter(/\[/), texts: (b) => [['body', at(b, 'body')]] },
      exact: (_hv, b) =>
        Object.keys(b).sort().join() === 'body,self_unread' && b['self_unread'] === '0'
          ? []
          : [`form fields ${JSON.stringify(Object.keys(b))}`],
    },
    {
      alerter: 'dingtalk',
      why: 'DingTalk Markdown: links, images and formatting from a log line; signed request',
      ok: { status: 200, body: '{"errcode":0}' },
      options: (u) => ({
        dingtalk_access_token: SECRET,
        dingtalk_sign: 'SECs1gn',
        dingtalk_msgtype: 'markdown',
        dingtalk_api_url: `${u}/robot/send`,
      }),
      // The title is the notification preview, plain text: only controls matter there.
      medium: { ...md(), texts: (b) => [['text', at(b, 'markdown', 'text')]] },
      exact: (_hv, b) => tools.invisibleControls('title', at(b, 'markdown', 'title')),
    },
    {
      alerter: 'line',
      why: 'LINE text message: values as text without controls, 5,000 characters',
      ok: { status: 200, body: '{}' },
      options: (u) => ({ line_channel_access_token: SECRET, line_to: 'U1', line_api_url: u }),
      medium: { ...plain, texts: (b) => [['text', at(b, 'messages', 0, 'text')]] },
    },
    {
      alerter: 'smseagle',
      why: 'SMS text: values as text without controls, 1,530 characters',
      ok: { status: 200, body: '[]' },
      options: (u) => ({ smseagle_url: u, smseagle_token: SECRET, smseagle_message_type: 'sms', smseagle_to: ['+100'] }),
      medium: { ...plain, texts: (b) => [['text', at(b, 'text')]] },
    },
    {
      alerter: 'twilio',
      why: 'the SMS is the rule name only: no document value reaches it, none adds a form field',
      ok: { status: 201, body: '{}' },
      form: true,
      options: (u) => ({
        twilio_account_sid: 'AC1',
        twilio_auth_token: SECRET,
        twilio_to_number: '+1',
        twilio_from_number: '+2',
        twilio_api_url: u,
      }),
      medium: { ...plain, texts: () => [] },
      exact: (_hv, b) =>
        JSON.stringify(b) === JSON.stringify({ To: '+1', From: '+2', Body: 'Root login' })
          ? []
          : [`form ${JSON.stringify(b).slice(0, 80)}`],
    },
    {
      alerter: 'exotel',
      why: 'the SMS is the rule name only: no document value reaches it, none adds a form field',
      ok: { status: 200, body: '' },
      form: true,
      options: (u) => ({
        exotel_account_sid: 'sid',
        exotel_auth_token: SECRET,
        exotel_to_number: '1',
        exotel_from_number: '2',
        exotel_api_url: u,
      }),
      medium: { ...plain, texts: () => [] },
      exact: (_hv, b) =>
        JSON.stringify(b) === JSON.stringify({ From: '2', To: '1', Body: 'Root login' }) ? [] : [`form ${JSON.stringify(b).slice(0, 80)}`],
    },
    {
      alerter: 'tencent_sms',
      why: 'SMS template values from JSON pointers: the value as text without controls, in a signed request',
      ok: { status: 200, body: '{"Response":{"SendStatusSet":[{"PhoneNumber":"+8613711112222","Code":"Ok"}],"RequestId":"r"}}' },
      options: (u) => ({
        tencent_sms_secret_id: 'AKID1',
        tencent_sms_secret_key: SECRET,
        tencent_sms_sdk_appid: '1400006666',
        tencent_sms_to_number: ['+8613711112222'],
        tencent_sms_template_id: '1',
        tencent_sms_template_parm: ['/user/name'],
        tencent_sms_api_url: `${u}/`,
      }),
      medium: { ...plain, texts: (b) => [['TemplateParamSet[0]', at(b, 'TemplateParamSet', 0)]] },
      exact: (hv, b) =>
        hv.value === '' || at(b, 'TemplateParamSet', 0) === displayText(hv.value)
          ? []
          : ['the template value is not the document value as text'],
    },
    {
      alerter: 'pagertree',
      why: 'PagerTree incident: title and description as text without controls',
      ok: { status: 200, body: '{}' },
      options: (u) => ({ pagertree_integration_url: `${u}/integration/${SECRET}` }),
      medium: {
        ...plain,
        texts: (b) => [
          ['Description', at(b, 'Description')],
          ['Title', at(b, 'Title')],
        ],
      },
    },
    {
      alerter: 'flashduty',
      why: 'Flashduty event: the information label as text without controls, 2,048 characters',
      ok: { status: 200, body: '{"request_id":"1"}' },
      options: (u) => ({ flashduty_url: `${u}/event/push/alert/standard?integration_key=${SECRET}` }),
      medium: { ...plain, texts: (b) => [['information', at(b, 'labels', 'information')]] },
    },
    {
      alerter: 'alerta',
      why: 'Alerta: {field} templates insert a value once, as text; {0} in a value is not formatted again',
      ok: { status: 201, body: '{"status":"ok"}' },
      options: (u) => ({ alerta_api_url: `${u}/api/alert`, alerta_api_key: SECRET, alerta_text: '', alerta_resource: 'user-{user.name}' }),
      medium: {
        ...plain,
        texts: (b) => [
          ['text', at(b, 'text')],
          ['resource', at(b, 'resource')],
        ],
      },
      exact: (hv, b) =>
        at(b, 'resource') === `user-${displayText(hv.value.replace(/\u0000/g, ''))}` ? [] : ['resource is not the value inserted once'],
    },
    {
      alerter: 'servicenow',
      why: 'ServiceNow incident: the description as text without controls, 4,000 characters',
      ok: { status: 201, body: '{"result":{}}' },
      options: (u) => ({
        servicenow_rest_url: `${u}/api/now/table/incident`,
        username: 'u',
        password: SECRET,
        short_description: 's',
        comments: 'c',
        assignment_group: 'g',
        category: 'c',
        subcategory: 's',
        cmdb_ci: 'ci',
        caller_id: 'me',
      }),
      medium: { ...plain, texts: (b) => [['description', at(b, 'description')]] },
    },
    {
      alerter: 'iris',
      why: 'IRIS renders the description as Markdown; an IOC value is data and arrives exactly',
      ok: { status: 200, body: '{"status":"success"}' },
      tls: true,
      options: (u) => ({
        iris_host: new URL(u).host,
        iris_api_token: SECRET,
        iris_ca_cert: TEST_CA_FILE,
        iris_iocs: [{ ioc_value: 'user.name', ioc_type_id: 1 }],
      }),
      medium: { ...md(), texts: (b) => [['alert_description', at(b, 'alert_description')]] },
      exact: (hv, b) => {
        const iocs = (b['alert_iocs'] as { ioc_value?: unknown }[] | undefined) ?? [];
        return iocs[0]?.ioc_value === hv.value ? [] : ['the IOC value is not the document value, exactly'];
      },
    },
  ];
  return [...cases.map((c) => kitCase(tools, c)), jiraRow(tools, md(/[*_+^~?{}[\]|!#-]/))];
}

/** Jira: the description in wiki markup, through the local Jira (several requests per alert). */
function jiraRow(tools: SuiteTools, medium: Omit<Medium, 'texts'>): ReturnType<typeof kitCase> {
  return {
    alerter: 'jira',
    why: 'Jira wiki markup: [~user], [label|url], {code} and *formatting* from a log line; the summary as text',
    secret: true,
    async start() {
      const jira = await startJira();
      const dir = mkdtempSync(path.join(tmpdir(), 'logwarden-hostile-jira-'));
      const account = path.join(dir, 'acct.yaml');
      writeFileSync(account, `user: ${JIRA_USER}\npassword: ${JIRA_PASSWORD}\n`);
      const rule = tools.ruleFor('jira', {
        jira_server: jira.url,
        jira_account_file: account,
        jira_project: 'SEC',
        jira_issuetype: 'Bug',
        jira_affected_host: '#user.name',
      });
      const [alerter] = createAlerters(rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(T0), env: {} });
      if (!alerter) throw new Error('no alerter');
      const echo = `request for ${JIRA_PASSWORD} refused`;
      return {
        rule,
        secrets: [JIRA_PASSWORD, Buffer.from(`${JIRA_USER}:${JIRA_PASSWORD}`).toString('base64')],
        failures: [
          {
            what: 'HTTP 503 whose body quotes the password',
            arrange: () => jira.failNext.set('issue', { status: 503, body: echo }),
            retryable: true,
          },
          {
            what: 'HTTP 400 whose body quotes the password',
            arrange: () => jira.failNext.set('issue', { status: 400, body: `{"errorMessages":[${JSON.stringify(echo)}]}` }),
            retryable: false,
          },
        ],
        async deliver(hv, _payload) {
          const before = jira.issues.length;
          await alerter.send(_payload);
          const created = jira.issues.slice(before);
          if (created.length !== 1) return [`expected one issue, got ${created.length}`];
          const fields = created[0]?.fields ?? {};
          const description = at(fields, 'description');
          const problems = [
            ...medium.active(description).map((p) => `description: ${p}`),
            ...tools.invisibleControls('description', description),
            ...tools.invisibleControls('summary', at(fields, 'summary')),
          ];
          problems.push(
            ...tools.readable('description', description, hv, medium.unescape),
            ...tools.templateLiteral(hv, medium.unescape(description)),
          );
          // A custom field from a document is data: the value exactly.
          if (fields['customfield_10010'] !== hv.value && hv.value !== '')
            problems.push('the custom field is not the document value, exactly');
          return problems;
        },
        async close() {
          await alerter.close?.();
          await jira.close();
          rmSync(dir, { recursive: true, force: true });
        },
      };
    },
  };
}
