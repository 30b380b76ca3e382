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
import { checkOptions } from '../kit/options.ts';
import { Fanout } from '../kit/webhook.ts';
import { post2Schema, postSchema } from './schema.ts';
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

function copyMatch(match: Match): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(match)) setOwn(out, k, v);
  return out;
}

interface PostRaw {
  http_post_payload?: Record<string, string>;
  http_post_static_payload?: Record<string, unknown>;
  http_post_all_values?: boolean;
}

interface Post2Raw {
  http_post2_raw_fields?: Record<string, string>;
  http_post2_all_values?: boolean;
}

function compilePostOptions(rule: RuleDefinition, opts: PostRaw & Match): Omit<CompiledPost, 'type'> {
  const urls = httpUrls(rule, 'http_post_url', opts['http_post_url']);
  const payload = Object.entries(opts.http_post_payload ?? {});
  const staticPayload = opts.http_post_static_payload ?? {};
  const allValues = opts.http_post_all_values ?? payload.length === 0;
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

function compilePost2Options(rule: RuleDefinition, opts: Post2Raw & Match, jinjaRootName: unknown): Omit<CompiledPost, 'type'> {
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
  const rawFields = Object.entries(opts.http_post2_raw_fields ?? {});
  const allValues = opts.http_post2_all_values ?? payload.empty;
  const rootName = typeof jinjaRootName === 'string' && jinjaRootName !== '' ? jinjaRootName : '_data';
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

/**
 * Checks a post / post2 alerter's options against its schema (the one lint uses), then compiles
 * them; throws an option error naming the rule.
 */
export function compilePost(type: 'post' | 'post2', rule: RuleDefinition, opts: Match): CompiledPost {
  const fail = (option: string, message: string): Error => optionError(rule, option, message);
  const compiled =
    type === 'post'
      ? compilePostOptions(rule, checkOptions<PostRaw>(postSchema, opts, fail))
      : compilePost2Options(rule, checkOptions<Post2Raw>(post2Schema, opts, fail), opts['jinja_root_name']);
  return { type, ...compiled };
}

/** ElastAlert2's `post` and `post2` alerters (the entry's type says which). */
export const createPostAlerter: AlerterFactory = (ref, rule, deps): Alerter => {
  if (ref.type !== 'post' && ref.type !== 'post2')
    throw optionError(rule, 'alert', `the post alerter cannot serve type ${JSON.stringify(ref.type)}`);
  const type = ref.type;
  const opts = alerterOptions(ref, rule);
  const compiled = compilePost(type, rule, opts);
  const client = new HttpClient({
    alerter: type,
    timeoutMs: compiled.timeoutMs,
    tls: compiled.tls,
    tlsHint: type === 'post' ? 'http_post_ca_certs / http_post_ignore_ssl_errors' : 'http_post2_ca_certs / http_post2_ignore_ssl_errors',
    proxy: proxyOption(rule, opts, type === 'post' ? 'http_post_proxy' : 'http_post2_proxy'),
    clock: deps.clock,
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
