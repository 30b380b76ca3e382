/** Rules, alerts and a fake clock for the Slack alerter's unit and peer tests. */
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { AlerterDeps, AlertPayload } from '../../../alerters/types.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import { lookupField, pyStr } from '../../../src/pycompat/index.ts';
import type { Clock } from '../../../src/schedule/clock.ts';

/** Everything Slack would parse if it were not escaped. */
export const HOSTILE = '<!channel> <@U1> <https://x|y> &';
export const HOSTILE_ESCAPED = '&lt;!channel&gt; &lt;@U1&gt; &lt;https://x|y&gt; &amp;';
export const T0 = Date.parse('2024-05-01T12:00:00Z');
export const KIBANA_URL = 'https://kibana.example/app/discover#/?_g=(time:(from:now-15m))';

/** A rule whose alert text (the author's) pings <!here> and quotes document values. */
export function slackRule(slackOptions: Record<string, unknown>, ruleOptions: Record<string, unknown> = {}): RuleDefinition {
  return {
    name: 'Root login',
    file: 'root.yaml',
    type: 'any',
    index: 'logs-*',
    useStrftimeIndex: false,
    filter: [],
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
    alert: [{ type: 'slack', options: slackOptions }],
    options: {
      alert_subject: 'Root login by {0}',
      alert_subject_args: ['user.name'],
      alert_text: '<!here> root login from {0} by {1}',
      alert_text_args: ['source.ip', 'user.name'],
      alert_text_type: 'alert_text_only',
      severity: 'high',
      ...ruleOptions,
    },
  };
}

let nextId = 0;

const identity = (value: string): string => value;

/**
 * Subject and text of `slackRule` for `match`, as AlertPayload.render promises them: the rule's
 * own text kept, each document value through `escape`. Written out here rather than taken from
 * src/alert/text.ts so that these tests check the alerter against the contract alone.
 */
function renderRootLogin(match: Readonly<Record<string, unknown>>, escape: (value: string) => string): { subject: string; text: string } {
  const user = lookupField(match, 'user.name');
  const ip = lookupField(match, 'source.ip');
  const show = (v: unknown): string => escape(v === undefined ? '<MISSING VALUE>' : pyStr(v));
  return { subject: `Root login by ${show(user)}`, text: `<!here> root login from ${show(ip)} by ${show(user)}\n\n` };
}

/** The payload the delivery layer would hand over for `match`. */
export function slackAlert(
  rule: RuleDefinition,
  match: Record<string, unknown> = {
    '@timestamp': '2024-05-01T12:00:00Z',
    user: { name: HOSTILE },
    source: { ip: '192.0.2.10' },
    host: 'web-1',
  },
  extra: Partial<AlertPayload> = {},
): AlertPayload {
  const plain = renderRootLogin(match, identity);
  const user = lookupField(match, 'user.name');
  return {
    alertId: `alert-${++nextId}`,
    ruleName: rule.name,
    ruleFile: rule.file,
    queryKey: typeof user === 'string' ? user : undefined,
    matchTimeMs: T0,
    match,
    severity: typeof rule.options.severity === 'string' ? rule.options.severity : undefined,
    subject: plain.subject,
    text: plain.text,
    render: (escape) => renderRootLogin(match, escape),
    kibanaDiscoverUrl: KIBANA_URL,
    ...extra,
  };
}

/**
 * A Clock (src/schedule/clock.ts) that moves only when told, for code that awaits between timers:
 * `advanceTo` and `runUntil` fire the due timers in order, letting promise callbacks run between them.
 */
export class FakeClock implements Clock {
  nowMs: number;
  #timers: { at: number; resolve: () => void }[] = [];
  constructor(start = T0) {
    this.nowMs = start;
  }
  readonly now = (): number => this.nowMs;
  readonly setTimer = (fn: () => void, delayMs: number): (() => void) => {
    const timer = { at: this.nowMs + Math.max(0, delayMs), resolve: fn };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((t) => t !== timer);
    };
  };
  get pending(): number {
    return this.#timers.length;
  }
  /** Moves time forward to `at`, firing each timer due by then at its own time. */
  async advanceTo(at: number): Promise<void> {
    for (;;) {
      await settle();
      this.#timers.sort((a, b) => a.at - b.at);
      const first = this.#timers[0];
      if (!first || first.at > at) break;
      this.#timers.shift();
      this.nowMs = Math.max(this.nowMs, first.at);
      first.resolve();
    }
    this.nowMs = Math.max(this.nowMs, at);
    await settle();
  }
  /**
   * Fires timers one by one until `done` settles. Real I/O (a local peer) may be in flight: when no
   * timer is due the loop just lets it progress, up to `realMs` real milliseconds in all.
   */
  async runUntil<T>(done: Promise<T>, realMs = 10_000): Promise<T> {
    let finished = false;
    done.then(
      () => (finished = true),
      () => (finished = true),
    );
    const deadline = Date.now() + realMs;
    while (!finished && Date.now() < deadline) {
      await settle();
      if (finished) break;
      this.#timers.sort((a, b) => a.at - b.at);
      const first = this.#timers.shift();
      if (!first) continue;
      this.nowMs = Math.max(this.nowMs, first.at);
      first.resolve();
    }
    return done;
  }
}

/** Lets queued promise callbacks and immediates run. */
export async function settle(rounds = 5): Promise<void> {
  for (let i = 0; i < rounds; i++) await new Promise((resolve) => setImmediate(resolve));
}

/** Waits (on real I/O, never on time) until `condition` holds; fails after `ms` real milliseconds. */
export async function until(condition: () => boolean, what: string, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

/** A debug-level logger whose lines are kept, to check that secrets never reach the log. */
export function capturingLogger(): { log: Logger; lines: string[] } {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { log: pino({ level: 'debug' }, stream), lines };
}

export function slackDeps(clock: FakeClock, extra: Partial<AlerterDeps> = {}): AlerterDeps {
  const { log } = capturingLogger();
  return { log, out: () => undefined, clock, env: {}, ...extra };
}
