/**
 * The kit's webhook alerter: options read against the alerter's schema, a JSON body rendered with
 * the medium's escaping, and one POST per URL through the one HTTP client. A chat alerter built
 * on it is its schema plus a `render` function.
 *
 * With several URLs, each gets the alert; when some fail, a retry of the same alert goes only to
 * those that have not accepted it yet (remembered for up to 1000 alerts), so nobody gets it twice.
 */
import type { RuleDefinition } from '../../src/rules/types.ts';
import {
  HttpClient,
  HttpFailure,
  proxyOption,
  timeoutOption,
  tlsOptions,
  type HttpResult,
  type PostOptions,
  type TlsSettings,
} from '../http.ts';
import { AlerterError, type Alerter, type AlerterDeps, type AlertPayload } from '../types.ts';

type Options = Readonly<Record<string, unknown>>;

export interface Transport {
  timeoutMs: number;
  tls: TlsSettings;
  proxy: URL | undefined;
  tlsHint: string;
}

/** The transport options of `prefix` (see transportSchema), checked. */
export function transportOf(rule: RuleDefinition, opts: Options, prefix: string, proxyLogin?: [string, string]): Transport {
  return {
    timeoutMs: timeoutOption(rule, opts, `${prefix}_timeout`),
    tls: tlsOptions(rule, opts, `${prefix}_ca_certs`, `${prefix}_ignore_ssl_errors`),
    proxy: proxyOption(rule, opts, `${prefix}_proxy`, ...(proxyLogin ?? [])),
    tlsHint: `${prefix}_ca_certs / ${prefix}_ignore_ssl_errors`,
  };
}

export interface WebhookPlan {
  type: string;
  urls: readonly URL[];
  transport: Transport;
  /** The JSON body for an alert: the medium's escaping applied to every document value. */
  render(alert: AlertPayload): unknown;
  headers?: Readonly<Record<string, string>>;
  /**
   * Fields that differ per delivery (ElastAlert2's channel overrides): each URL gets the body once
   * per entry, with the entry's fields set over the rendered body (which must be an object).
   */
  variants?: readonly Readonly<Record<string, unknown>>[];
  /** Values to remove from quoted errors besides the URLs (keys, tokens). */
  secrets?: readonly string[];
  /**
   * Reads an accepted answer: a service that answers 200 with `{"ok": false}` (Telegram) throws
   * here. Optional.
   */
  check?(result: HttpResult): void;
  /** Classifies failures the generic mapping gets wrong for this service. Optional. */
  adjust?(failure: HttpFailure): HttpFailure;
  accept?: PostOptions['accept'];
}

const PROGRESS_LIMIT = 1000;

/** Sends `alertId` to every target not done yet; failures combined as post/post2 always did. */
export class Fanout {
  private readonly progress = new Map<string, Map<number, 'sent' | HttpFailure>>();
  private readonly type: string;
  constructor(type: string) {
    this.type = type;
  }

  async send(alertId: string, count: number, sendOne: (index: number) => Promise<void>): Promise<void> {
    let state = this.progress.get(alertId);
    if (!state) {
      state = new Map();
      this.progress.set(alertId, state);
      if (this.progress.size > PROGRESS_LIMIT) this.progress.delete(this.progress.keys().next().value ?? '');
    }
    const done = state;
    const pending = Array.from({ length: count }, (_, i) => i).filter((i) => !done.has(i));
    const results = await Promise.allSettled(pending.map((i) => sendOne(i)));
    const retryable: HttpFailure[] = [];
    results.forEach((result, n) => {
      const index = pending[n] ?? -1;
      if (result.status === 'fulfilled') done.set(index, 'sent');
      else if (result.reason instanceof HttpFailure && result.reason.retryable) retryable.push(result.reason);
      else if (result.reason instanceof HttpFailure) done.set(index, result.reason);
      else if (result.reason instanceof AlerterError)
        done.set(
          index,
          new HttpFailure(
            this.type,
            result.reason.message.replace(`${this.type}: `, ''),
            result.reason.retryable,
            result.reason.retryAfterMs,
          ),
        );
      else retryable.push(new HttpFailure(this.type, String(result.reason), true));
    });
    const permanent = [...done.values()].filter((v): v is HttpFailure => v !== 'sent');
    if (retryable.length === 0) this.progress.delete(alertId);
    const failures = [...retryable, ...permanent];
    if (failures.length === 0) return;
    const prefix = count > 1 ? `${failures.length} of ${count} URLs failed: ` : '';
    const message = prefix + failures.map((f) => f.detail).join('; ');
    if (retryable.length > 0) {
      const waits = retryable.map((f) => f.retryAfterMs).filter((ms): ms is number => ms !== undefined);
      throw new AlerterError(this.type, message, true, waits.length > 0 ? Math.max(...waits) : undefined);
    }
    throw new AlerterError(this.type, message, false);
  }
}

/** An Alerter that POSTs `plan.render(alert)` as JSON to each of `plan.urls`. */
export function webhookAlerter(plan: WebhookPlan, deps: AlerterDeps): Alerter {
  const client = new HttpClient({
    alerter: plan.type,
    timeoutMs: plan.transport.timeoutMs,
    tls: plan.transport.tls,
    tlsHint: plan.transport.tlsHint,
    proxy: plan.transport.proxy,
    clock: deps.clock,
  });
  const fanout = new Fanout(plan.type);
  const headers = { 'Content-Type': 'application/json', ...plan.headers };
  return {
    type: plan.type,
    async send(alert: AlertPayload): Promise<void> {
      const variants = plan.variants && plan.variants.length > 0 ? plan.variants : [undefined];
      let bodies: string[];
      try {
        const rendered = plan.render(alert);
        bodies = variants.map((v) => JSON.stringify(v ? { ...(rendered as Record<string, unknown>), ...v } : rendered));
      } catch (error) {
        if (error instanceof AlerterError) throw error;
        throw new AlerterError(plan.type, `cannot build the message: ${(error as Error).message}`, false);
      }
      await fanout.send(alert.alertId, plan.urls.length * bodies.length, async (i) => {
        const url = plan.urls[Math.floor(i / bodies.length)] as URL;
        const body = bodies[i % bodies.length] as string;
        try {
          const result = await client.post(url, body, headers, {
            secrets: plan.secrets ?? [],
            ...(plan.accept ? { accept: plan.accept } : {}),
          });
          plan.check?.(result);
        } catch (error) {
          if (error instanceof HttpFailure && plan.adjust) throw plan.adjust(error);
          throw error;
        }
      });
    },
    async close(): Promise<void> {
      client.close();
    },
  };
}
