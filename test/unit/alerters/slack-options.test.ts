import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createSlackAlerter } from '../../../alerters/slack/index.ts';
import { parseSlackOptions } from '../../../alerters/slack/options.ts';
import { FakeClock, slackDeps, slackRule } from './slack-fixtures.ts';

const WEBHOOK = 'https://hooks.slack.com/services/T000/B000/sEcReTpArT';
const TOKEN = 'xoxb-1111-secret-token';

function parse(
  slackOptions: Record<string, unknown>,
  env: NodeJS.ProcessEnv = {},
  ruleOptions: Record<string, unknown> = {},
): ReturnType<typeof parseSlackOptions> {
  const rule = slackRule(slackOptions, ruleOptions);
  const ref = rule.alert[0];
  if (!ref) throw new Error('no alerter');
  return parseSlackOptions(ref, rule, env, () => undefined);
}

function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected an error');
}

describe('Slack options', () => {
  it('picks the webhook transport with ElastAlert2’s defaults', () => {
    const opts = parse({ slack_webhook_url: WEBHOOK });
    expect(opts).toMatchObject({
      transport: 'webhook',
      webhookUrls: [WEBHOOK],
      channels: [],
      timeoutMs: 10_000,
      username: 'elastalert',
      iconEmoji: ':ghost:',
      kibana: { attach: false, color: '#ec4b98', title: 'Discover in Kibana' },
    });
  });

  it('picks the Web API with a token from the option, a file or SLACK_BOT_TOKEN', () => {
    expect(parse({ slack_token: TOKEN, slack_channel_override: '#sec' })).toMatchObject({
      transport: 'webapi',
      token: { kind: 'value', token: TOKEN },
      channels: ['#sec'],
      kibana: { attach: true },
    });
    const dir = mkdtempSync(path.join(tmpdir(), 'slack-token-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, `${TOKEN}\n`);
    expect(parse({ slack_token_file: file, slack_channel: ['#a', '#b'] })).toMatchObject({
      transport: 'webapi',
      token: { kind: 'file', path: file, token: TOKEN },
      channels: ['#a', '#b'],
    });
    expect(parse({ slack_channel: '#sec' }, { SLACK_BOT_TOKEN: TOKEN })).toMatchObject({
      transport: 'webapi',
      token: { kind: 'value', token: TOKEN },
    });
    // A rule that names webhooks keeps them even when the environment has a bot token.
    expect(parse({ slack_webhook_url: WEBHOOK }, { SLACK_BOT_TOKEN: TOKEN }).transport).toBe('webhook');
  });

  it('takes top-level rule options, overridden by the alerter entry (ElastAlert2 puts slack_* at the top)', () => {
    const opts = parse(
      { slack_title: 'from the entry' },
      {},
      { slack_webhook_url: WEBHOOK, slack_title: 'top level', slack_footer: 'top' },
    );
    expect(opts).toMatchObject({ transport: 'webhook', title: 'from the entry', footer: 'top' });
  });

  it('requires slack_webhook_url (or a token), and a channel with a token', () => {
    expect(errorOf(() => parse({}))).toMatch(/^root\.yaml: rule "Root login": slack_webhook_url: is required \(or a bot token/);
    expect(errorOf(() => parse({ slack_token: TOKEN }))).toMatch(/slack_channel_override: is required with a bot token/);
    expect(errorOf(() => parse({}, { SLACK_BOT_TOKEN: TOKEN }))).toMatch(/slack_channel_override: is required/);
  });

  it('refuses malformed, non-https and wrongly typed values, without quoting secrets', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ slack_webhook_url: 'not a url/sEcReTpArT' }, /slack_webhook_url: the URL is not a valid URL/],
      [{ slack_webhook_url: [WEBHOOK, 'http://hooks.example/services/sEcReTpArT'] }, /slack_webhook_url: entry 2 must use https/],
      [{ slack_webhook_url: 'ftp://x/sEcReTpArT' }, /slack_webhook_url: the URL must be an https URL/],
      [
        { slack_webhook_url: 42 },
        /slack_webhook_url: expected a string or a list of strings, got a number \(value hidden: it is a secret\)/,
      ],
      [{ slack_token: 12345, slack_channel: '#a' }, /slack_token: expected a string, got a number \(value hidden: it is a secret\)/],
      [{ slack_token: TOKEN, slack_webhook_url: WEBHOOK }, /slack_webhook_url: set either incoming webhooks/],
      [{ slack_token: TOKEN, slack_token_file: '/x', slack_channel: '#a' }, /slack_token: set slack_token or slack_token_file, not both/],
      [
        { slack_token: TOKEN, slack_channel: '#a', slack_channel_override: '#b' },
        /slack_channel: set slack_channel or slack_channel_override, not both/,
      ],
      [
        { slack_token_file: '/nonexistent/slack-token', slack_channel: '#a' },
        /slack_token_file: cannot read "\/nonexistent\/slack-token": ENOENT/,
      ],
      [{ slack_token: TOKEN, slack_channel: '#a', slack_api_url: 'http://slack.example/api/' }, /slack_api_url: the URL must use https/],
      [{ slack_webhook_url: WEBHOOK, slack_thread_repeats: true }, /slack_thread_repeats: needs the Web API/],
      [{ slack_webhook_url: WEBHOOK, slack_timeout: 0 }, /slack_timeout: expected a number > 0, got 0/],
      [
        { slack_webhook_url: WEBHOOK, slack_msg_color: 'pink' },
        /slack_msg_color: expected one of good, warning, danger or a string matching/,
      ],
      [{ slack_webhook_url: WEBHOOK, slack_parse_override: 'some' }, /slack_parse_override: expected one of none, full, got "some"/],
      [{ slack_webhook_url: WEBHOOK, slack_title_link: 'javascript:alert(1)' }, /slack_title_link: must be an http\(s\) URL/],
      [{ slack_webhook_url: WEBHOOK, slack_alert_fields: [{ title: 'A' }] }, /slack_alert_fields\[0\]\.value: is required/],
      [
        { slack_webhook_url: WEBHOOK, slack_alert_fields: [{ title: 'A', value: 'a', colour: 'x' }] },
        /slack_alert_fields\[0\]\.colour: unknown option/,
      ],
      [{ slack_webhook_url: WEBHOOK, slack_ignore_ssl_errors: 'yes' }, /slack_ignore_ssl_errors: expected true or false/],
    ];
    for (const [options, expected] of cases) {
      const message = errorOf(() => parse(options));
      expect(message).toMatch(expected);
      expect(message).not.toContain('sEcReTpArT');
      expect(message).not.toContain(TOKEN);
    }
  });

  it('accepts http webhook and API URLs on localhost only (tests, a local relay)', () => {
    expect(parse({ slack_webhook_url: 'http://127.0.0.1:8080/services/x' }).transport).toBe('webhook');
    expect(parse({ slack_token: TOKEN, slack_channel: '#a', slack_api_url: 'http://localhost:9/api/' })).toMatchObject({
      apiUrl: 'http://localhost:9/api/',
    });
  });

  it('warns about accepted options that have no effect, and honours proxy and TLS options with either transport', () => {
    const warningsFor = (options: Record<string, unknown>): string[] => {
      const rule = slackRule(options);
      const warnings: string[] = [];
      const ref = rule.alert[0];
      if (!ref) throw new Error('no alerter');
      parseSlackOptions(ref, rule, {}, (m) => warnings.push(m));
      return warnings;
    };
    const transport = { slack_proxy: 'http://user:pw@proxy:3128', slack_ignore_ssl_errors: true };
    // Both transports go through the kit's HTTP client: proxy and TLS options are honoured, not warned about.
    const webapi = warningsFor({
      slack_token: TOKEN,
      slack_channel: '#a',
      ...transport,
      slack_parse_override: 'full',
      slack_attach_jira_ticket_url: true,
    });
    expect(webapi.map((w) => w.replace(/^root\.yaml: rule "Root login": /, '').split(/[ :]/)[0])).toEqual([
      'slack_parse_override',
      'slack_attach_jira_ticket_url',
    ]);
    const companions = warningsFor({
      slack_webhook_url: WEBHOOK,
      slack_jira_ticket_title: 'T',
      slack_opensearch_discover_color: '#000000',
      slack_attach_opensearch_discover_url: false,
    });
    expect(companions.map((w) => w.replace(/^root\.yaml: rule "Root login": /, '').split(/[ :]/)[0])).toEqual([
      'slack_jira_ticket_title',
      'slack_opensearch_discover_color',
    ]);
    const webhook = warningsFor({ slack_webhook_url: WEBHOOK, ...transport, slack_parse_override: 'full' });
    expect(webhook.map((w) => w.replace(/^root\.yaml: rule "Root login": /, '').split(/[ :]/)[0])).toEqual(['slack_parse_override']);
    const parsed = parse({ slack_token: TOKEN, slack_channel: '#a', ...transport });
    expect(parsed.proxy?.host).toBe('proxy:3128');
    expect(parsed.tls.rejectUnauthorized).toBe(false);
  });

  it('with a bot token too, slack_ca_certs must be readable and slack_proxy an http(s) URL', () => {
    expect(() => parse({ slack_token: TOKEN, slack_channel: '#a', slack_ca_certs: '/nonexistent/ca.pem' })).toThrow(
      /slack_ca_certs: cannot read CA certificates/,
    );
    expect(() => parse({ slack_token: TOKEN, slack_channel: '#a', slack_proxy: 'socks5://p:1080' })).toThrow(
      /slack_proxy: must be an http:\/\/ or https:\/\/ URL/,
    );
  });

  it('webhooks: slack_ca_certs must be readable, slack_proxy an http(s) URL', () => {
    expect(() => parse({ slack_webhook_url: WEBHOOK, slack_ca_certs: '/nonexistent/ca.pem' })).toThrow(
      /slack_ca_certs: cannot read CA certificates/,
    );
    expect(() => parse({ slack_webhook_url: WEBHOOK, slack_proxy: 'socks5://p:1080' })).toThrow(
      /slack_proxy: must be an http:\/\/ or https:\/\/ URL/,
    );
  });

  it('is checked when the alerter is created, as lint and the engine do', () => {
    const clock = new FakeClock();
    expect(() => createSlackAlerter({ type: 'slack', options: {} }, slackRule({}), slackDeps(clock))).toThrow(
      /slack_webhook_url: is required/,
    );
    expect(createSlackAlerter({ type: 'slack', options: { slack_webhook_url: WEBHOOK } }, slackRule({}), slackDeps(clock)).type).toBe(
      'slack',
    );
  });
});
