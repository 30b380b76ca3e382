/**
 * ElastAlert2's HTTP POST (`post`) and HTTP POST 2 (`post2`) alerters: the match as JSON to one or
 * more URLs (webhooks of n8n, SOAR tools, Squadcast, ...).
 *
 * Body, as ElastAlert2 builds it (no fields added):
 * - post: the whole match when `http_post_all_values` (default: true unless `http_post_payload`
 *   is set), then `http_post_static_payload`, then `http_post_payload` (output key -> field path;
 *   a missing field is null).
 * - post2: the whole match when `http_post2_all_values` (same default), then the rendered
 *   `http_post2_payload` template (see template.ts), then `http_post2_raw_fields` (key -> field
 *   path, the value as it is in the document).
 * Headers: Content-Type application/json, Accept application/json;charset=utf-8, User-Agent, then
 * the rule's headers (post2: rendered from the match; a value with a line break is refused).
 *
 * With several URLs, each gets the alert; when some fail, a retry of the same alert goes only to
 * those that have not accepted it yet (remembered in memory for up to 1000 alerts).
 */
import type { RuleDefinition } from '../../src/rules/types.ts';
import { isPlainObject, lookupField, pyStr } from '../../src/pycompat/index.ts';
import { HttpClient, headersOption, httpUrls, setOwn, timeoutOption, proxyOption, tlsOptions, type TlsSettings } from '../http.ts';
import { AlerterError, alerterOptions, optionError, type Alerter, type AlerterFactory, type AlertPayload } from '../types.ts';
import { Fanout } from '../kit/webhook.ts';
import { compileTemplate, renderTemplate, TemplateError } from './template.ts';

type Match = Readonly<Record<string, unknown>>;

/** A post / post2 alerter's options, checked and compiled once at load. */
export interface CompiledPost {
  readonly type: 'post' | 'post2';
  readonly urls: readonly URL[];
  readonly timeoutMs: number;
  readonly tls: TlsSettings;
  /** Header values of the rule (often an API key), removed from quoted error bodies. */
  readonly secrets: readonly string[];
  /** The JSON body for a match, as an object tree (JSON.stringify'd when sent). */
  body(match: Match): Record<string, unknown>;
  headers(match: Match): Record<string, string>;
}

const BASE_HEADERS: Readonly<Record<string, string>> = { 'Content-Type': 'application/json', Accept: 'application/json;charset=utf-8' };

function mappingOption(rule: RuleDefinition, opts: Match, option: string): Record<string, unknown> {
  const value = opts[option];
  if (value === undefined || value === null) return {};
  if (!isPlainObject(value)) throw optionError(rule, option, 'must be a mapping');
  return value;
}

/** key -> field path mappings (`http_post_payload`, `http_post2_raw_fields`). */
function fieldMapping(rule: RuleDefinition, opts: Match, option: string): [string, string][] {
  const entries = Object.entries(mappingOption(rule, opts, option));
  for (const [key, field] of entries) {
    if (typeof field !== 'string') throw optionError(rule, option, `${JSON.stringify(key)} must name a document field`);
  }
  return entries as [string, string][];
}

function boolOption(rule: RuleDefinition, opts: Match, option: string, fallback: boolean): boolean {
  const value = opts[option];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'boolean') throw optionError(rule, option, 'must be true or false');
  return value;
}

function copyMatch(match: Match): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(match)) setOwn(out, k, v);
  return out;
}

function compilePostOptions(rule: RuleDefinition, opts: Match): Omit<CompiledPost, 'type'> {
  const urls = httpUrls(rule, 'http_post_url', opts['http_post_url']);
  const payload = fieldMapping(rule, opts, 'http_post_payload');
  const staticPayload = mappingOption(rule, opts, 'http_post_static_payload');
  const allValues = boolOption(rule, opts, 'http_post_all_values', payload.length === 0);
  const headers = { ...BASE_HEADERS, ...headersOption(rule, opts, 'http_post_headers') };
  return {
    urls,
    timeoutMs: timeoutOption(rule, opts, 'http_post_timeout'),
    tls: tlsOptions(rule, opts, 'http_post_ca_certs', 'http_post_ignore_ssl_errors'),
    secrets: Object.values(headersOption(rule, opts, 'http_post_headers')),
    body(match) {
      const out = allValues ? copyMatch(match) : {};
      for (const [k, v] of Object.entries(staticPayload)) setOwn(out, k, v);
      for (const [k, field] of payload) setOwn(out, k, lookupField(match, field) ?? null);
      return out;
    },
    headers: () => ({ ...headers }),
  };
}

