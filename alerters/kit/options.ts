import { validate, type Schema } from '../../src/config/validate.ts';
import type { AlerterRef, RuleDefinition } from '../../src/rules/types.ts';
import { alerterOptions, optionError } from '../types.ts';
import type { AlerterSchema } from './contract.ts';

const objectSchemas = new WeakMap<AlerterSchema, Schema>();

/** The alerter's options as one object schema, built once (validate compiles per schema object). */
function objectSchema(schema: AlerterSchema): Schema {
  let built = objectSchemas.get(schema);
  if (!built) {
    built = { type: 'object', properties: { ...schema.options }, ...(schema.required ? { required: [...schema.required] } : {}) };
    objectSchemas.set(schema, built);
  }
  return built;
}

/**
 * The options an alerter reads (rule level, overridden by its `alert:` entry), checked against the
 * alerter's own schema, the one lint uses. `T` is the alerter's view of them: the cast is what
 * the schema just checked. Unset options and nulls are left out. Throws an option error naming
 * rule, file and option.
 */
export function readOptions<T extends object>(
  schema: AlerterSchema,
  ref: AlerterRef,
  rule: RuleDefinition,
): T & Readonly<Record<string, unknown>> {
  return checkOptions<T>(schema, alerterOptions(ref, rule), (option, message) => optionError(rule, option, message));
}

/**
 * The same check over options given as a plain object (the engine's notify_email mail, which has
 * no rule), with `fail` building the error for the first problem.
 */
export function checkOptions<T extends object>(
  schema: AlerterSchema,
  all: Readonly<Record<string, unknown>>,
  fail: (option: string, message: string) => Error,
): T & Readonly<Record<string, unknown>> {
  const picked: Record<string, unknown> = {};
  for (const name of Object.keys(schema.options)) {
    const value = all[name];
    if (value !== undefined && value !== null) picked[name] = value;
  }
  const first = validate(objectSchema(schema), picked, { file: '' })[0];
  if (first) {
    const message =
      first.field && first.message.startsWith(`${first.field}: `) ? first.message.slice(first.field.length + 2) : first.message;
    throw fail(first.field ?? schema.name, message);
  }
  return picked as T & Readonly<Record<string, unknown>>;
}
