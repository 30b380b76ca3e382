/**
 * The hostile corpus (test/support/hostile.ts) through EVERY alerter, end to end: a rule whose
 * alert_subject / alert_text take args from the match and whose own text carries deliberate
 * markup (`<!here>` for Slack, `<b>` for HTML mail), an alert recorded as the engine records it
 * (each hostile value in a match field, in the query_key, in the rule type's match string, and as
 * a field NAME), the payload built by the engine's own `payloadFor`, the real alerter, and its
 * real protocol peer started here (Slack Web API and webhooks, SMTP, HTTP, moto for AWS, STOMP). The assertions are on
 * what the peer RECEIVED.
 *
 * One row per alerter, each with the reason it is there. Each value is sent as its own alert, so
 * that a size limit hit by one value (the 100 kB one) cannot hide another, and every problem is
 * reported as "<value name>: <what is wrong>" under the alerter's test: a failure names both.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import dgram from 'node:dgram';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { AVAILABLE_ALERTERS, createAlerters } from '../../alerters/index.ts';
import { AlerterError, type Alerter, type AlerterDeps, type AlertPayload } from '../../alerters/types.ts';
import { capBytes, capText, displayText, keyWithin } from '../../src/alert/display.ts';
import { kibanaDiscoverUrl } from '../../src/alert/kibana.ts';
import { buildAlertText } from '../../src/alert/text.ts';
import { payloadFor } from '../../src/deliver/payload.ts';
import type { RuleDefinition } from '../../src/rules/types.ts';
import type { AlertRecord } from '../../src/store/alert-log.ts';
import { HOSTILE_VALUES, htmlActiveMarkup, slackActiveMarkup, type HostileValue } from '../support/hostile.ts';
import { FakeClock, T0 } from '../unit/alerters/slack-fixtures.ts';
import { decodeWords, header, leaves, parseMime, partOfType, startSmtp, type TestSmtp } from './email-support.ts';
import { alertmanagerProblems } from './alertmanager-peer.ts';
import {
  cardTexts,
  discordProblems,
  mattermostMentions,
  mattermostProblems,
  opsgenieProblems,
  powerAutomateProblems,
} from './chat-peers.ts';
import { startPeer, type Peer } from './http-peer.ts';
import { awsRows, closeAwsPeers } from './hostile-aws-rows.ts';
import { kitRows } from './hostile-kit-rows.ts';
import { startTelegramPeer } from './telegram-peer.ts';
import { startZabbixServer } from './zabbix-peer.ts';
import { SlackPeer } from './slack-peer.ts';
import { ManualClock } from '../../src/schedule/clock.ts';

// ---------------------------------------------------------------------------------------------
// The rule and the recorded alert.

/** The rule author's text: deliberate markup that must survive, document values in {0} / {1}. */
const SLACK_TEXT = '<!here> Root login by {0} on {1}';
const HTML_TEXT = '<b>Root login</b> by {0} on {1}';
const PLAIN_TEXT = 'Root login by {0} on {1}';
const SUBJECT_PREFIX = 'Root login by ';

/** The field name used for the 100 kB value instead of the value itself (a 100 kB key says nothing more). */
const BIG_VALUE_KEY = '<!channel>"><b>k</b>\r\nBcc: k@example.com';

const BENIGN: HostileValue = { name: 'benign', value: 'bob', why: 'baseline' };

function ruleFor(type: string, options: Record<string, unknown>, alertText = PLAIN_TEXT): RuleDefinition {
  return {
    name: 'Root login',
    file: 'root-login.yaml',
    type: 'new_term',
    index: 'logs-*',
    useStrftimeIndex: false,
    filter: [{ term: { 'event.action': 'login' } }],
    timestampField: '@timestamp',
    timestampType: 'iso',
    queryKey: ['user.name'],
    runEveryMs: 60_000,
    bufferTimeMs: 900_000,
    queryDelayMs: 0,
    realertMs: 0,
    exponentialRealertMs: undefined,
    maxQuerySize: 10_000,
    isEnabled: true,
    alert: [{ type, options: {} }],
    // An option given as undefined is left out (a row that drops one of the defaults).
    options: Object.freeze(
      Object.fromEntries(
        Object.entries({
          alert_subject: 'Root login by {0}',
          alert_subject_args: ['user.name'],
          alert_text: alertText,
          alert_text_args: ['user.name', 'host'],
          severity: 'high',
          generate_kibana_discover_url: true,
          kibana_discover_app_url: 'https://kibana.example/app/discover#/',
          kibana_discover_version: '8.12',
          kibana_discover_index_pattern_id: 'logs-pattern',
          ...options,
        }).filter(([, value]) => value !== undefined),
      ),
    ),
  };
}

/** The field name that carries a hostile NAME in the alert for `hv`. */
function hostileKey(hv: HostileValue): string {
  return hv.name === 'big' ? BIG_VALUE_KEY : hv.value;
}

function matchFor(hv: HostileValue): Record<string, unknown> {
  const match: Record<string, unknown> = {
    '@timestamp': '2024-05-01T12:00:00Z',
    user: { name: hv.value },
    source: { ip: '192.0.2.10' },
    host: 'web-1',
  };
  // An own property even for "__proto__", as JSON.parse gives it for a document.
  Object.defineProperty(match, hostileKey(hv), { value: 'probe', enumerable: true, writable: true, configurable: true });
  return match;
}

let nextAlert = 0;

/** The alert as src/run/deliver.ts records it (new_term's match string carries the value too). */
function recordFor(rule: RuleDefinition, hv: HostileValue): AlertRecord {
  const match = matchFor(hv);
  const matchString = `New value of user.name: ${hv.value} (not seen in the 30 days before)`;
  const text = buildAlertText(rule, match, matchString);
  const kibana = kibanaDiscoverUrl(rule, match, T0, {});
  return {
    id: `hostile-${++nextAlert}`,
    ruleName: rule.name,
    queryKey: hv.value,
    matchBody: match,
    alertInfo: {
      type: rule.type,
      file: rule.file,
      alerters: rule.alert.map((a) => a.type),
      match_string: matchString,
      ...(kibana ? { kibana_discover_url: kibana } : {}),
    },
    alertText: text.body,
    alertSubject: text.subject,
    matchTimeMs: T0,
    alertTimeMs: T0,
    alertSent: false,
  };
}

function alerterOf(rule: RuleDefinition, deps: AlerterDeps): Alerter {
  // Through the registry, as the engine builds them (post2 is served by the post alerter).
  const [alerter] = createAlerters(rule, deps);
  if (!alerter) throw new Error('no alerter');
  return alerter;
}

function memoryLog(level = 'info'): { log: AlerterDeps['log']; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString('utf8'));
      callback();
    },
  });
  return { log: pino({ level }, stream), lines };
}

// ---------------------------------------------------------------------------------------------
// Checks shared by the rows. Each returns problems as text; an empty list means all is well.

function show(text: string): string {
  return JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text);
}

/** `got` must be exactly `want`, as a string. */
function exact(where: string, got: unknown, want: string): string[] {
  if (typeof got !== 'string') return [`${where}: expected a string, got ${got === null ? 'null' : typeof got}`];
  if (got === want) return [];
  let i = 0;
  while (i < got.length && got[i] === want[i]) i++;
  return [
    `${where}: not byte-exact (length ${got.length}, expected ${want.length}; first difference at ${i}: ${show(got.slice(i))} instead of ${show(want.slice(i))})`,
  ];
}

