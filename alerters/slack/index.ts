/**
 * The Slack alerter: Block Kit messages through the Web API (bot token), or ElastAlert2-style
 * attachments through incoming webhooks.
 *
 * Delivery contract: `send` resolves once every target (channel, or webhook × channel) accepted the
 * message and throws AlerterError otherwise; it never retries by itself, the delivery layer does.
 * When an alert has several targets and only some fail, the ones that accepted it are remembered
 * (in memory, for this process) and skipped when the delivery layer sends the alert again, so a
 * channel does not get the same alert twice.
 *
 * Threads (slack_thread_repeats): the first alert for a query_key value starts a thread, later
 * alerts for the same value within a day reply in it. The map of threads is in memory: after a
 * restart or a rule reload the next alert starts a new thread.
 */
import type { Logger } from '../../src/log.ts';
import { alerterOptions, AlerterError, type Alerter, type AlerterFactory, type AlertPayload } from '../types.ts';
import { buildBlockMessage, buildWebhookPayload, escapeMrkdwn, type MessageContext, type RenderedAlert } from './format.ts';
import { parseSlackOptions, readTokenFile, type WebApiOptions, type WebhookOptions } from './options.ts';
import { sharedPacer } from './pacing.ts';
import { systemClock, type Clock } from '../../src/schedule/clock.ts';
import { AUTH_ERRORS, createWebApiSender, SlackWebApiError, type WebApiSender } from './webapi.ts';
import { postWebhook } from './webhook.ts';
import { HttpClient } from '../http.ts';

export { escapeMrkdwn } from './format.ts';
export type { SlackOptions } from './options.ts';

/** One place a message goes to. `paceKey` identifies the Slack channel for pacing (never logged). */
interface Target {
  label: string;
  paceKey: string;
  post(alert: AlertPayload, rendered: RenderedAlert): Promise<void>;
}

/** Per alert, while some of its targets still owe a delivery. */
interface Progress {
  delivered: Set<number>;
  /** Targets that failed for good, with the reason, reported once the others are done. */
  refused: Map<number, string>;
}

const MAX_PENDING_ALERTS = 1000;
const MAX_THREADS = 5000;
/** A repeat after this long starts a new thread: a reply to a days-old thread is easily missed. */
const THREAD_WINDOW_MS = 24 * 3600 * 1000;
/** Slack codes after which a thread reply can work as a new message (the parent is gone). */
const THREAD_GONE = new Set(['thread_not_found', 'message_not_found', 'invalid_thread_ts']);

export const createSlackAlerter: AlerterFactory = (ref, rule, deps): Alerter => {
  const raw = alerterOptions(ref, rule);
  const opts = parseSlackOptions(ref, rule, deps.env ?? process.env, (message) => deps.log.warn(message));
  const clock = deps.clock ?? systemClock;
  const pacer = sharedPacer(clock);
  const ctx: MessageContext = { ruleName: rule.name, queryKeyFields: rule.queryKey, timestampField: rule.timestampField, ruleOptions: raw };
  // Both transports go through the kit's HTTP client (slack_proxy, slack_ca_certs, slack_ignore_ssl_errors).
  const client = new HttpClient({
    alerter: 'slack',
    timeoutMs: opts.timeoutMs,
    tls: opts.tls,
    proxy: opts.proxy,
    tlsHint: 'slack_ca_certs / slack_ignore_ssl_errors',
    clock,
  });
  const targets = opts.transport === 'webapi' ? webApiTargets(opts, ctx, clock, deps.log, client) : webhookTargets(opts, ctx, client);
  const pending = new Map<string, Progress>();

  return {
    type: 'slack',
    async send(alert: AlertPayload): Promise<void> {
      const rendered = alert.render(escapeMrkdwn);
      const progress = pending.get(alert.alertId) ?? { delivered: new Set<number>(), refused: new Map<number, string>() };
      const retryable: AlerterError[] = [];
      for (const [i, target] of targets.entries()) {
        if (progress.delivered.has(i) || progress.refused.has(i)) continue;
        try {
          await pacer.run(target.paceKey, () => target.post(alert, rendered));
          progress.delivered.add(i);
          deps.log.debug({ rule: rule.name, alert_id: alert.alertId, target: target.label }, 'slack: message posted');
        } catch (error) {
          let failure: AlerterError;
          if (error instanceof AlerterError) failure = error;
          else {
            // Transports turn every peer or network problem into AlerterError: this is a bug of ours.
            deps.log.error(
              {
                rule: rule.name,
                alert_id: alert.alertId,
                target: target.label,
                err: error instanceof Error ? error.message : String(error),
              },
              'slack: unexpected error while posting',
            );
            failure = new AlerterError('slack', `${target.label}: unexpected error`, true);
          }
          if (failure.retryAfterMs !== undefined) pacer.defer(target.paceKey, failure.retryAfterMs);
          if (failure.retryable) retryable.push(failure);
          else progress.refused.set(i, reason(failure));
        }
      }
      const refusals = [...progress.refused.values()];
      if (retryable.length > 0) {
        remember(pending, alert.alertId, progress);
        const waits = retryable.map((e) => e.retryAfterMs).filter((ms): ms is number => ms !== undefined);
        throw new AlerterError(
          'slack',
          [...retryable.map(reason), ...refusals].join('; '),
          true,
          waits.length > 0 ? Math.max(...waits) : undefined,
        );
      }
      pending.delete(alert.alertId);
      if (refusals.length > 0) throw new AlerterError('slack', refusals.join('; '), false);
    },
    async close(): Promise<void> {
      pending.clear();
      client.close();
    },
  };
};

