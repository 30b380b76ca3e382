import { describe, expect, it } from '@jest/globals';
import { FormatError, formatPython, formatPythonParts, joinParts, pyJsonDumps, truncateParts } from '../../../src/pycompat/index.ts';

/** Every expected value below was produced by CPython's str.format with the same arguments. */
describe('formatPython', () => {
  const rows: { why: string; template: string; args: unknown[]; kwargs: Record<string, unknown>; expected: string }[] = [
    { why: 'numbered fields', template: '{0} and {1}', args: ['a', 'b'], kwargs: {}, expected: 'a and b' },
    { why: '{} auto-numbering', template: '{} and {}', args: ['a', 'b'], kwargs: {}, expected: 'a and b' },
    { why: 'fields reused and reordered', template: '{1}{0}{1}', args: ['a', 'b'], kwargs: {}, expected: 'bab' },
    { why: 'doubled braces are literal braces', template: '{{0}} is {0}', args: ['x'], kwargs: {}, expected: '{0} is x' },
    { why: 'escapes alone', template: '}}{{', args: [], kwargs: {}, expected: '}{' },
    {
      why: 'values containing {0} are inserted as data, never expanded again',
      template: '{0}{1}',
      args: ['{1}{0}', '{0}'],
      kwargs: {},
      expected: '{1}{0}{0}',
    },
    { why: 'keywords (alert_text_kw)', template: '{user} on {host}', args: [], kwargs: { user: 'bob', host: 'h1' }, expected: 'bob on h1' },
    { why: 'item access into objects and lists', template: '{0[a]} {0[b][1]}', args: [{ a: 1, b: [5, 6] }], kwargs: {}, expected: '1 6' },
    { why: 'conversions', template: '{0!r} {0!s} {1!a}', args: ['x', 'é'], kwargs: {}, expected: "'x' x '\\xe9'" },
    {
      why: 'string alignment and fill',
      template: '[{0:>6}] [{0:<6}] [{0:^7}] [{0:*^7}]',
      args: ['ab'],
      kwargs: {},
      expected: '[    ab] [ab    ] [  ab   ] [**ab***]',
    },
    { why: 'string precision truncates', template: '{0:.2}', args: ['abcdef'], kwargs: {}, expected: 'ab' },
    {
      why: 'integer grouping, signs and zero padding',
      template: '{0:,} {0:_} {0:+d} {0: d} {1:06d} {1:+06d}',
      args: [1234567, -42],
      kwargs: {},
      expected: '1,234,567 1_234_567 +1234567  1234567 -00042 -00042',
    },
    {
      why: 'float presentation types',
      template: '{0:.2f} {0:.1%} {0:e} {0:.3g} {0:g}',
      args: [1234.5678],
      kwargs: {},
      expected: '1234.57 123456.8% 1.234568e+03 1.23e+03 1234.57',
    },
    {
      why: 'g switches to exponent form like Python; .0f rounds half to even for 2.5',
      template: '{0:g} {1:g} {2:g} {3:.0f}',
      args: [1e-5, 1e16, 100000.0, 2.5],
      kwargs: {},
      expected: '1e-05 1e+16 100000 2',
    },
    {
      why: 'integer bases and characters',
      template: '{0:x} {0:#x} {0:X} {0:#b} {0:o} {0:c}',
      args: [255],
      kwargs: {},
      expected: 'ff 0xff FF 0b11111111 377 ÿ',
    },
    {
      why: 'grouped floats and sign-aware padding',
      template: '{0:,.2f} {1:08.3f} {1:=+9.2f}',
      args: [1234567.891, -3.14159],
      kwargs: {},
      expected: '1,234,567.89 -003.142 -    3.14',
    },
    {
      why: 'booleans format as ints with a spec; numbers align right',
      template: '{0:>5} {1:5}',
      args: [true, 3],
      kwargs: {},
      expected: '    1     3',
    },
    {
      why: 'lists, dicts, booleans and None as Python str() shows them',
      template: '{0} {1} {2} {3}',
      args: [[1, 'a'], { k: null }, true, null],
      kwargs: {},
      expected: "[1, 'a'] {'k': None} True None",
    },
    { why: 'zero flag on a string pads on the right', template: '{0:05}', args: ['ab'], kwargs: {}, expected: 'ab000' },
    { why: 'nested field in the spec', template: '{0:{1}}', args: ['x', '>4'], kwargs: {}, expected: '   x' },
    { why: 'nested field shares auto-numbering', template: '{:{}}', args: ['x', '>4'], kwargs: {}, expected: '   x' },
    { why: 'zero flag with explicit alignment fills with zeros', template: '{0:<05}', args: [7], kwargs: {}, expected: '70000' },
    {
      why: 'underscore groups hex and binary by four',
      template: '{0:_x} {1:_b}',
      args: [11259375, 255],
      kwargs: {},
      expected: 'ab_cdef 1111_1111',
    },
    {
      why: 'exact ties round half to even as Python (JavaScript rounds them up)',
      template: '{:.2f} {:.1f} {:.0f} {:.0f} {:.0e} {:.1e} {:.2g} {:.0%}',
      args: [0.125, 0.25, 3.5, 0.5, 2.5, 1.25, 0.125, 0.005],
      kwargs: {},
      expected: '0.12 0.2 4 0 2e+00 1.2e+00 0.12 0%',
    },
    {
      why: 'width with float types, negative grouping',
      template: '{0:10.3f}|{0:<10.2e}|{1:,d}',
      args: [3.14159, -1234],
      kwargs: {},
      expected: '     3.142|3.14e+00  |-1,234',
    },
  ];
  it.each(rows)('$why: $template', ({ template, args, kwargs, expected }) => {
    expect(formatPython(template, args, kwargs)).toBe(expected);
  });

  // Where Python raises, so do we (FormatError), mostly with Python's own message.
  const errors: { template: string; args: unknown[]; python: string; error: RegExp }[] = [
    { template: '{', args: ['a'], python: "ValueError: Single '{' encountered in format string", error: /Single '\{' encountered/ },
    { template: '}', args: ['a'], python: "ValueError: Single '}' encountered in format string", error: /Single '\}' encountered/ },
    {
      template: '{0} {}',
      args: ['a', 'b'],
      python: 'ValueError: cannot switch from manual field specification to automatic field numbering',
      error: /cannot switch from manual field specification to automatic field numbering/,
    },
    {
      template: '{} {0}',
      args: ['a', 'b'],
      python: 'ValueError: cannot switch from automatic field numbering to manual field specification',
      error: /cannot switch from automatic field numbering to manual field specification/,
    },
    {
      template: '{2}',
      args: ['a'],
      python: 'IndexError: Replacement index 2 out of range for positional args tuple',
      error: /replacement index 2 out of range/,
    },
    { template: '{x}', args: ['a'], python: "KeyError: 'x'", error: /KeyError: 'x'/ },
    {
      template: '{0:d}',
      args: ['a'],
      python: "ValueError: Unknown format code 'd' for object of type 'str'",
      error: /Unknown format code 'd' for object of type 'str'/,
    },
    {
      template: '{0:>5}',
      args: [null],
      python: 'TypeError: unsupported format string passed to NoneType.__format__',
      error: /unsupported format string passed to NoneType\.__format__/,
    },
    {
      template: '{0:>5}',
      args: [[1]],
      python: 'TypeError: unsupported format string passed to list.__format__',
      error: /unsupported format string passed to list\.__format__/,
    },
    { template: '{0!z}', args: ['a'], python: 'ValueError: Unknown conversion specifier z', error: /Unknown conversion specifier z/ },
    {
      template: '{0.attr}',
      args: [{ attr: 1 }],
      python: "AttributeError: 'dict' object has no attribute 'attr'",
      error: /attribute access/,
    },
    { template: '{0[1]}', args: [['a']], python: 'IndexError: list index out of range', error: /IndexError/ },
    {
      template: '{0:.2d}',
      args: [5],
      python: 'ValueError: Precision not allowed in integer format specifier',
      error: /Precision not allowed in integer format specifier/,
    },
    { template: '{0:,}', args: ['s'], python: "ValueError: Cannot specify ',' with 's'.", error: /Cannot specify ',' with 's'/ },
    {
      template: '{0[a}',
      args: ['a'],
      python: "ValueError: expected '}' before end of string",
      error: /expected '\}' before end of string/,
    },
  ];
  it.each(errors)('refuses $template like Python ($python)', ({ template, args, error }) => {
    expect(() => formatPython(template, args)).toThrow(FormatError);
    expect(() => formatPython(template, args)).toThrow(error);
  });
});