/** An own property of an object (never one inherited through a prototype). */
function own(value: unknown, ...path: string[]): unknown {
  let current = value;
  for (const key of path) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, key)) return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

function parseJson(body: string): { ok: true; value: Record<string, unknown> } | { ok: false; problem: string } {
  try {
    const value: unknown = JSON.parse(body);
    if (value === null || typeof value !== 'object' || Array.isArray(value))
      return { ok: false, problem: 'the body is JSON but not an object' };
    return { ok: true, value: value as Record<string, unknown> };
  } catch (error) {
    return { ok: false, problem: `the body is not JSON: ${(error as Error).message}` };
  }
}

/** A template expression in a value is printed as written ("{{7*7}}"), never evaluated ("49"). */
function templateLiteral(hv: HostileValue, output: string): string[] {
  if (hv.name !== 'jinja-expr') return [];
  return output.includes('{{7*7}}') ? [] : ['"{{7*7}}" from the document is not in the output as written'];
}

// eslint-disable-next-line no-control-regex
const SHOWN_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

/** Issue #16: what a person reads holds no bidi override or control character (tab and LF aside). */
function invisibleControls(where: string, text: string): string[] {
  const found = SHOWN_CONTROL.exec(text);
  return found ? [`${where}: U+${found[0].charCodeAt(0).toString(16).padStart(4, '0')} reached a person`] : [];
}

function count(text: string, what: string): number {
  return text.split(what).length - 1;
}

// ---------------------------------------------------------------------------------------------
// The harness every row provides.

interface Harness {
  /** Sends the alert for `hv` and returns what is wrong with what the peer received. */
  deliver(hv: HostileValue, payload: AlertPayload): Promise<string[]>;
  rule: RuleDefinition;
  /** Values that must never appear in an error message (tokens, keys, URL paths, passwords). */
  secrets: readonly string[];
  /** Ways to make the peer refuse the next send while echoing secrets back, with the classification expected. */
  failures: readonly { what: string; arrange(): void; retryable: boolean }[];
  close(): Promise<void>;
}

interface Row {
  alerter: string;
  why: string;
  /** The alerter holds a secret (token, key, URL, password) that its errors must never show. */
  secret: boolean;
  start(): Promise<Harness>;
}

/** A harness for an alerter with no secret and no peer that can refuse (stdout, debug, command, gelf). */
function localHarness(rule: RuleDefinition, deliver: Harness['deliver'], close: Harness['close'] = async () => undefined): Harness {
  return { rule, secrets: [], failures: [], deliver, close };
}

// --- stdout -----------------------------------------------------------------------------------

