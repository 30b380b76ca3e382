/** The opsgenie alerter against a real HTTP server checking the Opsgenie Alert API v2 (Create Alert). */
import { describe, expect, it } from '@jest/globals';
import { createOpsgenieAlerter } from '../../alerters/opsgenie/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { opsgenieProblems } from './chat-peers.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const KEY = 'eb243592-faa2-4ba2-a551q-1afdf565c889';
const kit = kitHarness('opsgenie', createOpsgenieAlerter);
const peer = (): Promise<Peer> =>
  kit.peer({ status: 202, body: '{"result":"Request will be processed","took":0.2,"requestId":"43a29c5c"}' });
const sent = (p: Peer, i = 0): Record<string, unknown> => JSON.parse(p.requests[i]?.body ?? '') as Record<string, unknown>;

describe('opsgenie against an Opsgenie Alert API peer', () => {
  it("sends ElastAlert2's alert: message, description, alias, priority, tags, responders, details", async () => {
    const p = await peer();
    await kit
      .alerter({
        opsgenie_key: KEY,
        opsgenie_addr: `${p.url}/v2/alerts`,
        opsgenie_message: 'Brute force by {user[name]}',
        opsgenie_alias: 'ssh-{num_hits}',
        opsgenie_priority: 'P2',
        opsgenie_tags: ['ssh', 'hits-{num_hits}'],
        opsgenie_recipients: ['{who}@example.com'],
        opsgenie_recipients_args: { who: 'user.name' },
        opsgenie_teams: ['soc'],
        opsgenie_entity: 'host {nope}',
        opsgenie_details: { user: { field: 'user.name' }, fixed: 'text', absent: { field: 'nope' } },
      })
      .send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe('/v2/alerts');
    expect(opsgenieProblems(p.requests[0]!, KEY)).toEqual([]);
    expect(sent(p)).toEqual({
      message: 'Brute force by bob',
      responders: [
        { username: 'bob@example.com', type: 'user' },
        { name: 'soc', type: 'team' },
      ],
      description: 'SSH brute force\n\nuser: bob\n',
      entity: 'host <MISSING VALUE>',
      source: 'ElastAlert',
      tags: ['ssh', 'hits-7', 'ElastAlert', 'SSH brute force'],
      priority: 'P2',
      alias: 'ssh-7',
      details: { user: 'bob', fixed: 'text' },
    });
  });

  it("without opsgenie_message: ElastAlert2's title; a document value is text, cut to Opsgenie limits", async () => {
    const p = await peer();
    await kit
      .alerter({
        opsgenie_key: KEY,
        opsgenie_addr: `${p.url}/v2/alerts`,
        opsgenie_subject: 'Login by {0}',
        opsgenie_subject_args: ['user'],
        opsgenie_alias: '{user}',
      })
      .send(alertWith(`{0}\u202E${'x'.repeat(1024 * 1024)}`));
    expect(opsgenieProblems(p.requests[0]!, KEY)).toEqual([]);
    const body = sent(p);
    expect(String(body['message'])).toMatch(/^Login by \{0\}x+…$/);
    expect(String(body['description'])).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
    expect(String(body['alias'])).toMatch(/^\{0\}x+~[\w-]{22}$/);
  });

  it('422 and 401 are permanent, 429 and 5xx retryable; the key never shows', async () => {
    const p = await peer();
    const a = kit.alerter({ opsgenie_key: KEY, opsgenie_addr: `${p.url}/v2/alerts` });
    p.replies.push({
      status: 422,
      body: `{"message":"Request body is not processable for GenieKey ${KEY}","errors":{"message":"too long"}}`,
    });
    const bad = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(bad.retryable).toBe(false);
    expect(bad.message).not.toContain(KEY);
    p.replies.push({ status: 429, body: '{"message":"Rate limit"}' });
    expect((await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).retryable).toBe(true);
  });

  it('refuses at load: a fixed priority outside P1-P5, a bad template, a bad detail', () => {
    expect(() => kit.alerter({ opsgenie_key: KEY, opsgenie_priority: 'urgent' })).toThrow(
      'opsgenie_priority: must be one of P1, P2, P3, P4, P5',
    );
    expect(() => kit.alerter({ opsgenie_key: KEY, opsgenie_message: 'a {b' })).toThrow('opsgenie_message: cannot be formatted');
    expect(() => kit.alerter({ opsgenie_key: KEY, opsgenie_details: { x: 3 } })).toThrow(
      'opsgenie_details.x: must be text or {field: <document field>}',
    );
  });
});
