/**
 * The alerter kit's contract: what an alerter is made of, so that every one looks the same to
 * lint, to the engine and to a contributor.
 *
 * - `schema.ts` beside the alerter: an AlerterSchema, pure data. The rule schema (lint) is built
 *   from it, and the alerter reads its options through `readOptions` against the same schema:
 *   there is no second, hand-written parser that could disagree with lint.
 * - `index.ts`: an AlerterFactory returning an Alerter (alerters/types.ts): `send` resolves when
 *   the peer accepted the alert and otherwise throws an AlerterError that says retryable or
 *   permanent and, when the peer said so, when to retry (`retryAfterMs`); `close` releases
 *   connections. An HTTP alerter renders its request with its medium's escaping (kit/webhook.ts)
 *   and sends it through the one HTTP client (alerters/http.ts).
 * - An ElastAlert2 alerter LogWarden does not implement is listed in alerters/refused.ts with
 *   the reason, so lint names it instead of calling it unknown.
 */
import type { Schema } from '../../src/config/validate.ts';

export interface AlerterSchema {
  /** The name rules use in `alert:` (ElastAlert2's, where it has one). */
  readonly name: string;
  /** Every option the alerter reads, by its ElastAlert2 name, with its type. */
  readonly options: Readonly<Record<string, Schema>>;
  /** Options without which ElastAlert2 refuses to load the rule (its `required_options`). */
  readonly required?: readonly string[];
}

/** An alerter name lint knows but this build cannot send with, and why. */
export interface RefusedAlerter {
  readonly name: string;
  readonly reason: string;
}