// eslint-disable-next-line no-control-regex
const TERMINAL_CONTROL = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/;
const BIDI = /[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/;

async function stdoutHarness(): Promise<Harness> {
  const out: string[] = [];
  const rule = ruleFor('stdout', {});
  const alerter = alerterOf(rule, { log: memoryLog().log, out: (text) => out.push(text) });
  return localHarness(rule, async (hv, payload) => {
    const before = out.length;
    await alerter.send(payload);
    const written = out.slice(before);
    if (written.length !== 1) return [`expected one block on stdout, got ${written.length}`];
    const text = written[0] ?? '';
    const problems: string[] = [];
    const control = TERMINAL_CONTROL.exec(text);
    if (text.includes('\u001b')) problems.push('an ESC character reached the terminal');
    if (control) problems.push(`control character U+${control[0].charCodeAt(0).toString(16).padStart(4, '0')} reached the terminal`);
    const bidi = BIDI.exec(text);
    if (bidi) problems.push(`bidirectional control U+${bidi[0].charCodeAt(0).toString(16)} reached the terminal`);
    if (!text.includes(`${SUBJECT_PREFIX}`)) problems.push('the subject is missing');
    return [...problems, ...templateLiteral(hv, text)];
  });
}

// --- debug ------------------------------------------------------------------------------------

async function debugHarness(): Promise<Harness> {
  const { log, lines } = memoryLog();
  const rule = ruleFor('debug', {});
  const alerter = alerterOf(rule, { log, out: () => undefined });
  return localHarness(rule, async (_hv, payload) => {
    const before = lines.length;
    await alerter.send(payload);
    const written = lines.slice(before);
    if (written.length !== 1) return [`expected one log line, got ${written.length}`];
    const line = written[0] ?? '';
    if (!line.endsWith('\n') || line.slice(0, -1).includes('\n')) return ['the log entry is not exactly one line'];
    const parsed = parseJson(line);
    if (!parsed.ok) return [`log line: ${parsed.problem}`];
    const problems: string[] = [];
    // pino writes short top-level strings without JSON.stringify: a lone surrogate, which UTF-8
    // cannot carry, arrives as U+FFFD. Nested values (the match) are escaped and arrive exactly.
    problems.push(...exact('subject', own(parsed.value, 'subject'), payload.subject.toWellFormed()));
    if (JSON.stringify(own(parsed.value, 'match')) !== JSON.stringify(payload.match))
      problems.push('match: not the recorded match, byte for byte');
    problems.push(...exact('alert_id', own(parsed.value, 'alert_id'), payload.alertId));
    return problems;
  });
}

// --- command ----------------------------------------------------------------------------------

async function commandHarness(): Promise<Harness> {
  const dir = mkdtempSync(path.join(tmpdir(), 'logwarden-hostile-command-'));
  const recorder = path.join(dir, 'record.cjs');
  const out = path.join(dir, 'out.json');
  writeFileSync(
    recorder,
    "let i = ''; process.stdin.on('data', (c) => (i += c)); process.stdin.on('end', () => require('fs').writeFileSync(process.argv[2], JSON.stringify({ argv: process.argv.slice(3), stdin: i })));",
  );
  const rule = ruleFor('command', { command: [process.execPath, recorder, out, '--user=%(user.name)s', '{host}'], pipe_match_json: true });
  const alerter = alerterOf(rule, { log: memoryLog().log, out: () => undefined });
  return localHarness(
    rule,
    async (hv, payload) => {
      rmSync(out, { force: true });
      await alerter.send(payload);
      const got = JSON.parse(readFileSync(out, 'utf8')) as { argv: string[]; stdin: string };
      // The only changes: NUL, which no argument can carry, is dropped; a lone surrogate, which UTF-8 cannot carry, is U+FFFD.
      const problems = [
        ...exact('argv[1] (%(user.name)s)', got.argv[0], `--user=${hv.value.replace(/\u0000/g, '').toWellFormed()}`),
        ...exact('argv[2] ({host})', got.argv[1], 'web-1'),
      ];
      if (got.argv.length !== 2) problems.push(`${got.argv.length} arguments instead of 2`);
      const parsed: unknown = JSON.parse(got.stdin);
      if (JSON.stringify(parsed) !== JSON.stringify([payload.match])) problems.push('stdin is not the match list, byte for byte');
      return problems;
    },
    async () => rmSync(dir, { recursive: true, force: true }),
  );
}

// --- gelf -------------------------------------------------------------------------------------

/**
 * A GELF listener's harness: `messages` fills as the listener receives whole messages; every
 * alert must arrive as exactly one, whose short_message carries the value exactly.
 */
function gelfListenerHarness(type: 'tcp' | 'udp', port: number, messages: string[], close: () => Promise<void>): Harness {
  const rule = ruleFor('gelf', { gelf_type: type, gelf_host: '127.0.0.1', gelf_port: port, gelf_payload: { user: 'user.name' } });
  const alerter = alerterOf(rule, { log: memoryLog().log, out: () => undefined });
  return localHarness(
    rule,
    async (hv, payload) => {
      const before = messages.length;
      await alerter.send(payload);
      for (let i = 0; i < 200 && messages.length === before; i++) await new Promise((r) => setTimeout(r, 5));
      const got = messages.slice(before);
      // TCP: NUL ends a message; UDP: a datagram or its chunks. One message, whatever the value holds.
      if (got.length !== 1) return [`expected one GELF message, got ${got.length}`];
      const parsed = parseJson(got[0] ?? '');
      if (!parsed.ok) return [parsed.problem];
      const short = JSON.parse(String(own(parsed.value, 'short_message'))) as Record<string, unknown>;
      return exact('short_message.user', own(short, 'user'), hv.value);
    },
    close,
  );
}

async function gelfHarness(): Promise<Harness> {
  const messages: string[] = [];
  const server = net.createServer((socket) => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (let end = buffer.indexOf(0); end >= 0; end = buffer.indexOf(0)) {
        messages.push(buffer.subarray(0, end).toString('utf8'));
        buffer = buffer.subarray(end + 1);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return gelfListenerHarness(
    'tcp',
    (server.address() as net.AddressInfo).port,
    messages,
    () => new Promise<void>((resolve) => server.close(() => resolve())),
  );
}

/** GELF over UDP (ours): whole datagrams or chunks reassembled by message id, as Graylog does. */
async function gelfUdpHarness(): Promise<Harness> {
  const messages: string[] = [];
  const chunks = new Map<string, Buffer[]>();
  const socket = dgram.createSocket('udp4');
  socket.on('message', (d: Buffer) => {
    if (d[0] !== 0x1e || d[1] !== 0x0f) {
      messages.push(d.toString('utf8'));
      return;
    }
    const id = d.subarray(2, 10).toString('hex');
    const parts = chunks.get(id) ?? [];
    parts[d[10] ?? 0] = d.subarray(12);
    chunks.set(id, parts);
    if (parts.filter(Boolean).length === d[11]) messages.push(Buffer.concat(parts).toString('utf8'));
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return gelfListenerHarness('udp', socket.address().port, messages, () => new Promise<void>((resolve) => socket.close(() => resolve())));
}

/** GELF over HTTP: one JSON POST; a header value (gelf_http_headers) is the secret. */
async function gelfHttpHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 202, body: '' } });
  const rule = ruleFor('gelf', {
    gelf_type: 'http',
    gelf_endpoint: `${peer.url}/gelf`,
    gelf_http_headers: { 'X-Api-Key': API_KEY },
    gelf_payload: { user: 'user.name' },
  });
  return jsonHarness(peer, rule, [API_KEY], (hv, _payload, body) => {
    const short = parseJson(String(own(body, 'short_message')));
    if (!short.ok) return [`short_message: ${short.problem}`];
    return exact('short_message.user', own(short.value, 'user'), hv.value);
  });
}

// --- zabbix -----------------------------------------------------------------------------------

async function zabbixHarness(): Promise<Harness> {
  const server = await startZabbixServer();
  const hosts = (): string[] => server.requests.flatMap((r) => r.data.map((d) => String(d['host'])));
  const rule = ruleFor('zabbix', {
    zbx_sender_host: '127.0.0.1',
    zbx_sender_port: server.port,
    zbx_host_from_field: true,
    zbx_host: 'user.name',
    zbx_key: 'logwarden.alert',
  });
  const alerter = alerterOf(rule, { log: memoryLog().log, out: () => undefined });
  return localHarness(
    rule,
    async (hv, payload) => {
      const before = hosts().length;
      try {
        await alerter.send(payload);
      } catch (error) {
        // An empty host cannot name a Zabbix host: refused for good, as documented.
        if (hv.value === '' && error instanceof AlerterError && !error.retryable) return [];
        throw error;
      }
      const got = hosts().slice(before);
      return got.length === 1 ? exact('host', got[0], displayText(hv.value)) : [`expected one value, got ${got.length}`];
    },
    () => server.close(),
  );
}

// --- Slack ------------------------------------------------------------------------------------

/** Keys whose string values Slack renders as text (mrkdwn or plain); URLs, colours, ids are not text. */
const SLACK_TEXT_KEYS = new Set(['text', 'fallback', 'title', 'pretext', 'value', 'footer', 'author_name']);
/** Our own date token in the context line ("<!date^…|ISO>"), part of the template. */
const SLACK_DATE_TOKEN = /<!date\^\d+\^\{date_num\} \{time_secs\}\|[0-9T:.Z-]+>/g;

function slackTexts(value: unknown, key: string | undefined, out: string[]): string[] {
  if (typeof value === 'string') {
    if (key !== undefined && SLACK_TEXT_KEYS.has(key)) out.push(value);
  } else if (Array.isArray(value)) {
    for (const item of value) slackTexts(item, key, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) slackTexts(v, k, out);
  }
  return out;
}

/** What Slack received must show document values as text: nothing active but the author's <!here>. */
function slackProblems(hv: HostileValue, body: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const texts = slackTexts(body, undefined, []);
  const here = count(texts.join('\n'), '<!here>');
  if (here !== 1) problems.push(`the author's <!here> should be there exactly once, found ${here}`);
  if (!texts.some((t) => t.startsWith(`<!here> ${SUBJECT_PREFIX}`)))
    problems.push("the author's text (<!here> Root login by …) is not intact");
  const inert = texts.map((t) => t.split('<!here>').join('').replace(SLACK_DATE_TOKEN, ''));
  for (const text of inert) for (const found of slackActiveMarkup(text)) problems.push(`active Slack markup at ${found}`);
  if (/[<>&]/.test(hv.value) && inert.some((t) => t.includes(hv.value))) problems.push('the value reached Slack unescaped');
  if (body.parse !== 'none') problems.push(`parse is ${JSON.stringify(body.parse)}, not "none"`);
  for (const text of texts) problems.push(...invisibleControls('Slack text', text));
  return [...problems, ...templateLiteral(hv, texts.join('\n'))];
}

async function slackHarness(transport: 'webapi' | 'webhook'): Promise<Harness> {
  const clock = new FakeClock();
  const peer = await SlackPeer.start({ now: () => clock.now() - T0 });
  const hookPath = '/services/T0000/B0000/hOoKsEcReTpArT';
  const options: Record<string, unknown> =
    transport === 'webapi'
      ? { slack_token: peer.token, slack_channel_override: '#soc', slack_api_url: peer.apiUrl }
      : {
          slack_webhook_url: `${peer.url}${hookPath}`,
          slack_attach_kibana_discover_url: true,
          slack_alert_fields: [{ title: 'User', value: 'user.name', short: true }],
        };
  const rule = ruleFor('slack', options, SLACK_TEXT);
  const alerter = alerterOf(rule, { log: memoryLog('debug').log, out: () => undefined, clock: clock, env: {} });
  const fail = (reply: () => { status?: number; body: string | Record<string, unknown> }) => () => {
    // One failing answer, then Slack's normal answers again.
    let used = false;
    peer.reply = () => (used ? undefined : ((used = true), reply()));
  };
  return {
    rule,
    secrets: transport === 'webapi' ? [peer.token, 'sEcReTtOkEn'] : [hookPath, 'hOoKsEcReTpArT', `${peer.url}${hookPath}`],
    failures:
      transport === 'webapi'
        ? [
            {
              what: 'HTTP 500 whose body quotes the token',
              arrange: fail(() => ({ status: 500, body: `upstream failed for Bearer ${peer.token}` })),
              retryable: true,
            },
            {
              what: 'an error code that is the token itself',
              arrange: fail(() => ({ body: { ok: false, error: peer.token } })),
              retryable: false,
            },
          ]
        : [
            {
              what: 'HTTP 500 whose body quotes the webhook path',
              arrange: fail(() => ({ status: 500, body: `<html>POST ${hookPath} failed</html>` })),
              retryable: true,
            },
            {
              what: 'HTTP 404 whose body quotes the webhook URL',
              arrange: fail(() => ({ status: 404, body: `no_service ${peer.url}${hookPath}` })),
              retryable: false,
            },
          ],
    async deliver(hv, payload) {
      const before = peer.requests.length;
      await clock.runUntil(alerter.send(payload));
      const got = peer.requests.slice(before);
      if (got.length !== 1) return [`expected one request to Slack, got ${got.length}`];
      return slackProblems(hv, got[0]?.body ?? {});
    },
    close: () => peer.close(),
  };
}

// --- email ------------------------------------------------------------------------------------

const SMTP_USER = 'logwarden';
const SMTP_PASSWORD = 'SmTp-pA55w0rd-9f8e7d';
const RECIPIENTS = ['soc@example.com', 'ir@example.com', 'audit@example.com'];

/** Tags our own HTML template writes (and the author's <b>); anything else in the HTML part is suspect. */
const TEMPLATE_TAG =
  /<!DOCTYPE html>|<meta charset="utf-8">|<\/?(?:html|head|title|body|table|tr|th|td|div|pre|b)(?: style="[^"<>]*")?>|<a href="[^"<>]*">|<\/a>/g;
// eslint-disable-next-line no-control-regex
const HEADER_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;

interface MailShape {
  headerNames: string[];
  to: string | undefined;
  cc: string | undefined;
  replyTo: string | undefined;
  from: string | undefined;
  parts: number;
}

function mailShape(raw: string): MailShape {
  const msg = parseMime(raw);
  return {
    headerNames: msg.headerLines.map((l) => l.slice(0, l.indexOf(':')).trim().toLowerCase()),
    to: header(msg, 'to'),
    cc: header(msg, 'cc'),
    replyTo: header(msg, 'reply-to'),
    from: header(msg, 'from'),
    parts: leaves(msg).length,
  };
}

function emailProblems(hv: HostileValue, received: TestSmtp['received'][number], baseline: MailShape, format: 'text' | 'html'): string[] {
  const problems: string[] = [];
  if ([...received.rcptTo].sort().join(',') !== [...RECIPIENTS].sort().join(','))
    problems.push(`SMTP envelope recipients are ${JSON.stringify(received.rcptTo)}, not exactly the configured ones`);
  if (received.mailFrom !== 'alerts@example.com') problems.push(`envelope sender is ${JSON.stringify(received.mailFrom)}`);
  const msg = parseMime(received.raw);
  const shape = mailShape(received.raw);
  if (shape.headerNames.join(',') !== baseline.headerNames.join(','))
    problems.push(`headers differ from a benign alert's: ${JSON.stringify(shape.headerNames)}`);
  for (const name of ['to', 'cc', 'replyTo', 'from', 'parts'] as const) {
    if (shape[name] !== baseline[name]) problems.push(`${name} differs from a benign alert's: ${JSON.stringify(shape[name])}`);
  }
  if (msg.headers.has('bcc')) problems.push('a Bcc header was written');
  const subjects = msg.headers.get('subject') ?? [];
  if (subjects.length !== 1) problems.push(`${subjects.length} Subject headers`);
  const subject = header(msg, 'subject') ?? '';
  if (HEADER_UNSAFE.test(subject)) problems.push(`the subject holds a line break, control or bidi character: ${show(subject)}`);
  // The subject is trimmed: an empty (or all-control) value leaves "Root login by".
  if (!subject.startsWith(SUBJECT_PREFIX.trimEnd())) problems.push(`the subject lost the rule's text: ${show(subject)}`);
  if (decodeWords(subject) !== subject) problems.push('the decoded subject still holds encoded words (decoded twice by a client)');

  const html = partOfType(msg, 'text/html')?.body ?? '';
  const text = (partOfType(msg, 'text/plain')?.body ?? '').replace(/\r\n/g, '\n');
  for (const found of htmlActiveMarkup(html.replace(TEMPLATE_TAG, ''))) problems.push(`active HTML markup at ${found}`);
  for (const m of html.matchAll(/<a href="([^"]*)">/g))
    if (!/^https:\/\/kibana\.example\//.test(m[1] ?? '')) problems.push(`a link to ${show(m[1] ?? '')}`);
  if (/[<>&"']/.test(hv.value) && html.includes(hv.value)) problems.push('the value reached the HTML part unescaped');
  if (format === 'html') {
    if (count(html, '<b>Root login</b> by ') !== 1 || count(html, '<b>') !== 1)
      problems.push("the author's <b> is not intact (exactly once) in the HTML part");
  } else if (!html.includes('&lt;b&gt;Root login&lt;/b&gt; by ')) {
    problems.push("email_format text: the rule's text is not shown as text in the HTML part");
  }
  if (!text.includes('<b>Root login</b> by ')) problems.push("the text/plain part lost the rule's text");
  problems.push(...invisibleControls('text/plain part', text), ...invisibleControls('HTML part', html.replace(/\r\n/g, '\n')));
  return [...problems, ...templateLiteral(hv, text)];
}

async function emailHarness(format: 'text' | 'html', jinja = false): Promise<Harness> {
  let refuseLogin = false;
  const smtp = await startSmtp({
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    onAuth(auth, _session, callback) {
      // A server that quotes what it was sent: the password must still not reach our messages.
      if (refuseLogin) {
        refuseLogin = false;
        callback(new Error(`Invalid login ${auth.username}/${auth.password ?? ''}`));
      } else {
        callback(null, { user: auth.username });
      }
    },
  });
  const options = {
    email: ['soc@example.com'],
    cc: 'ir@example.com',
    bcc: ['audit@example.com'],
    from_addr: 'LogWarden <alerts@example.com>',
    smtp_host: '127.0.0.1',
    smtp_port: smtp.port,
    smtp_starttls: false,
    smtp_timeout: 5,
    email_format: format,
    ...(jinja
      ? {
          alert_text_type: 'alert_text_jinja',
          // Values by name, through the match root and next to a rule setting; the subject is a template too.
          alert_text: '<b>Root login</b> by {{ user.name }} on {{ host }} ({{ _data.user.name }}, rule {{ rule.name }})',
          alert_subject: 'Root login by {{ user.name }}',
          // Without args: args would make them Python format strings again.
          alert_subject_args: undefined,
          alert_text_args: undefined,
        }
      : {}),
  };
  const rule = ruleFor('email', options, HTML_TEXT);
  const alerter = alerterOf(rule, { log: memoryLog().log, out: () => undefined, env: { SMTP_USERNAME: SMTP_USER, SMTP_PASSWORD } });
  await alerter.send(payloadFor(rule, recordFor(rule, BENIGN)));
  const first = smtp.received[0];
  if (!first) throw new Error('the benign baseline mail did not arrive');
  const baseline = mailShape(first.raw);
  return {
    rule,
    secrets: [
      SMTP_PASSWORD,
      Buffer.from(SMTP_PASSWORD).toString('base64'),
      Buffer.from(`\u0000${SMTP_USER}\u0000${SMTP_PASSWORD}`).toString('base64'),
    ],
    failures: [{ what: '535 that quotes the password', arrange: () => (refuseLogin = true), retryable: false }],
    async deliver(hv, payload) {
      const before = smtp.received.length;
      await alerter.send(payload);
      const got = smtp.received.slice(before);
      if (got.length !== 1 || !got[0]) return [`expected one mail, got ${got.length}`];
      return emailProblems(hv, got[0], baseline, format);
    },
    close: () => smtp.close(),
  };
}

// --- HTTP JSON peers --------------------------------------------------------------------------

const URL_TOKEN = 'uRlT0kEn-5ecret-0123';
const API_KEY = 'ApI-kEy-5ecret-4567';
const ROUTING_KEY = 'R0uTiNgKeY5ecret0123456789abcdef';

function echoFailures(peer: Peer, secrets: readonly string[]): Harness['failures'] {
  const echo = `request for ${secrets.join(' and ')} refused`;
  return [
    { what: 'HTTP 503 whose body quotes the secrets', arrange: () => peer.replies.push({ status: 503, body: echo }), retryable: true },
    {
      what: 'HTTP 401 whose body quotes the secrets',
      arrange: () => peer.replies.push({ status: 401, body: `{"error":${JSON.stringify(echo)}}` }),
      retryable: false,
    },
  ];
}

async function jsonHarness(
  peer: Peer,
  rule: RuleDefinition,
  secrets: readonly string[],
  check: (hv: HostileValue, payload: AlertPayload, body: Record<string, unknown>) => string[],
  /** The body is a JSON list of one object (Alertmanager): that object is checked. */
  list = false,
): Promise<Harness> {
  const alerter = alerterOf(rule, { log: memoryLog().log, out: () => undefined, clock: new ManualClock(T0), env: {} });
  return {
    rule,
    secrets,
    failures: echoFailures(peer, secrets),
    async deliver(hv, payload) {
      const before = peer.requests.length;
      await alerter.send(payload);
      const got = peer.requests.slice(before);
      if (got.length !== 1) return [`expected one request, got ${got.length}`];
      const raw = got[0]?.body ?? '';
      const parsed = parseJson(list && raw.startsWith('[') && raw.endsWith(']') ? raw.slice(1, -1) : raw);
      if (!parsed.ok) return [parsed.problem];
      return check(hv, payload, parsed.value);
    },
    async close() {
      await alerter.close?.();
      await peer.close();
    },
  };
}

/** The hostile field NAME arrived as a key, with its value, in `object`. */
function keyArrived(where: string, object: unknown, hv: HostileValue): string[] {
  const key = hostileKey(hv);
  if (object === null || typeof object !== 'object' || !Object.hasOwn(object, key))
    return [`${where}: the field named ${show(key)} is missing`];
  return exact(`${where}[${show(key)}]`, (object as Record<string, unknown>)[key], 'probe');
}

async function postHarness(): Promise<Harness> {
  const peer = await startPeer();
  const rule = ruleFor('post', {
    http_post_url: `${peer.url}/hook/${URL_TOKEN}`,
    http_post_headers: { 'X-Api-Key': API_KEY },
    http_post_payload: { who: 'user.name' },
    http_post_static_payload: { source: 'logwarden' },
    http_post_all_values: true,
  });
  return jsonHarness(peer, rule, [URL_TOKEN, API_KEY], (hv, _payload, body) => [
    ...exact('user.name', own(body, 'user', 'name'), hv.value),
    ...exact('who (http_post_payload)', own(body, 'who'), hv.value),
    ...exact('source (static)', own(body, 'source'), 'logwarden'),
    ...keyArrived('body', body, hv),
  ]);
}

async function post2Harness(): Promise<Harness> {
  const peer = await startPeer();
  const rule = ruleFor('post2', {
    http_post2_url: `${peer.url}/hook/${URL_TOKEN}`,
    http_post2_headers: { 'X-Api-Key': API_KEY },
    // In quotes a value becomes text; outside quotes it stands for the value itself.
    http_post2_payload:
      '{"who": "{{ user.name }}", "raw": {{ user.name }}, "line": "login by {{ _data[\'user\'][\'name\'] }} on {{ host }}"}',
    http_post2_raw_fields: { raw_user: 'user.name' },
    http_post2_all_values: true,
  });
  return jsonHarness(peer, rule, [URL_TOKEN, API_KEY], (hv, _payload, body) => [
    ...exact('who (quoted placeholder)', own(body, 'who'), hv.value),
    ...exact('raw (bare placeholder)', own(body, 'raw'), hv.value),
    ...exact('line (text around placeholders)', own(body, 'line'), `login by ${hv.value} on web-1`),
    ...exact('raw_user (http_post2_raw_fields)', own(body, 'raw_user'), hv.value),
    ...exact('user.name', own(body, 'user', 'name'), hv.value),
    ...keyArrived('body', body, hv),
  ]);
}

const PD_EVENT_ROOM = 512 * 1024 - 4096;

async function pagerdutyHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 202, body: '{"status":"success","message":"Event processed"}' } });
  const rule = ruleFor('pagerduty', {
    pagerduty_service_key: ROUTING_KEY,
    pagerduty_client_name: 'LogWarden',
    pagerduty_api_url: peer.url,
    pagerduty_v2_payload_group: 'user {0}',
    pagerduty_v2_payload_group_args: ['user.name'],
    pagerduty_v2_payload_custom_details: { user: 'user.name' },
  });
  return jsonHarness(peer, rule, [ROUTING_KEY], (hv, payload, body) => {
    const problems: string[] = [];
    const details = own(body, 'payload', 'custom_details');
    problems.push(...exact('payload.group', own(body, 'payload', 'group'), `user ${hv.value}`));
    problems.push(...exact('custom_details.user', own(details, 'user'), hv.value));
    // Documented: summary at most 1,024 characters, dedup_key at most 255 (cut, plus a hash).
    const summary = own(body, 'payload', 'summary');
    if (payload.subject.length <= 1024) problems.push(...exact('payload.summary', summary, payload.subject));
    else if (typeof summary !== 'string' || summary.length > 1024 || summary.length < 1023 || !payload.subject.startsWith(summary))
      problems.push('payload.summary is not the subject cut at 1,024 characters');
    const key = `${rule.name}:${hv.value}`;
    const dedup = own(body, 'dedup_key');
    if (key.length <= 255) problems.push(...exact('dedup_key', dedup, key));
    else if (typeof dedup !== 'string' || dedup.length > 255 || !key.startsWith(dedup.slice(0, 200)))
      problems.push('dedup_key is not the key cut to 255 characters');
    // Documented: an event over 512 KB loses the match data first, then the text is shortened.
    const match = own(details, 'match');
    const info = own(details, 'information');
    if (match !== undefined) {
      if (JSON.stringify(match) !== JSON.stringify(payload.match))
        problems.push('custom_details.match is not the recorded match, byte for byte');
      problems.push(...keyArrived('custom_details.match', match, hv));
      problems.push(...exact('custom_details.information', info, payload.text));
    } else {
      const whole = JSON.stringify({
        ...body,
        payload: {
          ...(body.payload as object),
          custom_details: { ...(details as object), information: payload.text, match: payload.match },
        },
      });
      if (Buffer.byteLength(whole) <= PD_EVENT_ROOM) problems.push('custom_details.match was dropped from an event that fits');
      if (
        typeof info !== 'string' ||
        !(info === payload.text || (info.endsWith('\n[truncated]') && payload.text.startsWith(info.slice(0, -'\n[truncated]'.length))))
      ) {
        problems.push('custom_details.information is neither the text nor its documented cut');
      }
    }
    if (own(body, 'routing_key') !== ROUTING_KEY) problems.push('routing_key is not the configured key');
    return problems;
  });
}

async function hiveHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 201, body: '{"_id":"~1","status":"New"}' } });
  const url = new URL(peer.url);
  const rule = ruleFor('hivealerter', {
    hive_connection: { hive_host: `${url.protocol}//${url.hostname}`, hive_port: Number(url.port), hive_apikey: API_KEY },
    hive_alert_config: {
      type: 'external',
      source: 'logwarden',
      title: 'Root login by {0}',
      title_args: ['user.name'],
      tags: ['user.name', 'ssh'],
      customFields: [{ name: 'login', type: 'string', value: 'user.name' }],
    },
    hive_observable_data_mapping: [{ other: 'user.name', tags: ['login'] }, { ip: 'source.ip' }],
  });
  return jsonHarness(peer, rule, [API_KEY], (hv, payload, body) => {
    const problems = [
      ...exact('title (title_args)', own(body, 'title'), `Root login by ${hv.value}`),
      ...exact('description', own(body, 'description'), payload.text),
      ...exact('customFields.login.string', own(body, 'customFields', 'login', 'string'), hv.value),
      ...exact('tags[0]', (own(body, 'tags') as unknown[] | undefined)?.[0], hv.value),
    ];
    const artifacts = (own(body, 'artifacts') as { dataType?: unknown; data?: unknown }[] | undefined) ?? [];
    const other = artifacts.filter((a) => a.dataType === 'other');
    // An empty value makes no observable (documented: TheHive refuses empty data).
    if (hv.value === '') {
      if (other.length !== 0) problems.push('an observable was made from an empty value');
    } else {
      problems.push(
        ...(other.length === 1 ? exact('observable "other"', other[0]?.data, hv.value) : [`${other.length} "other" observables`]),
      );
    }
    problems.push(...exact('observable "ip"', artifacts.find((a) => a.dataType === 'ip')?.data, '192.0.2.10'));
    return problems;
  });
}

