/** The mattermost alerter against a real HTTP server checking Mattermost's incoming-webhook rules. */
import { describe, expect, it } from '@jest/globals';
import { createMattermostAlerter } from '../../alerters/mattermost/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { mattermostMentions, mattermostProblems } from './chat-peers.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith as alertWithValue, kitHarness } from './kit-support.ts';

const HOOK = '/hooks/mAtTeRmOsThOoKsEcReT1234';

const kit = kitHarness('mattermost', createMattermostAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, headers: { 'Content-Type': 'text/plain' }, body: 'ok' });
const alerter = (options: Record<string, unknown>): Alerter => kit.alerter(options);
const alertWith = (value: string) => alertWithValue(value, { user: { name: value }, host: 'web-1' });

describe('mattermost against a Mattermost webhook peer', () => {
  it("sends ElastAlert2's payload once per channel override, with fields and the Kibana attachment", async () => {
    const p = await peer();
    await alerter({
      mattermost_webhook_url: `${p.url}${HOOK}`,
      mattermost_channel_override: ['soc', 'ir'],
      mattermost_msg_pretext: 'LogWarden',
      mattermost_msg_fields: [
        { title: 'User', value: '{0} on {1}', args: ['user.name', 'host'], short: true },
        { title: 'Missing', args: ['nope'] },
      ],
      mattermost_title_link: 'https://runbooks.example/ssh',
      mattermost_attach_kibana_discover_url: true,
    }).send(alertWith('bob'));
    expect(p.requests.map((r) => r.path)).toEqual([HOOK, HOOK]);
    for (const r of p.requests) expect(mattermostProblems(r)).toEqual([]);
    const bodies = p.requests.map((r) => JSON.parse(r.body) as Record<string, unknown>);
    expect(bodies.map((b) => b['channel'])).toEqual(['soc', 'ir']);
    expect(bodies[0]).toEqual({
      username: 'elastalert',
      icon_emoji: ':ghost:',
      text: 'user: bob\n',
      channel: 'soc',
      attachments: [
        {
          fallback: 'Login by bob: LogWarden',
          color: 'danger',
          title: 'Login by bob',
          pretext: 'LogWarden',
          title_link: 'https://runbooks.example/ssh',
          fields: [
            { title: 'User', value: 'bob on web\\-1', short: true },
            { title: 'Missing', value: '&lt;MISSING VALUE&gt;' },
          ],
        },
      ],
    });
  });

  it('alert_text_only puts the text in the attachment; the Kibana link is its own attachment', async () => {
    const p = await peer();
    await alerter({
      mattermost_webhook_url: `${p.url}${HOOK}`,
      mattermost_attach_kibana_discover_url: true,
      alert_text_type: 'alert_text_only',
    }).send(alertOf(MATCH, { kibanaDiscoverUrl: 'https://kibana.example/d' }));
    const body = JSON.parse(p.requests[0]?.body ?? '') as { text?: string; attachments: Record<string, unknown>[] };
    expect(body.text).toBeUndefined();
    expect(body.attachments[0]?.['text']).toBe('SSH brute force\n\nuser: bob\n');
    expect(body.attachments[1]).toEqual({ color: '#ec4b98', title: 'Discover in Kibana', title_link: 'https://kibana.example/d' });
  });

  it('a document value mentions nobody and formats nothing', async () => {
    const p = await peer();
    await alerter({ mattermost_webhook_url: `${p.url}${HOOK}` }).send(
      alertWith('@channel @all <!here> @alice **x** [c](https://evil.example)'),
    );
    const body = JSON.parse(p.requests[0]?.body ?? '') as { text: string; attachments: { title: string }[] };
    expect(mattermostMentions(body.text)).toEqual([]);
    expect(mattermostMentions(body.attachments[0]?.title ?? '')).toEqual([]);
    expect(body.text).toContain('\\*\\*x\\*\\* \\[c\\]\\(https://evil\\.example\\)');
    expect(body.text).toContain('&lt;\\!here&gt;');
  });

  it('400 and 404 are permanent, 429 and 5xx retryable, and the webhook path never shows', async () => {
    const p = await peer();
    const m = alerter({ mattermost_webhook_url: `${p.url}${HOOK}` });
    p.replies.push({
      status: 404,
      body: `{"id":"web.incoming_webhook.invalid.app_error","message":"Invalid webhook ${HOOK}","status_code":404}`,
    });
    const gone = await thrown(() => m.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(gone.retryable).toBe(false);
    expect(gone.message).not.toContain('mAtTeRmOsThOoKsEcReT');
    p.replies.push({ status: 429, headers: { 'Retry-After': '2' }, body: 'too many' });
    const limited = await thrown(() => m.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(limited.retryable).toBe(true);
    expect(limited.retryAfterMs).toBe(2000);
  });

  it('refuses by option: a field whose value cannot take its args, an unknown field key', () => {
    expect(() =>
      alerter({
        mattermost_webhook_url: 'https://mm.example/hooks/x',
        mattermost_msg_fields: [{ title: 'T', value: '{0} {1}', args: ['a'] }],
      }),
    ).toThrow('mattermost_msg_fields[0].value: cannot be formatted with 1 value(s)');
    expect(() =>
      alerter({ mattermost_webhook_url: 'https://mm.example/hooks/x', mattermost_msg_fields: [{ title: 'T', colour: 'x' }] }),
    ).toThrow('mattermost_msg_fields');
  });
});
