import { describe, expect, it } from '@jest/globals';
import {
  buildBlockMessage,
  buildWebhookPayload,
  chunkText,
  escapeMrkdwn,
  LIMITS,
  severityColor,
  truncate,
  type MessageContext,
  type SlackBlock,
} from '../../../alerters/slack/format.ts';
import { parseSlackOptions, type SlackOptions } from '../../../alerters/slack/options.ts';
import { alerterOptions } from '../../../alerters/types.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import { HOSTILE, HOSTILE_ESCAPED, KIBANA_URL, slackAlert, slackRule } from './slack-fixtures.ts';

const TOKEN = { slack_token: 'xoxb-unit', slack_channel: '#sec' };

function setup(
  slackOptions: Record<string, unknown>,
  ruleOptions: Record<string, unknown> = {},
): { rule: RuleDefinition; opts: SlackOptions; ctx: MessageContext } {
  const rule = slackRule(slackOptions, ruleOptions);
  const ref = rule.alert[0];
  if (!ref) throw new Error('no alerter');
  const raw = alerterOptions(ref, rule);
  const opts = parseSlackOptions(ref, rule, {}, () => undefined);
  return { rule, opts, ctx: { ruleName: rule.name, queryKeyFields: rule.queryKey, timestampField: rule.timestampField, ruleOptions: raw } };
}

function textsOf(blocks: readonly SlackBlock[]): string[] {
  return JSON.stringify(blocks).match(/"text":"[^"]*"/g) ?? [];
}

describe('escapeMrkdwn', () => {
  it('turns the three control characters into entities, & first so nothing is escaped twice', () => {
    expect(escapeMrkdwn(HOSTILE)).toBe(HOSTILE_ESCAPED);
    expect(escapeMrkdwn('&lt;')).toBe('&amp;lt;');
    expect(escapeMrkdwn('plain *bold* @here #general')).toBe('plain *bold* @here #general');
  });
});

describe('truncate and chunkText', () => {
  it('marks a cut with … and stays within the limit', () => {
    expect(truncate('abcdef', 10)).toBe('abcdef');
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('abcdef', 4).length).toBe(4);
  });

  it('never cuts an entity or a surrogate pair in half', () => {
    expect(truncate('ab&amp;cd', 6)).toBe('ab…');
    expect(truncate('ab&lt;', 5)).toBe('ab…');
    expect(truncate('a😀b', 3)).toBe('a…');
  });

  it('splits at line breaks, drops empty pieces and truncates what does not fit', () => {
    const text = `${'a'.repeat(8)}\n${'b'.repeat(8)}\n${'c'.repeat(8)}`;
    expect(chunkText(text, 10, 5)).toEqual(['a'.repeat(8), 'b'.repeat(8), 'c'.repeat(8)]);
    expect(chunkText(text, 10, 2)).toEqual(['a'.repeat(8), `${'b'.repeat(8)}\n…`]);
    expect(chunkText('x'.repeat(25), 10, 5)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(chunkText('\n\n', 10, 5)).toEqual([]);
  });
});

describe('severityColor', () => {
  it('follows slack_msg_color, else the severity, else ElastAlert2’s danger', () => {
    expect(severityColor('low', 'good')).toBe('good');
    expect(severityColor('critical', undefined)).toBe('danger');
    expect(severityColor('Medium', undefined)).toBe('warning');
    expect(severityColor('info', undefined)).toBe('#439fe0');
    expect(severityColor(undefined, undefined)).toBe('danger');
  });
});