async function alertmanagerHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 200, body: '' } });
  const rule = ruleFor('alertmanager', {
    alertmanager_hosts: [peer.url],
    alertmanager_labels: { user: '{{ user.name }}' },
    alertmanager_fields: { who: 'user.name' },
    alertmanager_basic_auth_login: 'logwarden',
    alertmanager_basic_auth_password: API_KEY,
  });
  return jsonHarness(
    peer,
    rule,
    [API_KEY],
    (hv, payload, body) => {
      const problems = alertmanagerProblems(peer.requests.at(-1) ?? { method: '', path: '', headers: {}, body: '' });
      const shown = displayText(hv.value);
      problems.push(
        ...exact('labels.user (template)', own(body, 'labels', 'user'), shown),
        ...exact('labels.who (alertmanager_fields)', own(body, 'labels', 'who'), shown),
        ...exact('annotations.summary', own(body, 'annotations', 'summary'), displayText(payload.subject)),
        ...exact('annotations.description', own(body, 'annotations', 'description'), capBytes(displayText(payload.text), 64 * 1024)),
      );
      for (const part of ['labels', 'annotations']) {
        for (const [name, value] of Object.entries((own(body, part) as Record<string, string> | undefined) ?? {}))
          problems.push(...invisibleControls(`${part}.${name}`, value));
      }
      return [...problems, ...templateLiteral(hv, String(own(body, 'labels', 'user')))];
    },
    true,
  );
}

