/** The ms_power_automate alerter against a real HTTP server checking a Teams workflow's webhook rules. */
import { describe, expect, it } from '@jest/globals';
import { createPowerAutomateAlerter } from '../../alerters/ms_power_automate/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { cardTexts, powerAutomateProblems } from './chat-peers.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const FLOW = '/workflows/abc/triggers/manual/paths/invoke?api-version=1&sig=sIgNaTuReSeCrEt';
const kit = kitHarness('ms_power_automate', createPowerAutomateAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 202, body: '' });

describe('ms_power_automate against a Teams workflow peer', () => {
  it("sends ElastAlert2's card: summary, body, facts, Kibana action, full width", async () => {
    const p = await peer();
    await kit
      .alerter({
        ms_power_automate_webhook_url: `${p.url}${FLOW}`,
        ms_power_automate_alert_facts: [
          { name: 'User', value: 'user.name' },
          { name: 'Team', value: 'SOC' },
        ],
        ms_power_automate_kibana_discover_attach_url: true,
        ms_power_automate_teams_card_width_full: true,
        ms_power_automate_body_text_size: 'small',
      })
      .send(alertOf(MATCH, { kibanaDiscoverUrl: 'https://kibana.example/d' }));
    expect(p.requests[0]?.path).toBe(FLOW);
    expect(powerAutomateProblems(p.requests[0]!)).toEqual([]);
    const body = JSON.parse(p.requests[0]?.body ?? '') as { attachments: { content: Record<string, unknown> }[] };
    const card = body.attachments[0]?.content ?? {};
    expect(cardTexts(card)).toEqual(['SSH brute force', 'SSH brute force\n\nuser: bob\n', 'User: ', 'bob', '\nTeam: ', 'SOC']);
    expect(card['actions']).toEqual([
      { type: 'Action.OpenUrl', title: 'Discover in Kibana', url: 'https://kibana.example/d', style: 'default' },
    ]);
    expect(card['msteams']).toEqual({ width: 'Full' });
  });

  it('a 1 MB value stays text and the card stays under 28 KB', async () => {
    const p = await peer();
    await kit
      .alerter({ ms_power_automate_webhook_url: `${p.url}${FLOW}` })
      .send(alertWith(`[x](https://evil.example) **b** <at>All</at> ${'z'.repeat(1024 * 1024)}`));
    expect(powerAutomateProblems(p.requests[0]!)).toEqual([]);
    const texts = cardTexts(JSON.parse(p.requests[0]?.body ?? ''));
    expect(texts[1]).toMatch(
      /^user: \[x\]\(https:\/\/evil\.example\) \*\*b\*\* <at>All<\/at> z+\n\[… truncated: \d+ more characters not shown\]$/,
    );
  });

  it('429 with Retry-After is retryable; 400 permanent; the signature never shows', async () => {
    const p = await peer();
    const a = kit.alerter({ ms_power_automate_webhook_url: `${p.url}${FLOW}` });
    p.replies.push({ status: 429, headers: { 'Retry-After': '9' }, body: '' });
    const limited = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(limited).toMatchObject({ retryable: true, retryAfterMs: 9000 });
    p.replies.push({ status: 400, body: `{"error":{"message":"bad request to ${FLOW}"}}` });
    const bad = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(bad.retryable).toBe(false);
    expect(bad.message).not.toContain('sIgNaTuReSeCrEt');
  });

  it('refuses by name a URL taken from the document, and OpenSearch options', () => {
    expect(() =>
      kit.alerter({ ms_power_automate_webhook_url: 'https://flow.example/x', ms_power_automate_webhook_url_from_field: 'hook' }),
    ).toThrow('ms_power_automate_webhook_url_from_field: is refused: a log document must never choose where an alert is sent');
    expect(() =>
      kit.alerter({ ms_power_automate_webhook_url: 'https://flow.example/x', ms_power_automate_opensearch_discover_attach_url: true }),
    ).toThrow('ms_power_automate_opensearch_discover_attach_url: is refused');
  });
});