describe('buildBlockMessage (Web API)', () => {
  it('lays out header, the author’s text, key fields, severity and the Kibana button, with document values escaped', () => {
    const { rule, opts, ctx } = setup(TOKEN);
    const alert = slackAlert(rule);
    const message = buildBlockMessage(alert, alert.render(escapeMrkdwn), opts, ctx);
    expect(message).toEqual({
      text: `Root login by ${HOSTILE_ESCAPED}`,
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `Root login by ${HOSTILE_ESCAPED}`, emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: `<!here> root login from 192.0.2.10 by ${HOSTILE_ESCAPED}`, verbatim: true } },
      ],
      attachments: [
        {
          color: 'danger',
          fallback: `Root login by ${HOSTILE_ESCAPED}`,
          blocks: [
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: `*user.name*\n${HOSTILE_ESCAPED}`, verbatim: true },
                { type: 'mrkdwn', text: '*host*\nweb-1', verbatim: true },
              ],
            },
            {
              type: 'context',
              elements: [
                { type: 'mrkdwn', text: '*Severity:* high', verbatim: true },
                { type: 'mrkdwn', text: '*Rule:* Root login', verbatim: true },
                { type: 'mrkdwn', text: '*Time:* <!date^1714564800^{date_num} {time_secs}|2024-05-01T12:00:00.000Z>', verbatim: true },
              ],
            },
            {
              type: 'actions',
              elements: [
                {
                  type: 'button',
                  text: { type: 'plain_text', text: 'Discover in Kibana' },
                  url: KIBANA_URL,
                  action_id: 'logwarden_kibana_discover',
                },
              ],
            },
          ],
        },
      ],
    });
  });

  it('never lets a raw document value reach any text', () => {
    const { rule, opts, ctx } = setup({ ...TOKEN, slack_alert_fields: [{ title: 'Who', value: 'user.name', short: true }] });
    const alert = slackAlert(rule, {
      '@timestamp': '2024-05-01T12:00:00Z',
      user: { name: HOSTILE },
      source: { ip: HOSTILE },
      [HOSTILE]: 'key from the document',
    });
    const message = buildBlockMessage(alert, alert.render(escapeMrkdwn), opts, ctx);
    const json = JSON.stringify(message);
    expect(json).not.toContain('<!channel>');
    expect(json).not.toContain('<@U1>');
    expect(json).not.toContain('<https://x|y>');
    expect(json).toContain('<!here>');
    expect(message.attachments[0]?.blocks[0]).toEqual({
      type: 'section',
      fields: [{ type: 'mrkdwn', text: `*Who*\n${HOSTILE_ESCAPED}`, verbatim: true }],
    });
  });

  it('shows the query_key, then `include`, then plain match fields, at most six', () => {
    const { rule, opts, ctx } = setup(TOKEN, { include: ['event.action', 'user.name'] });
    const match = {
      '@timestamp': 'x',
      _id: 'id',
      num_hits: 4,
      user: { name: 'root' },
      event: { action: 'login' },
      a: 1,
      b: true,
      c: 'c',
      d: 'd',
      e: 'e',
    };
    const alert = slackAlert(rule, match);
    const message = buildBlockMessage(alert, alert.render(escapeMrkdwn), opts, ctx);
    const fields = message.attachments[0]?.blocks[0];
    expect(fields).toEqual({
      type: 'section',
      fields: ['*user.name*\nroot', '*event.action*\nlogin', '*a*\n1', '*b*\nTrue', '*c*\nc', '*d*\nd'].map((text) => ({
        type: 'mrkdwn',
        text,
        verbatim: true,
      })),
    });
  });

  it('respects Slack’s limits: 150-character header, 3,000-character sections, 50 blocks', () => {
    const longLine = 'word '.repeat(2000);
    const { rule, opts, ctx } = setup({ ...TOKEN, slack_title: 'T'.repeat(400) });
    const alert = slackAlert(rule, undefined, { render: (escape) => ({ subject: 's', text: escape(`${longLine}\n`.repeat(20)) }) });
    const message = buildBlockMessage(alert, alert.render(escapeMrkdwn), opts, ctx);
    const header = message.blocks[0];
    expect(header?.type === 'header' && header.text.text.length).toBe(LIMITS.headerText);
    expect(header?.type === 'header' && header.text.text.endsWith('…')).toBe(true);
    for (const t of textsOf([...message.blocks, ...(message.attachments[0]?.blocks ?? [])]))
      expect(t.length).toBeLessThanOrEqual(LIMITS.sectionText + 10);
    expect(message.blocks.length + (message.attachments[0]?.blocks.length ?? 0)).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    const last = message.blocks[message.blocks.length - 1];
    expect(last?.type === 'section' && 'text' in last && last.text.text.endsWith('…')).toBe(true);
  });

  it('caps the fields so that the alert text still fits under the 50-block limit', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ title: `F${i}`, value: 'host' }));
    const { rule, opts, ctx } = setup({ ...TOKEN, slack_alert_fields: many });
    const alert = slackAlert(rule);
    const message = buildBlockMessage(alert, alert.render(escapeMrkdwn), opts, ctx);
    const details = message.attachments[0]?.blocks ?? [];
    const fieldTexts = details.flatMap((b) => (b.type === 'section' && 'fields' in b ? b.fields.map((f) => f.text) : []));
    expect(fieldTexts).toHaveLength(LIMITS.fields);
    expect(fieldTexts[LIMITS.fields - 1]).toBe('*…*\n71 more fields not shown');
    expect(message.blocks.length + details.length).toBeLessThanOrEqual(LIMITS.blocksPerMessage);
    expect(message.blocks[1]).toEqual({
      type: 'section',
      text: { type: 'mrkdwn', text: `<!here> root login from 192.0.2.10 by ${HOSTILE_ESCAPED}`, verbatim: true },
    });
  });

  it('leaves the Kibana button out when the rule turned it off or the URL is too long for Slack', () => {
    const off = setup({ ...TOKEN, slack_attach_kibana_discover_url: false });
    const a = slackAlert(off.rule);
    expect(JSON.stringify(buildBlockMessage(a, a.render(escapeMrkdwn), off.opts, off.ctx))).not.toContain('logwarden_kibana_discover');
    const on = setup(TOKEN);
    const b = slackAlert(on.rule, undefined, { kibanaDiscoverUrl: `https://k/${'x'.repeat(3000)}` });
    expect(JSON.stringify(buildBlockMessage(b, b.render(escapeMrkdwn), on.opts, on.ctx))).not.toContain('logwarden_kibana_discover');
  });
});