function compilePost2Options(rule: RuleDefinition, opts: Match): Omit<CompiledPost, 'type'> {
  const urls = httpUrls(rule, 'http_post2_url', opts['http_post2_url']);
  const template = (option: string) => {
    try {
      return compileTemplate(opts[option]);
    } catch (error) {
      if (error instanceof TemplateError) throw optionError(rule, option, error.message);
      throw error;
    }
  };
  const payload = template('http_post2_payload');
  const headerTemplate = template('http_post2_headers');
  const rawFields = fieldMapping(rule, opts, 'http_post2_raw_fields');
  const allValues = boolOption(rule, opts, 'http_post2_all_values', payload.empty);
  const rootName = typeof opts['jinja_root_name'] === 'string' && opts['jinja_root_name'] !== '' ? opts['jinja_root_name'] : '_data';
  // Literal header values (no placeholder) may be keys: collect them for redaction.
  const literalHeaders = renderTemplate(headerTemplate, {}, rootName);
  const secrets = Object.values(literalHeaders).filter((v): v is string => typeof v === 'string');
  return {
    urls,
    timeoutMs: timeoutOption(rule, opts, 'http_post2_timeout'),
    tls: tlsOptions(rule, opts, 'http_post2_ca_certs', 'http_post2_ignore_ssl_errors'),
    secrets,
    body(match) {
      const out = allValues ? copyMatch(match) : {};
      for (const [k, v] of Object.entries(renderTemplate(payload, match, rootName))) setOwn(out, k, v);
      for (const [k, field] of rawFields) setOwn(out, k, lookupField(match, field) ?? null);
      return out;
    },
    headers(match) {
      const out: Record<string, string> = { ...BASE_HEADERS };
      for (const [name, value] of Object.entries(renderTemplate(headerTemplate, match, rootName))) {
        if (typeof value === 'string') out[name] = value;
        else if (typeof value === 'number' || typeof value === 'boolean') out[name] = pyStr(value);
        // ElastAlert2 refuses these too; the value is not quoted (it may come from the document).
        else throw new AlerterError('post2', `http_post2_headers: header ${JSON.stringify(name)} is not text once rendered`, false);
      }
      return out;
    },
  };
}

/** Checks and compiles a post / post2 alerter's options; throws an option error naming the rule. */
export function compilePost(type: 'post' | 'post2', rule: RuleDefinition, opts: Match): CompiledPost {
  const compiled = type === 'post' ? compilePostOptions(rule, opts) : compilePost2Options(rule, opts);
  return { type, ...compiled };
}

/** ElastAlert2's `post` and `post2` alerters (the entry's type says which). */
export const createPostAlerter: AlerterFactory = (ref, rule, deps): Alerter => {
  if (ref.type !== 'post' && ref.type !== 'post2') throw optionError(rule, 'alert', `the post alerter cannot serve type ${JSON.stringify(ref.type)}`);
  const type = ref.type;
  const opts = alerterOptions(ref, rule);
  const compiled = compilePost(type, rule, opts);
  const client = new HttpClient({
    alerter: type,
    timeoutMs: compiled.timeoutMs,
    tls: compiled.tls,
    tlsHint: type === 'post' ? 'http_post_ca_certs / http_post_ignore_ssl_errors' : 'http_post2_ca_certs / http_post2_ignore_ssl_errors',
    proxy: proxyOption(rule, opts, type === 'post' ? 'http_post_proxy' : 'http_post2_proxy'),
    now: deps.now,
  });
  const fanout = new Fanout(type);

  return {
    type,
    async send(alert: AlertPayload): Promise<void> {
      let body: string;
      let headers: Record<string, string>;
      try {
        body = JSON.stringify(compiled.body(alert.match));
        headers = compiled.headers(alert.match);
      } catch (error) {
        if (error instanceof AlerterError) throw error;
        throw new AlerterError(type, `cannot build the request: ${(error as Error).message}`, false);
      }
      await fanout.send(alert.alertId, compiled.urls.length, async (i) => {
        await client.post(compiled.urls[i] as URL, body, headers, { secrets: compiled.secrets });
      });
    },
    async close(): Promise<void> {
      client.close();
    },
  };
};