// --- Markdown chat media (Discord, Mattermost, Telegram) ----------------------------------------

const TRUNCATION_MARK = /\n\[… truncated: \d+ more characters not shown\]$/;

/** Markdown characters in `text` that are not backslash-escaped (our truncation mark aside). */
function markdownActive(text: string, active: RegExp): string[] {
  const found: string[] = [];
  const plain = text.replace(TRUNCATION_MARK, '');
  for (let i = 0; i < plain.length; i++) {
    if (plain[i] === '\\') {
      i++;
      continue;
    }
    if (active.test(plain[i] ?? ''))
      found.push(`unescaped ${JSON.stringify(plain[i])} at ${i}: ${show(plain.slice(Math.max(0, i - 20), i + 20))}`);
  }
  return found;
}

/** The value, as a reader sees it once backslash escapes are read, must be in the text (unless cut). */
function readable(where: string, text: string, hv: HostileValue, unescape: (t: string) => string): string[] {
  if (hv.name === 'big' || TRUNCATION_MARK.test(text)) return [];
  return unescape(text).includes(displayText(hv.value)) ? [] : [`${where}: the value does not read as written`];
}

const unbackslash = (t: string): string => t.replace(/\\(.)/g, '$1');

async function discordHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 204 } });
  const rule = ruleFor('discord', { discord_webhook_url: `${peer.url}/api/webhooks/1/${URL_TOKEN}`, discord_embed_footer: 'LogWarden' });
  return jsonHarness(peer, rule, [URL_TOKEN], (hv, _payload, body) => {
    const problems = discordProblems(peer.requests.at(-1) ?? { method: '', path: '', headers: {}, body: '' });
    const content = String(own(body, 'content'));
    const description = String((own(body, 'embeds') as Record<string, unknown>[] | undefined)?.[0]?.['description']);
    if (JSON.stringify(own(body, 'allowed_mentions')) !== '{"parse":[]}') problems.push('allowed_mentions does not forbid every mention');
    for (const [where, text] of [
      ['content', content],
      ['description', description],
    ] as const) {
      problems.push(...markdownActive(text, /[`*_[\]()#|~<>]/).map((p) => `${where}: ${p}`), ...invisibleControls(where, text));
    }
    problems.push(...readable('description', description, hv, unbackslash));
    return [...problems, ...templateLiteral(hv, unbackslash(description))];
  });
}

async function mattermostHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 200, body: 'ok' } });
  const rule = ruleFor('mattermost', {
    mattermost_webhook_url: `${peer.url}/hooks/${URL_TOKEN}`,
    mattermost_msg_fields: [{ title: 'User', value: 'user {0}', args: ['user.name'] }],
  });
  const unescape = (t: string): string =>
    unbackslash(t.replace(/@\u2060/g, '@'))
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  return jsonHarness(peer, rule, [URL_TOKEN], (hv, _payload, body) => {
    const problems = mattermostProblems(peer.requests.at(-1) ?? { method: '', path: '', headers: {}, body: '' });
    const attachment = (own(body, 'attachments') as Record<string, unknown>[] | undefined)?.[0] ?? {};
    const field = String((attachment['fields'] as Record<string, unknown>[] | undefined)?.[0]?.['value']);
    const texts: [string, string][] = [
      ['text', String(own(body, 'text'))],
      ['title', String(attachment['title'])],
      ['fallback', String(attachment['fallback'])],
      ['field', field],
    ];
    for (const [where, text] of texts) {
      problems.push(...markdownActive(text, /[`*_[\]()#|~<>]/).map((p) => `${where}: ${p}`), ...invisibleControls(where, text));
      for (const m of mattermostMentions(text)) problems.push(`${where}: mention ${JSON.stringify(m)}`);
    }
    const text = texts[0]?.[1] ?? '';
    problems.push(...readable('text', text, hv, unescape), ...readable('field', field, hv, unescape));
    return [...problems, ...templateLiteral(hv, unescape(text))];
  });
}

async function opsgenieHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 202, body: '{"result":"Request will be processed"}' } });
  const rule = ruleFor('opsgenie', {
    opsgenie_key: API_KEY,
    opsgenie_addr: `${peer.url}/v2/alerts`,
    opsgenie_message: 'Root login by {user[name]}',
    opsgenie_alias: 'root-{user[name]}',
    opsgenie_details: { user: { field: 'user.name' } },
  });
  return jsonHarness(peer, rule, [API_KEY], (hv, payload, body) => {
    const problems = opsgenieProblems(peer.requests.at(-1) ?? { method: '', path: '', headers: {}, body: '' }, API_KEY);
    const shown = displayText(hv.value);
    const message = `Root login by ${shown}`;
    problems.push(...exact('message', own(body, 'message'), message.length <= 130 ? message : `${message.slice(0, 129)}…`));
    problems.push(...exact('alias', own(body, 'alias'), keyWithin(`root-${shown}`, 512)));
    problems.push(...exact('details.user', own(body, 'details', 'user'), capText(shown, 8000)));
    problems.push(...exact('description', own(body, 'description'), capText(displayText(payload.text), 15_000)));
    for (const key of ['message', 'description', 'alias']) problems.push(...invisibleControls(key, String(own(body, key))));
    return problems;
  });
}