describe('formatPython with escape', () => {
  const wrap = (v: string) => `«${v}»`;

  it('escapes each replacement field after its conversion and spec, never the template text or {{ }}', () => {
    expect(formatPython('<{0:>5}>|{0!r}|{{0}}|{k}', ['a'], { k: '<b>' }, wrap)).toBe("<«    a»>|«'a'»|{0}|«<b>»");
  });

  it('a nested field inside a spec shapes the value and is not escaped on its own', () => {
    expect(formatPython('{0:{1}}', ['x', '>4'], {}, wrap)).toBe('«   x»');
  });

  it('parts keep text and fields apart; truncation counts code points before escaping', () => {
    const parts = formatPythonParts('ab{0}c', ['😀<'], {});
    expect(parts).toEqual([
      { text: 'ab', field: false },
      { text: '😀<', field: true },
      { text: 'c', field: false },
    ]);
    expect(joinParts(truncateParts(parts, 3), wrap)).toBe('ab«😀»');
    expect(joinParts(truncateParts(parts, 0), wrap)).toBe('');
  });
});

describe('pyJsonDumps (Python json.dumps)', () => {
  it('ensure_ascii, separators and key order as Python', () => {
    expect(pyJsonDumps({ b: ['é', '😀', '\u001b', '\u007f'], a: null, c: true })).toBe(
      '{"b": ["\\u00e9", "\\ud83d\\ude00", "\\u001b", "\\u007f"], "a": null, "c": true}',
    );
    expect(pyJsonDumps({ b: 1, a: [1, 2] }, { compact: true, sortKeys: true })).toBe('{"a":[1,2],"b":1}');
  });
});
