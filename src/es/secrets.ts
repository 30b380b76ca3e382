import type { EsSettings } from '../config/load-config.ts';

/**
 * Every form in which a configured credential travels, so an error body that echoes a request
 * (a proxy printing `auth=Basic ...`, Elasticsearch quoting a URL) can be redacted: the value as
 * written, URL-encoded and decoded (`user:pass@` in es_url), and the base64 the client sends in
 * the Authorization header (`Basic base64(user:password)`, `ApiKey base64(id:key)`).
 */
export function secretForms(settings: Pick<EsSettings, 'url' | 'username' | 'password' | 'apiKey' | 'bearer'>): string[] {
  const forms = new Set<string>();
  const add = (value: string | undefined): void => {
    if (!value) return;
    forms.add(value);
    forms.add(encodeURIComponent(value));
    const decoded = safeDecode(value);
    if (decoded) forms.add(decoded);
  };
  const basic = (user: string, password: string): void => {
    for (const u of new Set([user, safeDecode(user) ?? user])) {
      for (const p of new Set([password, safeDecode(password) ?? password])) forms.add(Buffer.from(`${u}:${p}`).toString('base64'));
    }
  };
  add(settings.password);
  add(settings.apiKey);
  add(settings.bearer);
  if (settings.apiKey) {
    forms.add(Buffer.from(settings.apiKey).toString('base64'));
    // An encoded API key is base64("id:key"); the key part is the secret a decoding proxy would print.
    const decoded = Buffer.from(settings.apiKey, 'base64').toString('utf8');
    const key = /^[\x21-\x7e]+:([\x21-\x7e]+)$/.exec(decoded)?.[1];
    if (key) {
      add(decoded);
      add(key);
    }
  }
  if (settings.username && settings.password !== undefined && settings.password !== '') basic(settings.username, settings.password);
  const fromUrl = userinfo(settings.url);
  if (fromUrl) {
    add(fromUrl.password);
    basic(fromUrl.username, fromUrl.password);
  }
  // Longest first: a shorter secret inside a longer one must not leave the rest of it behind.
  return [...forms].sort((a, b) => b.length - a.length);
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

/** The user and password written into a URL ("https://elastic:pw@host"), as written (percent-encoded). */
function userinfo(url: string): { username: string; password: string } | undefined {
  try {
    const u = new URL(url);
    return u.password ? { username: u.username, password: u.password } : undefined;
  } catch {
    return undefined;
  }
}