/** The message of an AlerterError without the "slack: " its constructor put in front. */
function reason(error: AlerterError): string {
  return error.message.startsWith('slack: ') ? error.message.slice('slack: '.length) : error.message;
}

function remember(pending: Map<string, Progress>, alertId: string, progress: Progress): void {
  pending.delete(alertId);
  pending.set(alertId, progress);
  // Oldest first: an alert the delivery layer gave up on long ago.
  while (pending.size > MAX_PENDING_ALERTS) {
    const oldest = pending.keys().next().value;
    if (oldest === undefined) break;
    pending.delete(oldest);
  }
}

function webhookTargets(opts: WebhookOptions, ctx: MessageContext, client: HttpClient): Target[] {
  const channels: (string | undefined)[] = opts.channels.length > 0 ? [...opts.channels] : [undefined];
  return opts.webhookUrls.flatMap((url, i) =>
    channels.map((channel) => {
      const label = `webhook ${i + 1}${channel ? ` (${channel})` : ''}`;
      return {
        label,
        paceKey: `webhook\u0000${url}\u0000${channel ?? ''}`,
        post: (alert: AlertPayload, rendered: RenderedAlert) =>
          postWebhook(url, buildWebhookPayload(alert, rendered, opts, ctx, channel), { label, client }),
      };
    }),
  );
}

interface Thread {
  channel: string;
  ts: string;
  startedMs: number;
}

function webApiTargets(opts: WebApiOptions, ctx: MessageContext, clock: Clock, log: Logger, http: HttpClient): Target[] {
  let sender: WebApiSender | undefined;
  let token = opts.token.token;
  /** Slack refused the token: a token from a file is read again before the next post (it may have been rotated). */
  let tokenRefused = false;
  const getSender = (): WebApiSender => {
    if (tokenRefused && opts.token.kind === 'file') {
      tokenRefused = false;
      try {
        const fresh = readTokenFile(opts.token.path, (m) => new Error(m));
        if (fresh !== token) {
          token = fresh;
          sender = undefined;
        }
      } catch (error) {
        log.warn(`slack_token_file: ${(error as Error).message}`);
      }
    }
    sender ??= createWebApiSender({ token, apiUrl: opts.apiUrl, client: http, log });
    return sender;
  };
  const threads = new Map<string, Thread>();

  return opts.channels.map((channel) => ({
    label: `channel ${channel}`,
    paceKey: `webapi\u0000${opts.apiUrl ?? ''}\u0000${channel}`,
    async post(alert: AlertPayload, rendered: RenderedAlert): Promise<void> {
      const message = buildBlockMessage(alert, rendered, opts, ctx);
      const threadKey = opts.threadRepeats && alert.queryKey !== undefined ? `${channel}\u0000${alert.queryKey}` : undefined;
      let thread = threadKey === undefined ? undefined : threads.get(threadKey);
      if (thread && clock.now() - thread.startedMs > THREAD_WINDOW_MS) thread = undefined;
      const client = getSender();
      try {
        const posted = await client.post({
          ...message,
          channel: thread?.channel ?? channel,
          thread_ts: thread?.ts,
          username: opts.username,
          icon_emoji: opts.iconEmoji,
          icon_url: opts.iconUrl,
        });
        if (threadKey !== undefined && !thread && posted.ts) {
          threads.delete(threadKey);
          threads.set(threadKey, { channel: posted.channel ?? channel, ts: posted.ts, startedMs: clock.now() });
          const oldest = threads.size > MAX_THREADS ? threads.keys().next().value : undefined;
          if (oldest !== undefined) threads.delete(oldest);
        }
      } catch (error) {
        if (error instanceof SlackWebApiError) {
          if (error.slackCode && AUTH_ERRORS.has(error.slackCode)) tokenRefused = true;
          if (thread && threadKey !== undefined && error.slackCode && THREAD_GONE.has(error.slackCode)) {
            threads.delete(threadKey);
            throw new AlerterError('slack', `${reason(error)}; the thread is gone, the next attempt starts a new one`, true);
          }
        }
        throw error;
      }
    },
  }));
}
