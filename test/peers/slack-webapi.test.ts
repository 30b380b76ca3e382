/**
 * The Slack alerter's Web API transport with the real @slack/web-api WebClient, against a local
 * peer that answers like Slack. Time is a fake clock: pacing waits on it, never on real time.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createSlackAlerter } from '../../alerters/slack/index.ts';
import { AlerterError, type Alerter, type AlertPayload } from '../../alerters/types.ts';
import {
  capturingLogger,
  FakeClock,
  HOSTILE,
  HOSTILE_ESCAPED,
  KIBANA_URL,
  slackAlert,
  slackRule,
  T0,
  until,
} from '../unit/alerters/slack-fixtures.ts';
import { buildAlertText } from '../../src/alert/text.ts';
import { payloadFor } from '../../src/deliver/payload.ts';
import { startPeer, TEST_CA_FILE } from './http-peer.ts';
import { startProxy } from './proxy-peer.ts';
import { SlackPeer } from './slack-peer.ts';

let peer: SlackPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

interface Setup {
  peer: SlackPeer;
  clock: FakeClock;
  alerter: Alerter;
  logLines: string[];
  send: (alert?: AlertPayload) => Promise<void>;
  alert: () => AlertPayload;
}

async function setup(slackOptions: Record<string, unknown> = {}, ruleOptions: Record<string, unknown> = {}): Promise<Setup> {
  const clock = new FakeClock();
  const p = await SlackPeer.start({ now: () => clock.now() - T0 });
  peer = p;
  const rule = slackRule({ slack_token: p.token, slack_channel_override: '#sec', slack_api_url: p.apiUrl, ...slackOptions }, ruleOptions);
  const ref = rule.alert[0];
  if (!ref) throw new Error('no alerter');
  const { log, lines } = capturingLogger();
  const alerter = createSlackAlerter(ref, rule, { log, out: () => undefined, clock: clock, env: {} });
  return {
    peer: p,
    clock,
    alerter,
    logLines: lines,
    alert: () => slackAlert(rule),
    send: (alert = slackAlert(rule)) => clock.runUntil(alerter.send(alert)),
  };
}

async function rejection(promise: Promise<unknown>): Promise<AlerterError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AlerterError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

describe('Slack Web API (chat.postMessage)', () => {
  it('posts the Block Kit message once, with the token, document values escaped and the author’s <!here> intact', async () => {
    const s = await setup();
    await s.send();
    expect(s.peer.requests).toHaveLength(1);
    const [req] = s.peer.requests;
    expect(req?.headers.authorization).toBe(`Bearer ${s.peer.token}`);
    expect(req?.body).toEqual({
      channel: '#sec',
      text: `Root login by ${HOSTILE_ESCAPED}`,
      parse: 'none',
      link_names: 'false',
      unfurl_links: 'false',
      unfurl_media: 'false',
      blocks: [
        { type: 'header', text: { type: 'plain_text', text: `Root login by ${HOSTILE_ESCAPED}`, emoji: true } },
        { type: 'section', text: { type: 'mrkdwn', text: `<!here> root login from 192.0.2.10 by ${HOSTILE_ESCAPED}`, verbatim: true } },
      ],
      attachments: [
        {
          color: 'danger',
          fallback: `Root login by ${HOSTILE_ESCAPED}`,
          blocks: [
            {
              type: 'section',
              fields: [
                { type: 'mrkdwn', text: `*user.name*\n${HOSTILE_ESCAPED}`, verbatim: true },
                { type: 'mrkdwn', text: '*host*\nweb-1', verbatim: true },
              ],
            },
            {
              type: 'context',
              elements: [
                { type: 'mrkdwn', text: '*Severity:* high', verbatim: true },
                { type: 'mrkdwn', text: '*Rule:* Root login', verbatim: true },
                { type: 'mrkdwn', text: '*Time:* <!date^1714564800^{date_num} {time_secs}|2024-05-01T12:00:00.000Z>', verbatim: true },
              ],
            },
            {
              type: 'actions',
              elements: [
                {
                  type: 'button',
                  text: { type: 'plain_text', text: 'Discover in Kibana' },
                  url: KIBANA_URL,
                  action_id: 'logwarden_kibana_discover',
                },
              ],
            },
          ],
        },
      ],
    });
    // What reached Slack: nothing from the document can mention anyone or make a link.
    const sent = JSON.stringify(req?.body);
    for (const live of ['<!channel>', '<@U1>', '<https://x|y>']) expect(sent).not.toContain(live);
    expect(sent).toContain('<!here>');
    expect(sent).toContain(HOSTILE_ESCAPED);
  });

  it('escapes document values end to end, through the payload the delivery layer builds', async () => {
    const s = await setup();
    const rule = slackRule(
      { slack_token: s.peer.token, slack_channel: '#e2e', slack_api_url: s.peer.apiUrl },
      { alert_text_type: undefined },
    );
    const ref = rule.alert[0];
    if (!ref) throw new Error('no alerter');
    const match = { '@timestamp': '2024-05-01T12:00:00Z', user: { name: HOSTILE }, source: { ip: '<!subteam^S1>' } };
    const text = buildAlertText(rule, match, '');
    const payload = payloadFor(rule, {
      id: 'a1',
      ruleName: rule.name,
      queryKey: HOSTILE,
      matchBody: match,
      alertInfo: { match_string: '' },
      alertText: text.body,
      alertSubject: text.subject,
      matchTimeMs: T0,
      alertTimeMs: T0,
      alertSent: false,
    });
    const alerter = createSlackAlerter(ref, rule, { log: capturingLogger().log, out: () => undefined, clock: s.clock, env: {} });
    await s.clock.runUntil(alerter.send(payload));
    const sent = JSON.stringify(s.peer.requests[0]?.body);
    for (const live of ['<!channel>', '<@U1>', '<https://x|y>', '<!subteam^S1>']) expect(sent).not.toContain(live);
    expect(sent).toContain('<!here> root login from &lt;!subteam^S1&gt;');
  });

  it('reports 429 as retryable after Retry-After, with exactly one request (no hidden client retry)', async () => {
    const s = await setup();
    s.peer.reply = () => ({ status: 429, headers: { 'retry-after': '3' }, body: { ok: false, error: 'ratelimited' } });
    const error = await rejection(s.send());
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(3000);
    expect(error.message).toBe('slack: channel #sec: rate limited by Slack (HTTP 429)');
    // Let any client-side retry that would have been scheduled show itself.
    await s.clock.advanceTo(T0 + 120_000);
    expect(s.peer.requests).toHaveLength(1);
  });

  it('reports a 429 without a usable Retry-After as retryable, still with one request', async () => {
    const s = await setup();
    s.peer.reply = () => ({ status: 429, body: { ok: false, error: 'ratelimited' } });
    const error = await rejection(s.send());
    expect(error).toMatchObject({ retryable: true, retryAfterMs: undefined });
    expect(error.message).toMatch(/^slack: channel #sec: rate limited by Slack/);
    expect(s.peer.requests).toHaveLength(1);
  });

  it('reports channel_not_found as permanent, with the reason', async () => {
    const s = await setup();
    s.peer.reply = () => ({ body: { ok: false, error: 'channel_not_found' } });
    const error = await rejection(s.send());
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(/^slack: channel #sec: channel_not_found/);
    expect(s.peer.requests).toHaveLength(1);
  });

  it('reports a 500 as retryable, and sends when called again', async () => {
    const s = await setup();
    let calls = 0;
    s.peer.reply = () => (++calls === 1 ? { status: 500, body: 'internal error' } : undefined);
    const alert = s.alert();
    const error = await rejection(s.send(alert));
    expect(error).toMatchObject({ retryable: true, message: 'slack: channel #sec: HTTP 500' });
    expect(s.peer.requests).toHaveLength(1);
    await s.send(alert);
    expect(s.peer.requests).toHaveLength(2);
  });

  it('never puts the token in errors or logs', async () => {
    const s = await setup({ slack_token: 'xoxb-wrong-sEcReT' });
    const error = await rejection(s.send());
    expect(error).toMatchObject({ retryable: false, message: 'slack: channel #sec: invalid_auth' });
    s.peer.reply = () => ({ status: 503, body: `<html>upstream down, token xoxb-wrong-sEcReT</html>` });
    const down = await rejection(s.send());
    expect(down.retryable).toBe(true);
    for (const text of [error.message, down.message, ...s.logLines]) {
      expect(text).not.toContain('xoxb-wrong-sEcReT');
      expect(text).not.toContain(s.peer.token);
    }
    // The client did log at debug level (request and response), just without the token.
    expect(s.logLines.length).toBeGreaterThan(0);
  });

  it('reads a token file again after Slack refused the token (rotation)', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'slack-token-'));
    const file = path.join(dir, 'token');
    writeFileSync(file, 'xoxb-old-token\n');
    const s = await setup({ slack_token: undefined, slack_token_file: file });
    const error = await rejection(s.send());
    expect(error).toMatchObject({ retryable: false, message: 'slack: channel #sec: invalid_auth' });
    writeFileSync(file, `${s.peer.token}\n`);
    await s.send();
    expect(s.peer.requests.map((r) => r.headers.authorization)).toEqual(['Bearer xoxb-old-token', `Bearer ${s.peer.token}`]);
  });

  it('replies in a thread for repeats of the same query_key, a new message for another key', async () => {
    const s = await setup({ slack_thread_repeats: true });
    const rule = slackRule({});
    const forUser = (name: string): AlertPayload => slackAlert(rule, { user: { name }, source: { ip: '192.0.2.10' } });
    await s.send(forUser('root'));
    await s.send(forUser('root'));
    await s.send(forUser('admin'));
    await s.send(forUser('root'));
    const sent = s.peer.requests.map((r) => ({ channel: r.body.channel, thread_ts: r.body.thread_ts }));
    expect(sent).toEqual([
      { channel: '#sec', thread_ts: undefined },
      { channel: 'CSEC', thread_ts: '1714564800.000001' },
      { channel: '#sec', thread_ts: undefined },
      { channel: 'CSEC', thread_ts: '1714564800.000001' },
    ]);
  });

  it('starts a new thread when the old one is gone', async () => {
    const s = await setup({ slack_thread_repeats: true });
    s.peer.reply = (r) => (r.body.thread_ts ? { body: { ok: false, error: 'thread_not_found' } } : undefined);
    const alert = s.alert();
    await s.send(s.alert());
    const error = await rejection(s.send(alert));
    expect(error).toMatchObject({ retryable: true });
    expect(error.message).toMatch(/thread_not_found; the thread is gone/);
    await s.send(alert);
    expect(s.peer.requests.map((r) => r.body.thread_ts)).toEqual([undefined, '1714564800.000001', undefined]);
  });

  it('sends again only to the channels that did not take the alert', async () => {
    const s = await setup({ slack_channel_override: ['#a', '#b'] });
    let failB = true;
    s.peer.reply = (r) => (r.body.channel === '#b' && failB ? { status: 502, body: 'bad gateway' } : undefined);
    const alert = s.alert();
    const error = await rejection(s.send(alert));
    expect(error).toMatchObject({ retryable: true, message: 'slack: channel #b: HTTP 502' });
    failB = false;
    await s.send(alert);
    expect(s.peer.requests.map((r) => r.body.channel)).toEqual(['#a', '#b', '#b']);
  });

  it('paces posts: three to one channel at least a second apart, another channel independent', async () => {
    const s = await setup();
    const a = await setupChannel(s, '#a');
    const b = await setupChannel(s, '#b');
    const sends = [a(), a(), a(), b(), b(), b()].map((p) => p.catch((e: unknown) => e));
    const arrived =
      (n: number): (() => boolean) =>
      () =>
        s.peer.requests.length >= n;
    for (const [step, count] of [0, 2, 4].entries()) {
      await until(arrived(count + 2), `${count + 2} requests`);
      if (step < 2) {
        await until(() => s.clock.pending >= 2, 'the next posts to wait their turn');
        await s.clock.advanceTo(T0 + (step + 1) * 1000);
      }
    }
    expect(await Promise.all(sends)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined]);
    const times = (channel: string): number[] => s.peer.requests.filter((r) => r.body.channel === channel).map((r) => r.atMs);
    expect(times('#a')).toEqual([0, 1000, 2000]);
    expect(times('#b')).toEqual([0, 1000, 2000]);
  });
});

describe("Slack Web API over TLS and through slack_proxy (the kit's HTTP client)", () => {
  it('trusts slack_ca_certs, tunnels through slack_proxy with its credentials, and says which option to change when untrusted', async () => {
    const TOKEN = 'xoxb-proxied-sEcReT-0001';
    const api = await startPeer({ tls: true, fallback: { status: 200, body: '{"ok":true,"channel":"C0SEC","ts":"1700000000.000100"}' } });
    const proxy = await startProxy({ credentials: 'relay:pr0xy-pAss' });
    const proxyUrl = proxy.url.replace('http://', 'http://relay:pr0xy-pAss@');
    const make = (options: Record<string, unknown>): Alerter => {
      const rule = slackRule({
        slack_token: TOKEN,
        slack_channel_override: '#sec',
        slack_api_url: `${api.url}/api/`,
        slack_proxy: proxyUrl,
        ...options,
      });
      const ref = rule.alert[0];
      if (!ref) throw new Error('no alerter');
      return createSlackAlerter(ref, rule, { log: capturingLogger().log, out: () => undefined, env: {} });
    };
    try {
      const trusted = make({ slack_ca_certs: TEST_CA_FILE });
      await trusted.send(slackAlert(slackRule({})));
      await trusted.close?.();
      expect(api.requests).toHaveLength(1);
      expect(api.requests[0]?.path).toBe('/api/chat.postMessage');
      expect(api.requests[0]?.headers.authorization).toBe(`Bearer ${TOKEN}`);
      // Through the proxy, once, with the credentials from slack_proxy.
      expect(proxy.seen).toEqual([
        { target: new URL(api.url).host, proxyAuthorization: `Basic ${Buffer.from('relay:pr0xy-pAss').toString('base64')}` },
      ]);

      const insecure = make({ slack_ignore_ssl_errors: true });
      await insecure.send(slackAlert(slackRule({})));
      await insecure.close?.();
      expect(api.requests).toHaveLength(2);

      const untrusted = make({});
      const error = await rejection(untrusted.send(slackAlert(slackRule({}))));
      await untrusted.close?.();
      expect(error).toMatchObject({
        retryable: true,
        message: 'slack: channel #sec: connection failed (certificate not trusted: see slack_ca_certs / slack_ignore_ssl_errors)',
      });
      expect(api.requests).toHaveLength(2);
      expect(proxy.seen).toHaveLength(3);
      for (const secret of [TOKEN, 'pr0xy-pAss']) expect(error.message).not.toContain(secret);
    } finally {
      await proxy.close();
      await api.close();
    }
  });
});

/** A second alerter (another rule) posting to `channel` through the same peer and clock. */
async function setupChannel(s: Setup, channel: string): Promise<() => Promise<void>> {
  const rule = slackRule({ slack_token: s.peer.token, slack_channel: channel, slack_api_url: s.peer.apiUrl });
  const ref = rule.alert[0];
  if (!ref) throw new Error('no alerter');
  const alerter = createSlackAlerter(ref, rule, { log: capturingLogger().log, out: () => undefined, clock: s.clock, env: {} });
  return () => alerter.send(slackAlert(rule, { user: { name: HOSTILE } }));
}