async function victoropsHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 200, body: '{"result":"success"}' } });
  const rule = ruleFor('victorops', {
    victorops_api_key: URL_TOKEN,
    victorops_routing_key: 'soc',
    victorops_message_type: 'CRITICAL',
    victorops_api_url: `${peer.url}/alert`,
  });
  return jsonHarness(peer, rule, [URL_TOKEN], (hv, payload, body) => {
    const problems = [
      ...exact('state_message', own(body, 'state_message'), capBytes(displayText(payload.text), 64 * 1024)),
      ...exact('entity_id', own(body, 'entity_id'), `${rule.name}:${displayText(hv.value)}`),
    ];
    problems.push(...invisibleControls('state_message', String(own(body, 'state_message'))));
    return problems;
  });
}

async function powerAutomateHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 202, body: '' } });
  const rule = ruleFor('ms_power_automate', {
    ms_power_automate_webhook_url: `${peer.url}/workflows/1/invoke?sig=${URL_TOKEN}`,
    ms_power_automate_alert_facts: [{ name: 'User', value: 'user.name' }],
  });
  return jsonHarness(peer, rule, [URL_TOKEN], (hv, payload, body) => {
    const problems = powerAutomateProblems(peer.requests.at(-1) ?? { method: '', path: '', headers: {}, body: '' });
    const texts = cardTexts(body);
    problems.push(...exact('summary', texts[0], capBytes(displayText(payload.subject), 1024)));
    problems.push(...exact('body', texts[1], capBytes(displayText(payload.text), 20 * 1024)));
    problems.push(...exact('fact value', texts[3], capBytes(displayText(hv.value), 1024)));
    for (const t of texts) problems.push(...invisibleControls('card text', t));
    return problems;
  });
}

