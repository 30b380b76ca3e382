/**
 * The Slack alerter's incoming-webhook transport (ElastAlert2's), against a local peer that
 * answers like Slack's webhooks. The webhook URL is a secret: no error or log line may show it.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createSlackAlerter } from '../../alerters/slack/index.ts';
import { HttpClient } from '../../alerters/http.ts';
import { postWebhook } from '../../alerters/slack/webhook.ts';
import { AlerterError, type Alerter, type AlertPayload } from '../../alerters/types.ts';
import { capturingLogger, FakeClock, HOSTILE_ESCAPED, KIBANA_URL, slackAlert, slackRule, T0 } from '../unit/alerters/slack-fixtures.ts';
import { startPeer, TEST_CA_FILE } from './http-peer.ts';
import { startProxy } from './proxy-peer.ts';
import { SlackPeer } from './slack-peer.ts';

const SECRET_PATH = '/services/T0000/B0000/sEcReTwEbHoOkPaRt';

let peer: SlackPeer | undefined;
afterEach(async () => {
  await peer?.close();
  peer = undefined;
});

async function setup(slackOptions: Record<string, unknown> = {}): Promise<{
  peer: SlackPeer;
  url: string;
  alerter: Alerter;
  logLines: string[];
  send: (alert?: AlertPayload) => Promise<void>;
  alert: () => AlertPayload;
}> {
  const clock = new FakeClock();
  const p = await SlackPeer.start({ now: () => clock.now() - T0 });
  peer = p;
  const url = `${p.url}${SECRET_PATH}`;
  const rule = slackRule({ slack_webhook_url: url, ...slackOptions });
  const ref = rule.alert[0];
  if (!ref) throw new Error('no alerter');
  const { log, lines } = capturingLogger();
  const alerter = createSlackAlerter(ref, rule, { log, out: () => undefined, clock: clock, env: {} });
  return {
    peer: p,
    url,
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

function expectNoSecret(texts: readonly string[], url: string): void {
  for (const text of texts) {
    expect(text).not.toContain(url);
    expect(text).not.toContain('sEcReTwEbHoOkPaRt');
  }
}

describe('Slack incoming webhooks', () => {
  it('posts ElastAlert2’s payload as JSON, with document values escaped', async () => {
    const s = await setup({ slack_attach_kibana_discover_url: true, slack_text_string: '<!here>' });
    await s.send();
    expect(s.peer.requests).toHaveLength(1);
    const [req] = s.peer.requests;
    expect(req?.path).toBe(SECRET_PATH);
    expect(req?.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(req?.body).toEqual({
      username: 'elastalert',
      icon_emoji: ':ghost:',
      parse: 'none',
      text: '<!here>',
      unfurl_links: false,
      unfurl_media: false,
      attachments: [
        {
          color: 'danger',
          title: `Root login by ${HOSTILE_ESCAPED}`,
          text: `<!here> root login from 192.0.2.10 by ${HOSTILE_ESCAPED}\n\n`,
          fallback: `Root login by ${HOSTILE_ESCAPED}`,
          mrkdwn_in: ['text', 'pretext'],
          fields: [],
        },
        { color: '#ec4b98', title: 'Discover in Kibana', title_link: KIBANA_URL },
      ],
    });
    for (const live of ['<!channel>', '<@U1>', '<https://x|y>']) expect(req?.raw).not.toContain(live);
  });

  it('posts to every webhook and channel override, as ElastAlert2 does', async () => {
    const s = await setup({ slack_channel_override: ['#a', '#b'] });
    const second = `${s.peer.url}/services/T1/B1/other`;
    const rule = slackRule({ slack_webhook_url: [s.url, second], slack_channel_override: ['#a', '#b'] });
    const ref = rule.alert[0];
    if (!ref) throw new Error('no alerter');
    const clock = new FakeClock();
    const alerter = createSlackAlerter(ref, rule, { log: capturingLogger().log, out: () => undefined, clock: clock, env: {} });
    await clock.runUntil(alerter.send(slackAlert(rule)));
    expect(s.peer.requests.map((r) => [r.path, r.body.channel])).toEqual([
      [SECRET_PATH, '#a'],
      [SECRET_PATH, '#b'],
      ['/services/T1/B1/other', '#a'],
      ['/services/T1/B1/other', '#b'],
    ]);
  });

  it('reports 4xx answers as permanent with Slack’s code, and never shows the URL', async () => {
    const s = await setup();
    const answers = [
      { status: 400, body: 'invalid_payload' },
      { status: 404, body: 'channel_not_found' },
      { status: 403, body: 'action_prohibited' },
      { status: 404, body: `<html>Cannot POST ${SECRET_PATH}</html>` },
    ];
    const messages: string[] = [];
    for (const answer of answers) {
      s.peer.reply = () => answer;
      const error = await rejection(s.send());
      expect(error.retryable).toBe(false);
      messages.push(error.message);
    }
    expect(messages).toEqual([
      'slack: webhook 1: HTTP 400 invalid_payload',
      'slack: webhook 1: HTTP 404 channel_not_found',
      'slack: webhook 1: HTTP 403 action_prohibited',
      'slack: webhook 1: HTTP 404',
    ]);
    expectNoSecret([...messages, ...s.logLines], s.url);
  });

  it('reports a 500 as retryable and sends when called again', async () => {
    const s = await setup();
    let calls = 0;
    s.peer.reply = () => (++calls === 1 ? { status: 500, body: 'rollup_error' } : undefined);
    const alert = s.alert();
    const error = await rejection(s.send(alert));
    expect(error).toMatchObject({ retryable: true, message: 'slack: webhook 1: HTTP 500 rollup_error' });
    await s.send(alert);
    expect(s.peer.requests).toHaveLength(2);
    expectNoSecret([error.message, ...s.logLines], s.url);
  });

  it('reports a 429 as retryable after Retry-After', async () => {
    const s = await setup();
    s.peer.reply = () => ({ status: 429, headers: { 'retry-after': '3' }, body: 'rate_limited' });
    const error = await rejection(s.send());
    expect(error).toMatchObject({ retryable: true, retryAfterMs: 3000, message: 'slack: webhook 1: HTTP 429 rate_limited (rate limited)' });
    expect(s.peer.requests).toHaveLength(1);
  });

  it('reports a timeout and a refused connection as retryable, without the URL', async () => {
    const s = await setup();
    s.peer.hang = true;
    const client = (timeoutMs: number): HttpClient => new HttpClient({ alerter: 'slack', timeoutMs, tls: { rejectUnauthorized: true } });
    const timeout = await rejection(postWebhook(s.url, { text: 'x' }, { label: 'webhook 1', client: client(100) }));
    expect(timeout).toMatchObject({ retryable: true, message: 'slack: webhook 1: no answer within 0.1 s' });
    // A port that was just free: nothing listens there any more.
    const gone = await SlackPeer.start();
    const closed = `${gone.url}${SECRET_PATH}`;
    await gone.close();
    const refused = await rejection(postWebhook(closed, { text: 'x' }, { label: 'webhook 1', client: client(5000) }));
    expect(refused).toMatchObject({ retryable: true, message: 'slack: webhook 1: connection failed (ECONNREFUSED)' });
    expectNoSecret([timeout.message, refused.message], s.url);
  });
});

describe("slack webhooks over TLS and through slack_proxy (the kit's HTTP client)", () => {
  it('verifies the certificate with slack_ca_certs, tunnels through the proxy, and says which option to change when untrusted', async () => {
    const peer = await startPeer({ tls: true, fallback: { status: 200, body: 'ok' } });
    const proxy = await startProxy();
    try {
      const webhook = `${peer.url}${SECRET_PATH}`;
      const make = (options: Record<string, unknown>): Alerter => {
        const rule = slackRule({ slack_webhook_url: webhook, slack_proxy: proxy.url, ...options });
        const ref = rule.alert[0];
        if (!ref) throw new Error('no alerter');
        return createSlackAlerter(ref, rule, { log: capturingLogger().log, out: () => undefined, env: {} });
      };
      const trusted = make({ slack_ca_certs: TEST_CA_FILE });
      await trusted.send(slackAlert(slackRule({})));
      await trusted.close?.();
      expect(peer.requests).toHaveLength(1);
      expect(JSON.parse(peer.requests[0]?.body ?? '{}')).toHaveProperty('attachments');
      expect(proxy.seen.map((s) => s.target)).toEqual([new URL(peer.url).host]);

      const untrusted = make({});
      const error = await rejection(untrusted.send(slackAlert(slackRule({}))));
      await untrusted.close?.();
      expect(error).toMatchObject({
        retryable: true,
        message: 'slack: webhook 1: connection failed (certificate not trusted: see slack_ca_certs / slack_ignore_ssl_errors)',
      });
      expectNoSecret([error.message], webhook);
    } finally {
      await proxy.close();
      await peer.close();
    }
  });
});
