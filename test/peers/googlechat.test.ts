/**
 * The googlechat alerter against a real HTTP server that checks what Google Chat's incoming
 * webhooks check: JSON with `text` or `cards`, the key and token in the query, text within 4,096
 * characters and the message within 32,000 bytes; 429 with Retry-After when over the quota.
 */
import { describe, expect, it } from '@jest/globals';
import { createGoogleChatAlerter } from '../../alerters/googlechat/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { TEST_CA_FILE, thrown, type Peer, type Received } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const HOOK = '/v1/spaces/AAAAbcd/messages?key=gOoGlEkEy-0123&token=gOoGlEtOkEn-4567';
const kit = kitHarness('googlechat', createGoogleChatAlerter);
const peer = (tls = false): Promise<Peer> => kit.peer({ status: 200, body: '{"name":"spaces/AAAAbcd/messages/1"}' }, tls);

/** What Google Chat would refuse. */
function chatProblems(req: Received): string[] {
  const problems: string[] = [];
  if (req.method !== 'POST' || !/^application\/json/.test(req.headers['content-type'] ?? '')) problems.push('not a JSON POST');
  if (Buffer.byteLength(req.body) > 32_000) problems.push('message over 32,000 bytes');
  const body = JSON.parse(req.body) as { text?: string; cards?: unknown[] };
  if (body.text === undefined && body.cards === undefined) problems.push('neither text nor cards');
  if (body.text !== undefined && body.text.length > 4096) problems.push(`text ${body.text.length} > 4096`);
  return problems;
}

/** What Google Chat's text syntax acts on: mentions and links in <...>, and paired emphasis. */
const ACTIVE_TEXT = /<(?!\u2060)|([*_~`])(?!\u2060)\S/;

describe('googlechat against a Google Chat webhook peer', () => {
  it("basic: ElastAlert2's {text} to every URL", async () => {
    const p = await peer();
    const other = await peer();
    await kit.alerter({ googlechat_webhook_url: [`${p.url}${HOOK}`, `${other.url}${HOOK}`] }).send(alertOf(MATCH));
    for (const q of [p, other]) {
      expect(q.requests[0]?.path).toBe(HOOK);
      expect(chatProblems(q.requests[0]!)).toEqual([]);
      expect(JSON.parse(q.requests[0]?.body ?? '')).toEqual({ text: 'SSH brute force\n\nuser: bob\n' });
    }
  });

  it("card: ElastAlert2's card with header, paragraph and Kibana button; values entity-escaped", async () => {
    const p = await peer();
    const options = {
      googlechat_webhook_url: `${p.url}${HOOK}`,
      googlechat_format: 'card',
      googlechat_header_title: 'LogWarden',
      googlechat_header_subtitle: 'SOC',
      googlechat_header_image: 'https://example.com/i.png',
      googlechat_footer_kibanalink: 'https://kibana.example/app',
    };
    await kit.alerter(options).send(alertWith('<a href="https://evil.example">x</a> & \u202Eq'));
    expect(chatProblems(p.requests[0]!)).toEqual([]);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({
      cards: [
        {
          header: { title: 'LogWarden', subtitle: 'SOC', imageUrl: 'https://example.com/i.png' },
          sections: [
            { widgets: [{ textParagraph: { text: 'user: &lt;a href=&quot;https://evil.example&quot;&gt;x&lt;/a&gt; &amp; q\n' } }] },
            {
              widgets: [
                { buttons: [{ textButton: { text: 'VISIT KIBANA', onClick: { openLink: { url: 'https://kibana.example/app' } } } }] },
              ],
            },
          ],
        },
      ],
    });
  });

  it('basic: a document value cannot mention, link or format; the value stays readable', async () => {
    const p = await peer();
    const value = '<users/all> <https://evil.example|click> *bold* _i_ ~s~ `c` \r\nx';
    await kit.alerter({ googlechat_webhook_url: `${p.url}${HOOK}` }).send(alertWith(value));
    const { text } = JSON.parse(p.requests[0]?.body ?? '') as { text: string };
    expect(text.replace(/^user: /, '')).not.toMatch(ACTIVE_TEXT);
    expect(text.replace(/\u2060/g, '')).toBe('user: <users/all> <https://evil.example|click> *bold* _i_ ~s~ `c` \nx\n');
  });

  it('a 1 MB value is cut to 4,096 characters (basic) and under 32,000 bytes (card), with a mark', async () => {
    const p = await peer();
    const big = alertWith(`${'é'.repeat(1024 * 1024)}`);
    await kit.alerter({ googlechat_webhook_url: `${p.url}${HOOK}` }).send(big);
    await kit.alerter({ googlechat_webhook_url: `${p.url}${HOOK}`, googlechat_format: 'card' }).send({ ...big, alertId: 'card' });
    for (const req of p.requests) {
      expect(chatProblems(req)).toEqual([]);
      expect(req.body).toMatch(/\[… truncated: \d+ more characters not shown\]/);
    }
  });

  it('429 with Retry-After is retryable after it; 400 and 403 are permanent; the key and token never show', async () => {
    const p = await peer();
    const a = kit.alerter({ googlechat_webhook_url: `${p.url}${HOOK}` });
    p.replies.push({ status: 429, headers: { 'Retry-After': '7' }, body: '{"error":{"code":429,"status":"RESOURCE_EXHAUSTED"}}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })))).toMatchObject({ retryable: true, retryAfterMs: 7000 });
    p.replies.push({ status: 403, body: `{"error":{"message":"token gOoGlEtOkEn-4567 revoked for key gOoGlEkEy-0123"}}` });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toMatch(/gOoGlE/);
  });

  it('verifies TLS with googlechat_ca_certs; refuses an unknown format by option', async () => {
    const p = await peer(true);
    await kit.alerter({ googlechat_webhook_url: `${p.url}${HOOK}`, googlechat_ca_certs: TEST_CA_FILE }).send(alertOf(MATCH));
    expect(p.requests).toHaveLength(1);
    expect(() => kit.alerter({ googlechat_webhook_url: `${p.url}${HOOK}`, googlechat_format: 'html' })).toThrow(
      'ssh.yaml: rule "SSH brute force": googlechat_format: ',
    );
  });
});
