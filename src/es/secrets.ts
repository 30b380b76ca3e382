import type { EsSettings } from '../config/load-config.ts';
import { credentialForms, type Login } from '../escape/index.ts';

/**
 * Every form in which a configured Elasticsearch credential travels (see credentialForms): the
 * password, API key and bearer token, user:password from the settings or from es_url's userinfo,
 * and for an encoded API key (base64 of "id:key") the decoded pair and the key a decoding proxy
 * would print.
 */
export function secretForms(settings: Pick<EsSettings, 'url' | 'username' | 'password' | 'apiKey' | 'bearer'>): string[] {
  const secrets = [settings.password, settings.apiKey, settings.bearer];
  if (settings.apiKey) {
    const decoded = Buffer.from(settings.apiKey, 'base64').toString('utf8');
    const key = /^[\x21-\x7e]+:([\x21-\x7e]+)$/.exec(decoded)?.[1];
    if (key) secrets.push(decoded, key);
  }
  const logins: Login[] = [];
  if (settings.username && settings.password) logins.push({ user: settings.username, password: settings.password });
  const fromUrl = userinfo(settings.url);
  if (fromUrl) logins.push(fromUrl);
  return credentialForms(secrets, logins);
}

/** The user and password written into a URL ("https://elastic:pw@host"), as written (percent-encoded). */
function userinfo(url: string): Login | undefined {
  try {
    const u = new URL(url);
    return u.password ? { user: u.username, password: u.password } : undefined;
  } catch {
    return undefined;
  }
}
