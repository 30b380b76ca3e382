/**
 * A Telegram Bot API peer for `sendMessage` on 127.0.0.1 (port 0): checks the token in the path,
 * the chat, and the text the way Telegram parses it for each parse_mode
 * (https://core.telegram.org/bots/api#formatting-options): unescaped reserved characters or
 * unbalanced entities get Telegram's 400 "can't parse entities". Accepted messages are recorded
 * as the reader will see them: the text once parsed, and the entities (bold, links, ...) made.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Delivered {
  chatId: unknown;
  parseMode: string | undefined;
  /** The text as shown, escapes and markup removed. */
  shown: string;
  /** Entities made by the markup: "bold", "italic", "code", "link", "strike", ... */
  entities: string[];
  raw: Record<string, unknown>;
}

export interface TelegramPeer {
  url: string;
  token: string;
  chatId: string;
  delivered: Delivered[];
  /** Raw bodies of every sendMessage, accepted or not. */
  attempts: Record<string, unknown>[];
  /** The next answers instead of the normal one (status and Bot API JSON). */
  override: { status: number; body: Record<string, unknown> }[];
  close(): Promise<void>;
}

class ParseError extends Error {}

const V2_RESERVED = '_*[]()~`>#+-=|{}.!';
const TOGGLES: Record<string, string> = { '*': 'bold', _: 'italic', '`': 'code', '~': 'strike' };

/** Legacy Markdown and MarkdownV2: the shown text and entities, or ParseError. */
function parseMarkdown(text: string, v2: boolean): { shown: string; entities: string[] } {
  const escapable = v2 ? V2_RESERVED + '\\' : '_*`[';
  const open: string[] = [];
  const entities: string[] = [];
  let shown = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '\\' && i + 1 < text.length && escapable.includes(text[i + 1] as string)) {
      shown += text[++i];
      continue;
    }
    const toggle = v2 || c !== '~' ? TOGGLES[c] : undefined;
    if (toggle) {
      if (open.at(-1) === c) {
        open.pop();
        entities.push(toggle);
      } else open.push(c);
      continue;
    }
    if (c === '[') {
      const link = /^\[([^\]]*)\]\(([^)]*)\)/.exec(text.slice(i));
      if (!link) throw new ParseError(`Can't find end of the entity starting at byte offset ${i}`);
      shown += link[1];
      entities.push('link');
      i += link[0].length - 1;
      continue;
    }
    if (v2 && V2_RESERVED.includes(c)) throw new ParseError(`Character '${c}' is reserved and must be escaped with the preceding '\\'`);
    shown += c;
  }
  if (open.length > 0) throw new ParseError(`Can't find end of the entity starting at byte offset ${text.length}`);
  return { shown, entities };
}

const HTML_TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'code',
  'pre',
  'a',
  'tg-spoiler',
  'blockquote',
  'span',
]);
const ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

function parseHtml(text: string): { shown: string; entities: string[] } {
  const entities: string[] = [];
  let shown = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (c === '<') {
      const tag = /^<\/?([a-z-]+)(?:\s[^<>]*)?>/.exec(text.slice(i));
      if (!tag || !HTML_TAGS.has(tag[1] ?? '')) throw new ParseError(`Unsupported start tag at byte offset ${i}`);
      if (!tag[0].startsWith('</')) entities.push(tag[1] ?? '');
      i += tag[0].length - 1;
    } else if (c === '&') {
      const entity = /^&(lt|gt|amp|quot|#\d+);/.exec(text.slice(i));
      if (!entity) throw new ParseError(`Unsupported entity at byte offset ${i}`);
      shown += ENTITIES[entity[1] ?? ''] ?? String.fromCodePoint(Number((entity[1] ?? '').slice(1)));
      i += entity[0].length - 1;
    } else if (c === '>') {
      throw new ParseError(`Unexpected end tag at byte offset ${i}`);
    } else shown += c;
  }
  return { shown, entities };
}

export async function startTelegramPeer(): Promise<TelegramPeer> {
  const peer: TelegramPeer = {
    url: '',
    token: '123456:AAH-tElEgRaMtOkEn_sEcReT',
    chatId: '-1001234567890',
    delivered: [],
    attempts: [],
    override: [],
    close: async () => undefined,
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const answer = (status: number, body: Record<string, unknown>): void => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const fail = (status: number, description: string): void => answer(status, { ok: false, error_code: status, description });
      const path = /^\/bot([^/]+)\/sendMessage$/.exec(req.url ?? '');
      if (!path) return fail(404, 'Not Found');
      if (path[1] !== peer.token) return fail(401, 'Unauthorized');
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
      } catch {
        return fail(400, 'Bad Request: message text is empty');
      }
      peer.attempts.push(body);
      const forced = peer.override.shift();
      if (forced) return answer(forced.status, forced.body);
      if (String(body['chat_id']) !== peer.chatId) return fail(400, 'Bad Request: chat not found');
      const text = body['text'];
      if (typeof text !== 'string' || text.trim() === '') return fail(400, 'Bad Request: message text is empty');
      const mode = body['parse_mode'] as string | undefined;
      let parsed: { shown: string; entities: string[] };
      try {
        parsed =
          mode === 'HTML'
            ? parseHtml(text)
            : mode === 'Markdown'
              ? parseMarkdown(text, false)
              : mode === 'MarkdownV2'
                ? parseMarkdown(text, true)
                : { shown: text, entities: [] };
      } catch (error) {
        return fail(400, `Bad Request: can't parse entities: ${(error as Error).message}`);
      }
      if (parsed.shown.length > 4096) return fail(400, 'Bad Request: message is too long');
      peer.delivered.push({ chatId: body['chat_id'], parseMode: mode, shown: parsed.shown, entities: parsed.entities, raw: body });
      answer(200, { ok: true, result: { message_id: peer.delivered.length, chat: { id: Number(peer.chatId) }, text: parsed.shown } });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}
