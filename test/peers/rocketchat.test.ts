/**
 * The rocketchat alerter against a real HTTP server shaped like a Rocket.Chat incoming
 * integration (`POST /hooks/<id>/<token>`): JSON with text or attachments; 429 with Retry-After
 * when rate limited; 404 for an unknown integration.
 */
import { describe, expect, it } from '@jest/globals';
import { createRocketChatAlerter } from '../../alerters/rocketchat/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const HOOK = '/hooks/64f0c1d2/rOcKeTtOkEn-sEcReT';
const kit = kitHarness('rocketchat', createRocketChatAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"success":true}' });
type Body = {
  username: string;
  channel: string;
  text: string;
  emoji?: string;
  attachments: { title?: string; text?: string; fields?: { title: string; value: string }[]; title_link?: string }[];
};
const bodyOf = (p: Peer, i = 0): Body => JSON.parse(p.requests[i]?.body ?? '') as Body;

/** What Rocket.Chat acts on in raw text: mentions (a word joiner after @ ends them) and unescaped markup. */
const ACTIVE = /@(?!\u2060)|(?<!\\)[*_~`[\]<>()]/;

describe('rocketchat against a Rocket.Chat integration peer', () => {
  it("sends ElastAlert2's payload once per channel override, with fields and the Kibana attachment", async () => {
    const p = await peer();
    await kit
      .alerter({
        rocket_chat_webhook_url: `${p.url}${HOOK}`,
        rocket_chat_channel_override: ['#soc', '@oncall'],
        rocket_chat_text_string: 'New alert',
        rocket_chat_alert_fields: [
          { title: 'User', value: 'user.name', short: true },
          { title: 'Nothing', value: 'missing.field' },
        ],
        rocket_chat_attach_kibana_discover_url: true,
      })
      .send(alertOf(MATCH, { kibanaDiscoverUrl: 'https://kibana.example/app/discover#/x' }));
    expect(p.requests.map((r) => r.path)).toEqual([HOOK, HOOK]);
    expect(p.requests.map((_, i) => bodyOf(p, i).channel)).toEqual(['#soc', '@oncall']);
    expect(bodyOf(p)).toEqual({
      username: 'elastalert2',
      channel: '#soc',
      text: 'New alert',
      emoji: ':ghost:',
      attachments: [
        {
          color: 'danger',
          title: 'SSH brute force',
          text: 'SSH brute force\n\nuser: bob\n',
          fields: [
            { title: 'User', value: 'bob', short: true },
            { title: 'Nothing', value: '\\<MISSING VALUE\\>' },
          ],
        },
        { color: '#ec4b98', title: 'Discover in Kibana', title_link: 'https://kibana.example/app/discover#/x' },
      ],
    });
  });

  it('a document value mentions nobody and formats nothing; a 1 MB value is cut to 5,000 characters', async () => {
    const p = await peer();
    const a = kit.alerter({ rocket_chat_webhook_url: `${p.url}${HOOK}`, rocket_chat_alert_fields: [{ title: 'User', value: 'user' }] });
    const value = '@all @here <!channel> [x](https://evil.example) *b* \u202Eq';
    await a.send(alertWith(value));
    const body = bodyOf(p);
    for (const text of [body.attachments[0]?.title ?? '', body.attachments[0]?.text ?? '', body.attachments[0]?.fields?.[0]?.value ?? '']) {
      expect(text.replace(/^(Login by |user: )/, '')).not.toMatch(ACTIVE);
      expect(text).not.toContain('\u202E');
    }
    await a.send(alertWith('w'.repeat(1024 * 1024), { user: 'x' }));
    const cut = bodyOf(p, 1).attachments[0]?.text ?? '';
    expect(cut.length).toBeLessThanOrEqual(5000);
    expect(cut).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
  });

  it('429 with Retry-After is retryable; 404 is permanent; only the failed channel is retried; the token never shows', async () => {
    const p = await peer();
    const a = kit.alerter({ rocket_chat_webhook_url: `${p.url}${HOOK}`, rocket_chat_channel_override: ['#a', '#b'] });
    p.replies.push(
      { status: 200, body: '{"success":true}' },
      { status: 429, headers: { 'Retry-After': '60' }, body: '{"success":false,"error":"Error, too many requests."}' },
    );
    expect(await thrown(() => a.send(alertOf(MATCH)))).toMatchObject({ retryable: true, retryAfterMs: 60_000 });
    await a.send(alertOf(MATCH));
    expect(p.requests.map((_, i) => bodyOf(p, i).channel).sort()).toEqual(['#a', '#b', '#b']);
    p.replies.push(
      { status: 404, body: `{"success":false,"error":"Invalid integration id or token provided. ${HOOK}"}` },
      { status: 404, body: '' },
    );
    const gone = await thrown(() => a.send(alertOf(MATCH, { alertId: 'other' })));
    expect(gone.retryable).toBe(false);
    expect(gone.message).not.toContain('rOcKeTtOkEn');
  });

  it('refuses a colour Rocket.Chat does not know, by option', () => {
    expect(() => kit.alerter({ rocket_chat_webhook_url: 'https://chat.example/hooks/a/b', rocket_chat_msg_color: 'red' })).toThrow(
      'rocket_chat_msg_color: ',
    );
  });
});
