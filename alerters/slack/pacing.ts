/**
 * Slack allows about one message per second per channel ("short bursts" above that are tolerated,
 * sustained ones get HTTP 429). Alerts come in bursts (a rule with a query_key can match dozens of
 * keys in one run), so posts to the same channel are queued and spaced: never dropped, never
 * reordered. The queue lives in this process only: several LogWarden processes posting to the
 * same channel each keep their own pace.
 */
import { sleep, type Clock } from '../../src/schedule/clock.ts';

/** Slack's documented pace for chat.postMessage and incoming webhooks. */
export const SLACK_CHANNEL_INTERVAL_MS = 1000;

/** Entries of idle channels are dropped beyond this many, so a long-running process keeps a small map. */
const MAX_IDLE_CHANNELS = 1000;

/**
 * Runs posts per channel one at a time, each starting at least `intervalMs` after the previous one
 * started (or later when Slack asked to wait, see `defer`).
 */
export class ChannelPacer {
  readonly #clock: Clock;
  readonly #intervalMs: number;
  /** Earliest start of the next post, per channel. */
  readonly #next = new Map<string, number>();
  /** The last queued post of each channel: the next one starts after it settles. */
  readonly #tails = new Map<string, Promise<unknown>>();

  constructor(clock: Clock, intervalMs = SLACK_CHANNEL_INTERVAL_MS) {
    this.#clock = clock;
    this.#intervalMs = intervalMs;
  }

  /** Runs `post` when the channel's turn comes; resolves or rejects as `post` does. */
  run<T>(channel: string, post: () => Promise<T>): Promise<T> {
    const previous = this.#tails.get(channel) ?? Promise.resolve();
    const result = previous.then(async () => {
      await this.#waitForSlot(channel);
      return post();
    });
    // The next post waits for this one to settle, whatever its outcome.
    const tail = result.then(
      () => undefined,
      () => undefined,
    );
    this.#tails.set(channel, tail);
    void tail.then(() => {
      if (this.#tails.get(channel) === tail) this.#tails.delete(channel);
    });
    return result;
  }

  /** Slack said to come back in `ms` (429 Retry-After): later posts to this channel wait at least that long. */
  defer(channel: string, ms: number): void {
    const until = this.#clock.now() + ms;
    if (until > (this.#next.get(channel) ?? 0)) this.#next.set(channel, until);
  }

  async #waitForSlot(channel: string): Promise<void> {
    // A loop: a defer() may push the slot further while this post waits.
    for (;;) {
      const now = this.#clock.now();
      const next = this.#next.get(channel) ?? now;
      if (next <= now) break;
      await sleep(this.#clock, next - now);
    }
    this.#next.set(channel, this.#clock.now() + this.#intervalMs);
    this.#forgetIdle();
  }

  #forgetIdle(): void {
    if (this.#next.size <= MAX_IDLE_CHANNELS) return;
    const now = this.#clock.now();
    for (const [channel, next] of this.#next) {
      if (next <= now && !this.#tails.has(channel)) this.#next.delete(channel);
    }
  }
}

const shared = new WeakMap<Clock, ChannelPacer>();

/**
 * One pacer per clock, shared by every Slack alerter of the process that uses that clock: two rules
 * posting to the same channel share its pace, and a rule reload (new alerters) keeps it too.
 */
export function sharedPacer(clock: Clock): ChannelPacer {
  let pacer = shared.get(clock);
  if (!pacer) {
    pacer = new ChannelPacer(clock);
    shared.set(clock, pacer);
  }
  return pacer;
}