describe('buildWebhookPayload (incoming webhooks)', () => {
  it('sends ElastAlert2’s shape with document values escaped, parse none and no unfurling', () => {
    const { rule, opts, ctx } = setup({
      slack_webhook_url: 'https://hooks.slack.com/services/T0/B0/secret',
      slack_alert_fields: [{ title: 'User', value: 'user.name', short: true }],
      slack_text_string: '<!here> look',
      slack_attach_kibana_discover_url: true,
      slack_footer: 'LogWarden',
    });
    const alert = slackAlert(rule);
    const payload = buildWebhookPayload(alert, alert.render(escapeMrkdwn), opts, ctx, '#sec');
    expect(payload).toEqual({
      username: 'elastalert',
      icon_emoji: ':ghost:',
      channel: '#sec',
      parse: 'none',
      text: '<!here> look',
      unfurl_links: false,
      unfurl_media: false,
      attachments: [
        {
          color: 'danger',
          title: `Root login by ${HOSTILE_ESCAPED}`,
          text: `<!here> root login from 192.0.2.10 by ${HOSTILE_ESCAPED}\n\n`,
          fallback: `Root login by ${HOSTILE_ESCAPED}`,
          mrkdwn_in: ['text', 'pretext'],
          fields: [{ title: 'User', value: HOSTILE_ESCAPED, short: true }],
          footer: 'LogWarden',
        },
        { color: '#ec4b98', title: 'Discover in Kibana', title_link: KIBANA_URL },
      ],
    });
  });

  it('keeps ElastAlert2’s opt-in for the Kibana link and its "icon URL wins" rule', () => {
    const { rule, opts, ctx } = setup({
      slack_webhook_url: 'https://hooks.slack.com/services/T0/B0/secret',
      slack_icon_url_override: 'https://img.example/i.png',
      slack_emoji_override: ':bell:',
    });
    const alert = slackAlert(rule);
    const payload = buildWebhookPayload(alert, alert.render(escapeMrkdwn), opts, ctx, undefined);
    expect(payload.attachments).toHaveLength(1);
    expect(payload.icon_url).toBe('https://img.example/i.png');
    expect(payload.icon_emoji).toBeUndefined();
    expect(payload.channel).toBeUndefined();
    expect(payload.attachments[0]?.fields).toEqual([]);
  });
});
