/** The telegram alerter against a Bot API peer that parses messages as Telegram does. */
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { createTelegramAlerter } from '../../alerters/telegram/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { alertOf, httpRule, MATCH, refOf } from '../unit/alerters/http-fixtures.ts';
import { thrown } from './http-peer.ts';
import { alertWith } from './kit-support.ts';
import { startTelegramPeer, type TelegramPeer } from './telegram-peer.ts';
import { ManualClock } from '../../src/schedule/clock.ts';

let peer: TelegramPeer;
const alerters: Alerter[] = [];
beforeEach(async () => {
  peer = await startTelegramPeer();
});
afterEach(async () => {
  await Promise.all(alerters.splice(0).map((a) => a.close?.()));
  await peer.close();
});

function alerter(options: Record<string, unknown> = {}): Alerter {
  const rule = httpRule('telegram', {
    telegram_bot_token: peer.token,
    telegram_room_id: peer.chatId,
    telegram_api_url: peer.url,
    ...options,
  });
  const a = createTelegramAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(0) });
  alerters.push(a);
  return a;
}

const NASTY = '*bold* _it_ `code` [link](https://evil.example) <b>x</b> &amp; ~s~ a.b-c!';

describe('telegram against a Bot API peer', () => {
  it("sends ElastAlert2's message: bold title between warning signs, Markdown, no link previews", async () => {
    await alerter().send(alertOf(MATCH));
    expect(peer.delivered).toHaveLength(1);
    const [d] = peer.delivered;
    expect(d?.raw).toEqual({
      chat_id: peer.chatId,
      disable_web_page_preview: true,
      text: '⚠ *SSH brute force* ⚠ \nSSH brute force\n\nuser: bob\n ',
      parse_mode: 'Markdown',
    });
    expect(d?.entities).toEqual(['bold']);
  });

  it.each(['markdown', 'markdownV2', 'html'] as const)(
    '%s: a document value is shown exactly as written and makes no entity',
    async (mode) => {
      await alerter({ telegram_parse_mode: mode }).send(alertWith(NASTY));
      expect(peer.attempts).toHaveLength(1);
      const [d] = peer.delivered;
      expect(d?.shown).toContain(`user: ${NASTY}\n`);
      // Only the title's bold (not in html, and not in legacy Markdown when the title holds an escape).
      expect(d?.entities).toEqual(mode === 'markdownV2' ? ['bold'] : []);
    },
  );

  it('a rule text Telegram cannot parse is sent again as plain text, not lost', async () => {
    const text = 'Unbalanced *bold from the rule author\n';
    await alerter({ telegram_parse_mode: 'markdown' }).send(alertOf(MATCH, { text, render: () => ({ subject: 'S', text }) }));
    expect(peer.attempts).toHaveLength(2);
    expect(peer.attempts[1]?.['parse_mode']).toBeUndefined();
    expect(peer.delivered[0]?.shown).toContain('Unbalanced *bold from the rule author');
  });

  it('a 1 MB value is cut to 4,096 characters with a visible mark that Telegram accepts', async () => {
    for (const mode of ['markdown', 'markdownV2', 'html'] as const) {
      await alerter({ telegram_parse_mode: mode }).send(alertWith(`_${'x'.repeat(1024 * 1024)}`));
    }
    expect(peer.delivered).toHaveLength(3);
    for (const d of peer.delivered) {
      expect(d.shown.length).toBeLessThanOrEqual(4096);
      expect(d.shown).toMatch(/\n\[… truncated: \d+ more characters not shown\] ?$/);
    }
  });

  it('429 waits parameters.retry_after; chat not found and a bad token are permanent; the token never shows', async () => {
    peer.override.push({
      status: 429,
      body: { ok: false, error_code: 429, description: 'Too Many Requests: retry after 17', parameters: { retry_after: 17 } },
    });
    const limited = await thrown(() => alerter().send(alertOf(MATCH)));
    expect(limited.retryable).toBe(true);
    expect(limited.retryAfterMs).toBe(17_000);
    const lost = await thrown(() => alerter({ telegram_room_id: '42' }).send(alertOf(MATCH)));
    expect(lost.retryable).toBe(false);
    expect(lost.message).toBe('telegram: sendMessage failed: HTTP 400: Bad Request: chat not found');
    peer.override.push({ status: 502, body: { ok: false, error_code: 502, description: `Bad Gateway for bot${peer.token}` } });
    const upstream = await thrown(() => alerter().send(alertOf(MATCH)));
    expect(upstream.retryable).toBe(true);
    expect(upstream.message).not.toContain(peer.token);
    const rule = httpRule('telegram', {
      telegram_bot_token: '999:wrong-token-value',
      telegram_room_id: peer.chatId,
      telegram_api_url: peer.url,
    });
    const bad = await thrown(() =>
      createTelegramAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined }).send(alertOf(MATCH)),
    );
    expect(bad.retryable).toBe(false);
    expect(bad.message).toContain('HTTP 401: Unauthorized');
    expect(bad.message).not.toContain('wrong-token-value');
  });

  it('refuses a bad parse mode and a missing chat by option', () => {
    expect(() => alerter({ telegram_parse_mode: 'bbcode' })).toThrow('telegram_parse_mode: ');
    const rule = httpRule('telegram', { telegram_bot_token: peer.token });
    expect(() => createTelegramAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined })).toThrow('telegram_room_id');
  });
});
