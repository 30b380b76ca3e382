import type { Schema } from '../../src/config/validate.ts';

// The option types alerter schemas share. Names and types follow ElastAlert2's rule schema
// (schema.yaml) so that rules written for it lint clean.

export const str: Schema = { type: 'string' };
/** Text that means nothing when empty (a host, a path, an address). */
export const nonEmpty: Schema = { type: 'string', minLength: 1 };
export const bool: Schema = { type: 'boolean' };
export const int: Schema = { type: 'integer' };
export const port: Schema = { type: 'integer', minimum: 1, maximum: 65535 };
export const mapping: Schema = { type: 'object' };
export const strList: Schema = { type: 'array', items: str };
export const strOrList: Schema = { type: ['string', 'array'], items: str };
export const secret: Schema = { type: 'string', 'x-secret': true };
export const secretOrList: Schema = { type: ['string', 'array'], items: str, 'x-secret': true };
export const certs: Schema = { type: ['boolean', 'string'] };
// Seconds; fractions allowed (Python's requests takes a float).
export const seconds: Schema = { type: 'number', exclusiveMinimum: 0 };

/**
 * The transport options of an HTTP alerter whose options start with `prefix`: ElastAlert2's
 * `_proxy`, `_ca_certs`, `_ignore_ssl_errors`, `_timeout` (LogWarden accepts all four for every
 * HTTP alerter: certificate checks must be configurable everywhere). Read by kit/webhook.ts transportOf.
 */
export function transportSchema(prefix: string): Record<string, Schema> {
  return {
    [`${prefix}_proxy`]: str,
    [`${prefix}_ca_certs`]: certs,
    [`${prefix}_ignore_ssl_errors`]: bool,
    [`${prefix}_timeout`]: seconds,
  };
}

/** A mapping of names to text (numbers and booleans are written as text). */
export const textMap: Schema = { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } };
