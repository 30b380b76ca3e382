import { describe, expect, it } from '@jest/globals';
import { globalConfigProperties } from '../../../src/config/config-schema.ts';
import { suggest } from '../../../src/config/suggest.ts';

const CONFIG_KEYS = Object.keys(globalConfigProperties);

describe('suggest', () => {
  const cases: [reason: string, unknown: string, known: readonly string[], expected: string | undefined][] = [
    ['two swapped letters are a likely typo', 'run_evrey', CONFIG_KEYS, 'run_every'],
    ['a missing letter is a likely typo', 'run_evry', CONFIG_KEYS, 'run_every'],
    ['an extra letter is a likely typo', 'buffer_timee', CONFIG_KEYS, 'buffer_time'],
    ['case is ignored when comparing, and the known spelling returned', 'ES_HOST', CONFIG_KEYS, 'es_host'],
    ['a hyphen for an underscore is a likely typo', 'writeback-index', CONFIG_KEYS, 'writeback_index'],
    [
      'a long name allows up to a third of its length in edits (6 of 22 here)',
      'scroll_keep_alive_time',
      ['scroll_keepalive'],
      'scroll_keepalive',
    ],
    ['more edits than a third of the length is too far (6 of 17 here)', 'max_threads_total', ['max_threads'], undefined],
    ['a long name with three edits is still found', 'max_scroling_cnt', ['max_scrolling_count'], 'max_scrolling_count'],
    ['the closest of several candidates wins', 'es_port', ['es_host', 'es_port', 'es_url'], 'es_port'],
    ['the first of equally close candidates wins', 'ab', ['ax', 'ay'], 'ax'],
    ['an unrelated word gets no suggestion', 'frobnicate', CONFIG_KEYS, undefined],
    ['a short name allows two edits at least', 'xy', ['ab'], 'ab'],
    ['a short name does not match a word three edits away', 'xyz', ['abc'], undefined],
    ['nothing is suggested when nothing is known', 'es_host', [], undefined],
    ['an empty name matches a short known name within two edits', '', ['ab', 'abcdef'], 'ab'],
  ];
  it.each(cases)('%s', (_reason, unknown, known, expected) => {
    expect(suggest(unknown, known)).toBe(expected);
  });

  it('accepts any iterable of names, such as a Set', () => {
    expect(suggest('timestamp_feild', new Set(['timestamp_field', 'timestamp_type']))).toBe('timestamp_field');
  });
});