async function datadogHarness(): Promise<Harness> {
  const peer = await startPeer({ fallback: { status: 202, body: '{"status":"ok"}' } });
  const rule = ruleFor('datadog', { datadog_api_key: API_KEY, datadog_app_key: URL_TOKEN, datadog_api_url: `${peer.url}/api/v1/events` });
  return jsonHarness(peer, rule, [API_KEY, URL_TOKEN], (hv, _payload, body) => {
    const problems: string[] = [];
    for (const key of ['title', 'text']) {
      const text = String(own(body, key));
      problems.push(...invisibleControls(key, text));
      // "@name" notifies in Datadog; a value's "@" must carry the word joiner.
      if (/@(?!\u2060)/.test(text.replace(/^Root login by /, '').replace(/user: /, '')))
        problems.push(`${key}: an @ from a value can notify`);
    }
    if (String(own(body, 'text')).startsWith('%%%')) problems.push('text starts with %%% (Markdown)');
    if (String(own(body, 'title')).length > 100 || String(own(body, 'text')).length > 4000) problems.push('over Datadog limits');
    return problems;
  });
}

async function telegramHarness(mode: 'markdown' | 'markdownV2' | 'html'): Promise<Harness> {
  const peer = await startTelegramPeer();
  const rule = ruleFor('telegram', {
    telegram_bot_token: peer.token,
    telegram_room_id: peer.chatId,
    telegram_api_url: peer.url,
    telegram_parse_mode: mode,
  });
  const alerter = alerterOf(rule, { log: memoryLog().log, out: () => undefined, clock: new ManualClock(T0), env: {} });
  const echo = `refused for bot${peer.token}`;
  return {
    rule,
    secrets: [peer.token],
    failures: [
      {
        what: 'HTTP 502 whose description quotes the token',
        arrange: () => peer.override.push({ status: 502, body: { ok: false, error_code: 502, description: echo } }),
        retryable: true,
      },
      {
        what: 'HTTP 403 whose description quotes the token',
        arrange: () => peer.override.push({ status: 403, body: { ok: false, error_code: 403, description: echo } }),
        retryable: false,
      },
    ],
    async deliver(hv, payload) {
      const before = peer.attempts.length;
      await alerter.send(payload);
      // One attempt: the formatting is never what Telegram refuses (no plain-text second try).
      if (peer.attempts.length - before !== 1) return [`expected one sendMessage, got ${peer.attempts.length - before}`];
      const d = peer.delivered.at(-1);
      if (!d) return ['nothing delivered'];
      const problems = [...invisibleControls('message', d.shown)];
      const expected =
        mode === 'html' || (mode === 'markdown' && (hv.name === 'big' || /[_*`[\\]/.test(displayText(hv.value)))) ? [] : ['bold'];
      if (JSON.stringify(d.entities) !== JSON.stringify(expected))
        problems.push(`entities ${JSON.stringify(d.entities)}, expected ${JSON.stringify(expected)} (the title's bold only)`);
      if (d.shown.length > 4096) problems.push(`${d.shown.length} characters > 4096`);
      if (hv.name !== 'big' && !d.shown.includes(`Root login by ${displayText(hv.value)}`))
        problems.push('the value is not shown as written');
      return [...problems, ...templateLiteral(hv, d.shown)];
    },
    close: () => peer.close(),
  };
}

// ---------------------------------------------------------------------------------------------

const ROWS: readonly Row[] = [
  { alerter: 'stdout', why: 'a terminal acts on ESC sequences, C0/C1 controls and bidi overrides', secret: false, start: stdoutHarness },
  { alerter: 'debug', why: 'the JSON log line must stay one valid line whatever the values', secret: false, start: debugHarness },
  {
    alerter: 'command',
    why: 'argv without a shell: $(id), ; and quotes stay one argument, placeholders parsed once',
    secret: false,
    start: commandHarness,
  },
  {
    alerter: 'gelf (tcp)',
    why: 'NUL-framed GELF: a value with NUL or quotes stays inside one JSON message, byte for byte',
    secret: false,
    start: gelfHarness,
  },
  {
    alerter: 'gelf (udp)',
    why: 'chunked GELF datagrams: a value with NUL or quotes, or of 100 kB, arrives as the same JSON string',
    secret: false,
    start: gelfUdpHarness,
  },
  {
    alerter: 'gelf (http)',
    why: 'GELF over HTTP: the value stays one JSON string inside short_message; the header key never shows',
    secret: true,
    start: gelfHttpHarness,
  },
  {
    alerter: 'zabbix',
    why: 'sender protocol: a host name from a document stays one framed JSON value, without controls',
    secret: false,
    start: zabbixHarness,
  },
  {
    alerter: 'slack (Web API)',
    why: 'Block Kit mrkdwn: <!channel>, <@U…> and <url|label> from a log line must not notify or link',
    secret: true,
    start: () => slackHarness('webapi'),
  },
  {
    alerter: 'slack (webhook)',
    why: "ElastAlert2's attachments through an incoming webhook, same mrkdwn rules; the URL is the secret",
    secret: true,
    start: () => slackHarness('webhook'),
  },
  {
    alerter: 'email (email_format: text)',
    why: 'headers (CR/LF, encoded words) and the HTML part built from plain text',
    secret: true,
    start: () => emailHarness('text'),
  },
  {
    alerter: 'email (email_format: html)',
    why: "the rule's HTML is kept, every document value entity-escaped",
    secret: true,
    start: () => emailHarness('html'),
  },
  {
    alerter: 'email (html, alert_text_jinja)',
    why: 'Jinja templates are the rule\'s only: values are data, "{{7*7}}" stays text',
    secret: true,
    start: () => emailHarness('html', true),
  },
  { alerter: 'post', why: 'the match as JSON: values and field names must arrive as the same strings', secret: true, start: postHarness },
  {
    alerter: 'post2',
    why: 'http_post2_payload placeholders: a value is inserted once, never parsed as JSON or template',
    secret: true,
    start: post2Harness,
  },
  {
    alerter: 'pagerduty',
    why: 'Events API v2: summary, dedup_key, custom_details carry values exactly (within documented limits)',
    secret: true,
    start: pagerdutyHarness,
  },
  {
    alerter: 'alertmanager',
    why: "labels rendered from the rule's Jinja templates carry values as data, annotations as text without controls",
    secret: true,
    start: alertmanagerHarness,
  },
  {
    alerter: 'discord',
    why: 'Discord Markdown: no mention (@everyone, <@id>), masked link or formatting from a log line; 2,000 / 4,096 limits',
    secret: true,
    start: discordHarness,
  },
  {
    alerter: 'mattermost',
    why: 'Mattermost: Markdown, @channel/@all/@user and Slack-style <!here> from a log line must not format or notify',
    secret: true,
    start: mattermostHarness,
  },
  {
    alerter: 'opsgenie',
    why: 'Alert API v2: message, alias (dedup), details carry values as text within documented limits; {…} in a value is not formatted again',
    secret: true,
    start: opsgenieHarness,
  },
  {
    alerter: 'victorops',
    why: 'REST endpoint: the state message and entity id carry values as text; the key in the URL never shows',
    secret: true,
    start: victoropsHarness,
  },
  {
    alerter: 'ms_power_automate',
    why: 'Teams Adaptive Card: values only in TextRuns (no Markdown), no mention entities, under 28 KB',
    secret: true,
    start: powerAutomateHarness,
  },
  {
    alerter: 'datadog',
    why: 'Events API: @mentions in a value must not notify, %%% must not switch on Markdown; 100 / 4,000 characters',
    secret: true,
    start: datadogHarness,
  },
  {
    alerter: 'telegram (markdown)',
    why: 'legacy Markdown: _ * ` [ from a log line escaped, never an entity; 4,096 characters',
    secret: true,
    start: () => telegramHarness('markdown'),
  },
  {
    alerter: 'telegram (markdownV2)',
    why: 'MarkdownV2: every reserved character escaped, or Telegram refuses the message',
    secret: true,
    start: () => telegramHarness('markdownV2'),
  },
  {
    alerter: 'telegram (html)',
    why: 'HTML: < > & from a log line are entities, never tags',
    secret: true,
    start: () => telegramHarness('html'),
  },
  {
    alerter: 'hivealerter',
    why: 'TheHive alert: title args, tags, custom fields and observables carry values exactly',
    secret: true,
    start: hiveHarness,
  },
  ...kitRows({ ruleFor, invisibleControls, templateLiteral, readable, markdownActive }),
  ...awsRows({ ruleFor, invisibleControls, templateLiteral, readable, markdownActive, exact }),
];

// The AWS rows share one moto server (it takes seconds to start).
afterAll(closeAwsPeers);

it('covers every alerter this build can send with', () => {
  const covered = new Set(ROWS.map((r) => r.alerter.replace(/ \(.*\)$/, '')));
  expect(AVAILABLE_ALERTERS.filter((name) => !covered.has(name))).toEqual([]);
});

describe.each(ROWS)('hostile corpus through $alerter', (row) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await row.start();
  });
  afterAll(async () => {
    await harness?.close();
  });

  it(`keeps every value inert and intact (${row.why})`, async () => {
    const problems: string[] = [];
    for (const hv of HOSTILE_VALUES) {
      const payload = payloadFor(harness.rule, recordFor(harness.rule, hv));
      try {
        for (const p of await harness.deliver(hv, payload)) problems.push(`${row.alerter} / ${hv.name}: ${p}`);
      } catch (error) {
        problems.push(`${row.alerter} / ${hv.name}: not delivered: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
    expect(problems).toEqual([]);
  });

  // stdout and debug hold no secret and have no peer that can refuse.
  if (!row.secret) return;
  it('never shows a secret in an error message, and classifies the failure', async () => {
    const outcomes: string[] = [];
    const problems: string[] = [];
    const payload = payloadFor(harness.rule, recordFor(harness.rule, HOSTILE_VALUES.find((h) => h.name === 'crlf-header') ?? BENIGN));
    for (const failure of harness.failures) {
      failure.arrange();
      let error: unknown;
      try {
        await harness.deliver(BENIGN, payload);
      } catch (e) {
        error = e;
      }
      if (!(error instanceof AlerterError)) {
        problems.push(`${failure.what}: expected an AlerterError, got ${error === undefined ? 'success' : String(error)}`);
        continue;
      }
      outcomes.push(error.message);
      for (const secret of harness.secrets)
        if (error.message.includes(secret)) problems.push(`${failure.what}: the message shows a secret: ${error.message}`);
      if (error.retryable !== failure.retryable)
        problems.push(`${failure.what}: retryable is ${error.retryable}, expected ${failure.retryable} (${error.message})`);
    }
    expect(problems).toEqual([]);
    expect(outcomes).toHaveLength(harness.failures.length);
  });
});
