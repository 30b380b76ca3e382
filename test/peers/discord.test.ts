/** The discord alerter against a real HTTP server checking Discord's Execute Webhook rules. */
import { describe, expect, it } from '@jest/globals';
import { createDiscordAlerter } from '../../alerters/discord/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { escapeMarkdown } from '../../src/escape/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { discordProblems } from './chat-peers.ts';
import { TEST_CA_FILE, thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const HOOK = '/api/webhooks/1234567890/dIsCoRdToKeN-sEcReT_abcdef';

const kit = kitHarness('discord', createDiscordAlerter);
// Discord answers 204 No Content unless ?wait=true.
const peer = (tls = false): Promise<Peer> => kit.peer({ status: 204 }, tls);
const alerter = (options: Record<string, unknown>): Alerter => kit.alerter(options);

describe('discord against a Discord webhook peer', () => {
  it("sends ElastAlert2's message (emoji title, embed with colour and footer) with no mentions allowed", async () => {
    const p = await peer();
    await alerter({
      discord_webhook_url: `${p.url}${HOOK}`,
      discord_emoji_title: ':rotating_light:',
      discord_embed_color: 0xff0000,
      discord_embed_footer: 'LogWarden',
      discord_embed_icon_url: 'https://example.com/i.png',
    }).send(alertOf(MATCH));
    const [req] = p.requests;
    expect(req?.path).toBe(HOOK);
    expect(discordProblems(req!)).toEqual([]);
    expect(JSON.parse(req?.body ?? '')).toEqual({
      content: ':rotating_light: SSH brute force :rotating_light:',
      embeds: [
        {
          description: 'SSH brute force\n\nuser: bob\n',
          color: 0xff0000,
          footer: { text: 'LogWarden', icon_url: 'https://example.com/i.png' },
        },
      ],
      allowed_mentions: { parse: [] },
    });
  });

  it('document values cannot ping, link or format, and arrive readable', async () => {
    const p = await peer();
    const value = '@everyone <@123> [click](https://evil.example) **x** `y` # h \u202Egnp';
    await alerter({ discord_webhook_url: `${p.url}${HOOK}` }).send(alertWith(value));
    const body = JSON.parse(p.requests[0]?.body ?? '') as { content: string; embeds: { description: string }[] };
    expect(body.embeds[0]?.description).toBe(`user: ${escapeMarkdown(value)}\n`);
    expect(body.embeds[0]?.description).toContain('\\[click\\]\\(https://evil\\.example\\)');
    expect(body.content).not.toContain('\u202E');
    expect(body.content).toContain('\\<@123\\>');
  });

  it('a 1 MB value is cut to Discord limits with a visible mark, and Discord accepts the message', async () => {
    const p = await peer();
    await alerter({ discord_webhook_url: `${p.url}${HOOK}` }).send(alertWith(`*${'x'.repeat(1024 * 1024)}`));
    expect(discordProblems(p.requests[0]!)).toEqual([]);
    const body = JSON.parse(p.requests[0]?.body ?? '') as { content: string; embeds: { description: string }[] };
    expect(body.embeds[0]?.description).toMatch(/\n\[… truncated: \d+ more characters not shown\]$/);
    expect(body.content.length).toBeLessThanOrEqual(2000);
  });

  it('429 with Retry-After is retryable after that time; 404 Unknown Webhook is permanent; the token never shows', async () => {
    const p = await peer();
    const d = alerter({ discord_webhook_url: `${p.url}${HOOK}` });
    p.replies.push({
      status: 429,
      headers: { 'Retry-After': '3' },
      body: '{"message": "You are being rate limited.", "retry_after": 2.5, "global": false}',
    });
    const limited = await thrown(() => d.send(alertOf(MATCH)));
    expect(limited.retryable).toBe(true);
    expect(limited.retryAfterMs).toBe(3000);
    p.replies.push({ status: 404, body: `{"message": "Unknown Webhook ${HOOK}", "code": 10015}` });
    const gone = await thrown(() => d.send(alertOf(MATCH, { alertId: 'other' })));
    expect(gone.retryable).toBe(false);
    expect(gone.message).toContain('discord: POST to');
    expect(gone.message).not.toContain('dIsCoRdToKeN');
  });

  it('verifies TLS with discord_ca_certs; refuses a bad colour by option', async () => {
    const p = await peer(true);
    await alerter({ discord_webhook_url: `${p.url}${HOOK}`, discord_ca_certs: TEST_CA_FILE }).send(alertOf(MATCH));
    expect(p.requests).toHaveLength(1);
    expect(() => alerter({ discord_webhook_url: `${p.url}${HOOK}`, discord_embed_color: 'red' })).toThrow(
      'ssh.yaml: rule "SSH brute force": discord_embed_color: ',
    );
  });
});
