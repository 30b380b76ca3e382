/**
 * The kit's promise: an alerter's schema (the one lint uses) also drives the options the alerter
 * reads. For every implemented alerter and every option its schema types, a value of the wrong
 * type makes building the alerter fail naming that option, as lint does: no alerter accepts what
 * lint refuses because a second parser of its own looked elsewhere.
 */
import { describe, expect, it } from '@jest/globals';
import { createAlerters } from '../../../alerters/index.ts';
import type { AlerterSchema } from '../../../alerters/kit/contract.ts';
import { ALERTER_SCHEMAS } from '../../../alerters/schemas.ts';
import { validate, type Schema } from '../../../src/config/validate.ts';
import { silentLogger } from '../../../src/log.ts';
import { httpRule } from './http-fixtures.ts';

/** Wrong for every schema that does not take a mapping. */
const WRONG = { wrong: [1] };

/** A value of the right type for a required option, so that only the option under test is wrong. */
function typed(schema: Schema): unknown {
  if (schema.enum) return schema.enum[0];
  if (schema.anyOf?.[0]) return typed(schema.anyOf[0]);
  const type = Array.isArray(schema.type) ? schema.type[0] : schema.type;
  if (type === 'integer' || type === 'number') return schema.minimum ?? 1;
  if (type === 'boolean') return true;
  if (type === 'array') return Array.from({ length: schema.minItems ?? 0 }, () => typed(schema.items ?? {}));
  if (type === 'object') return {};
  return 'x';
}

function base(schema: AlerterSchema): Record<string, unknown> {
  return Object.fromEntries((schema.required ?? []).map((name) => [name, typed(schema.options[name] ?? {})]));
}

const CASES = ALERTER_SCHEMAS.flatMap((schema) =>
  Object.entries(schema.options)
    .filter(([, option]) => validate(option, WRONG, { file: '' }).length > 0)
    .map(([option]) => ({ alerter: schema.name, option, schema })),
);

describe('each alerter reads its options through its schema', () => {
  it('covers every implemented alerter that has options', () => {
    const withOptions = ALERTER_SCHEMAS.filter((s) => Object.keys(s.options).length > 0).map((s) => s.name);
    expect([...new Set(CASES.map((c) => c.alerter))].sort()).toEqual([...withOptions].sort());
  });

  it.each(CASES)('$alerter refuses $option of the wrong type, naming it', ({ alerter, option, schema }) => {
    const rule = httpRule(alerter, { ...base(schema), [option]: WRONG });
    let message = '';
    try {
      createAlerters(rule, { log: silentLogger(), out: () => undefined, env: {} });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toMatch(new RegExp(`^ssh\\.yaml: rule "SSH brute force": ${option}(\\.|\\[|: )`));
  });
});
