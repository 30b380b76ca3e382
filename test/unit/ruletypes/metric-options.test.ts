import { describe, expect, it } from '@jest/globals';
import { percentFormat, queryKeyEntries } from '../../../src/ruletypes/metric-options.ts';
import { makeRule } from './fixtures.ts';

describe('percentFormat (Python format % value)', () => {
  it.each([
    ['%.2f', 0.966666667, '0.97'],
    ['%d bytes', 1234.9, '1234 bytes'],
    ['%5.1f%%', 12.34, ' 12.3%'],
    ['%-6d|', 42, '42    |'],
    ['%+.1e', 12345, '+1.2e+04'],
    ['%s', 1.5, '1.5'],
  ])('%s of %d gives %s', (format, value, expected) => {
    expect(percentFormat(format, value)).toBe(expected);
  });

  it('fails like Python on two conversions', () => {
    expect(() => percentFormat('%d %d', 1)).toThrow('not enough arguments for format string');
  });
});

describe('queryKeyEntries', () => {
  it('nests a single dotted key as ElastAlert2 expand_string_into_dict does', () => {
    expect(queryKeyEntries(makeRule({ queryKey: ['host.name'] }), ['ws-1'])).toEqual({
      body: { host: { name: 'ws-1' } },
      key: 'ws-1',
      fields: { 'host.name': 'ws-1' },
    });
  });

  it('a value never becomes a prototype', () => {
    const { body } = queryKeyEntries(makeRule({ queryKey: ['__proto__.polluted'] }), ['yes']);
    expect(Object.getPrototypeOf(body)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });
});
