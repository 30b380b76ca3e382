import type { Schema } from '../../src/config/validate.ts';

// The option types alerter schemas share. Names and types follow ElastAlert2's rule schema
// (schema.yaml) so that rules written for it lint clean.

export const str: Schema = { type: 'string' };
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
