/**
 * What chat services check in an incoming-webhook request, per their documentation, for the
 * peer tests: each function returns what the service would refuse (empty when it would accept).
 */
import type { Received } from './http-peer.ts';

function json(req: Received): Record<string, unknown> | string {
  if (req.method !== 'POST') return `method ${req.method}`;
  if (!/^application\/json/.test(req.headers['content-type'] ?? '')) return 'content-type is not application/json';
  try {
    const body: unknown = JSON.parse(req.body);
    return body !== null && typeof body === 'object' && !Array.isArray(body)
      ? (body as Record<string, unknown>)
      : 'body is not a JSON object';
  } catch {
    return 'body is not JSON';
  }
}

/** Discord "Execute Webhook": content <= 2000, <= 10 embeds, description <= 4096, footer <= 2048, all embed text <= 6000. */
export function discordProblems(req: Received): string[] {
  const body = json(req);
  if (typeof body === 'string') return [body];
  const problems: string[] = [];
  const content = body['content'];
  const embeds = (body['embeds'] as Record<string, unknown>[] | undefined) ?? [];
  if ((typeof content !== 'string' || content === '') && embeds.length === 0) problems.push('Cannot send an empty message');
  if (typeof content === 'string' && content.length > 2000) problems.push(`content: ${content.length} > 2000`);
  if (embeds.length > 10) problems.push('more than 10 embeds');
  let total = 0;
  for (const e of embeds) {
    const d = e['description'];
    if (typeof d === 'string') {
      if (d.length > 4096) problems.push(`description: ${d.length} > 4096`);
      total += d.length;
    }
    const footer = (e['footer'] as { text?: unknown } | undefined)?.text;
    if (typeof footer === 'string') {
      if (footer.length > 2048) problems.push(`footer.text: ${footer.length} > 2048`);
      total += footer.length;
    }
    const color = e['color'];
    if (color !== undefined && (!Number.isInteger(color) || (color as number) < 0 || (color as number) > 0xffffff))
      problems.push('color is not 0..0xFFFFFF');
  }
  if (total > 6000) problems.push(`embeds: ${total} characters > 6000`);
  return problems;
}

/** Mattermost incoming webhook: text or attachments required, message <= 16383 characters, attachment fields well formed. */
export function mattermostProblems(req: Received): string[] {
  const body = json(req);
  if (typeof body === 'string') return [body];
  const problems: string[] = [];
  const text = body['text'];
  const attachments = (body['attachments'] as Record<string, unknown>[] | undefined) ?? [];
  if ((typeof text !== 'string' || text === '') && attachments.length === 0)
    problems.push('Unable to parse incoming data: text or attachments required');
  if (typeof text === 'string' && Array.from(text).length > 16383) problems.push(`text: ${Array.from(text).length} > 16383`);
  for (const a of attachments) {
    for (const key of ['text', 'title', 'fallback', 'pretext']) {
      const v = a[key];
      if (v !== undefined && typeof v !== 'string') problems.push(`attachment ${key} is not text`);
      if (typeof v === 'string' && Array.from(v).length > 16383) problems.push(`attachment ${key}: too long`);
    }
    for (const f of (a['fields'] as Record<string, unknown>[] | undefined) ?? [])
      if (typeof f['title'] !== 'string' && f['title'] !== undefined) problems.push('field title is not text');
  }
  return problems;
}

/** What Mattermost's server acts on in raw text: mentions and Slack-style announcements. */
export function mattermostMentions(text: string): string[] {
  return [...text.matchAll(/<!(?:channel|here|all|everyone)>|(?<![\w\u2060])@(?:channel|here|all|[a-z0-9][\w.-]*)/gi)].map((m) => m[0]);
}

/** Opsgenie Create Alert (v2): GenieKey auth, message 1-130, alias <= 512, description <= 15000, <= 20 tags of <= 50, responders typed. */
export function opsgenieProblems(req: Received, key: string): string[] {
  if (req.headers.authorization !== `GenieKey ${key}`) return ['401 Key format is not valid!'];
  const body = json(req);
  if (typeof body === 'string') return [body];
  const problems: string[] = [];
  const text = (name: string, max: number, required = false): void => {
    const v = body[name];
    if (v === undefined) {
      if (required) problems.push(`${name} is required`);
    } else if (typeof v !== 'string' || (required && v.trim() === '')) problems.push(`${name} must be text`);
    else if (v.length > max) problems.push(`${name}: ${v.length} > ${max}`);
  };
  text('message', 130, true);
  text('alias', 512);
  text('description', 15000);
  text('entity', 512);
  text('source', 100);
  text('user', 100);
  const tags = body['tags'];
  if (tags !== undefined && (!Array.isArray(tags) || tags.length > 20 || tags.some((t) => typeof t !== 'string' || t.length > 50)))
    problems.push('tags: at most 20 of at most 50 characters');
  for (const r of (body['responders'] as Record<string, unknown>[] | undefined) ?? []) {
    if (!(r['type'] === 'user' && typeof r['username'] === 'string') && !(r['type'] === 'team' && typeof r['name'] === 'string'))
      problems.push(`responder ${JSON.stringify(r)} is not a user or team`);
  }
  if (body['priority'] !== undefined && !['P1', 'P2', 'P3', 'P4', 'P5'].includes(String(body['priority'])))
    problems.push('priority must be P1-P5');
  for (const k of Object.keys(body))
    if (
      ![
        'message',
        'alias',
        'description',
        'responders',
        'visibleTo',
        'actions',
        'tags',
        'details',
        'entity',
        'source',
        'priority',
        'user',
        'note',
      ].includes(k)
    )
      problems.push(`unknown field ${k}`);
  return problems;
}

/**
 * A Teams workflow's webhook ("When a Teams webhook request is received"): a message with one
 * Adaptive Card attachment, under Teams' 28 KB message limit. Also what would make text active:
 * a TextBlock (Markdown) or a mention entity.
 */
export function powerAutomateProblems(req: Received): string[] {
  const body = json(req);
  if (typeof body === 'string') return [body];
  const problems: string[] = [];
  if (Buffer.byteLength(req.body) > 28 * 1024) problems.push(`message is ${Buffer.byteLength(req.body)} bytes > 28 KB`);
  if (body['type'] !== 'message') problems.push('type is not "message"');
  const attachments = (body['attachments'] as Record<string, unknown>[] | undefined) ?? [];
  if (attachments.length !== 1 || attachments[0]?.['contentType'] !== 'application/vnd.microsoft.card.adaptive')
    problems.push('not one Adaptive Card attachment');
  const card = (attachments[0]?.['content'] ?? {}) as Record<string, unknown>;
  if (card['type'] !== 'AdaptiveCard' || typeof card['version'] !== 'string')
    problems.push('content is not an AdaptiveCard with a version');
  if (JSON.stringify(card).includes('"TextBlock"')) problems.push('a TextBlock (Markdown) holds text');
  if ((card['msteams'] as { entities?: unknown } | undefined)?.entities !== undefined) problems.push('mention entities were sent');
  return problems;
}

/** Every TextRun text of a card, in order. */
export function cardTexts(body: unknown): string[] {
  const out: string[] = [];
  const walk = (v: unknown): void => {
    if (Array.isArray(v)) v.forEach(walk);
    else if (v !== null && typeof v === 'object') {
      const o = v as Record<string, unknown>;
      if (o['type'] === 'TextRun' && typeof o['text'] === 'string') out.push(o['text']);
      Object.values(o).forEach(walk);
    }
  };
  walk(body);
  return out;
}
