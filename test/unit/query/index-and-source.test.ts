import { describe, expect, it } from '@jest/globals';
import { alertFields } from '../../../src/alert/match-root.ts';
import { indexFor, strftime } from '../../../src/query/build.ts';
import { maxDocsOf, sourceFilter } from '../../../src/query/fetch.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';

const at = (iso: string): number => Date.parse(iso);

describe('use_strftime_index', () => {
  it.each([
    ['%Y.%m.%d', '2026-03-05T07:08:09Z', '2026.03.05'],
    ['%H %M %S', '2026-03-05T07:08:09Z', '07 08 09'],
    ['%y %C %j', '2026-03-05T07:08:09Z', '26 20 064'],
    ['%b %B %a %A %w %u', '2026-03-01T00:00:00Z', 'Mar March Sun Sunday 0 7'],
    ['%U %W %V %G', '2026-01-04T00:00:00Z', '01 00 01 2026'],
    ['%U %W %V %G', '2027-01-01T00:00:00Z', '00 00 53 2026'],
    ['%F %T %D %R', '2026-03-05T07:08:09Z', '2026-03-05 07:08:09 03/05/26 07:08'],
    ['%I%p %e', '2026-03-05T13:00:00Z', '01PM  5'],
    ['100%%', '2026-03-05T13:00:00Z', '100%'],
  ])('%s at %s is %s (Python strftime, UTC)', (pattern, iso, expected) => {
    expect(strftime(pattern, new Date(iso))).toBe(expected);
  });

  const rule = (
    index: string,
    options: Record<string, unknown> = {},
  ): Pick<RuleDefinition, 'index' | 'useStrftimeIndex'> & { options: Record<string, unknown> } => ({
    index,
    useStrftimeIndex: true,
    options,
  });

  it('hourly indices: one per hour the window touches', () => {
    expect(indexFor(rule('logs-%Y.%m.%d.%H'), at('2026-03-05T22:30:00Z'), at('2026-03-06T00:10:00Z'))).toBe(
      'logs-2026.03.05.22,logs-2026.03.05.23,logs-2026.03.06.00',
    );
  });

  it('daily indices across midnight', () => {
    expect(indexFor(rule('logs-%Y.%m.%d'), at('2026-03-05T23:30:00Z'), at('2026-03-06T00:10:00Z'))).toBe('logs-2026.03.05,logs-2026.03.06');
  });

  it('monthly indices step through months of any length', () => {
    expect(indexFor(rule('logs-%Y.%m'), at('2026-01-30T00:00:00Z'), at('2026-03-01T00:00:00Z'))).toBe(
      'logs-2026.01,logs-2026.02,logs-2026.03',
    );
  });

  it('search_extra_index adds the period before the window', () => {
    expect(indexFor(rule('logs-%Y.%m.%d', { search_extra_index: true }), at('2026-03-05T10:00:00Z'), at('2026-03-05T11:00:00Z'))).toBe(
      'logs-2026.03.04,logs-2026.03.05',
    );
    expect(indexFor(rule('logs-%Y.%m.%d.%H', { search_extra_index: true }), at('2026-03-05T10:10:00Z'), at('2026-03-05T10:20:00Z'))).toBe(
      'logs-2026.03.05.09,logs-2026.03.05.10',
    );
  });

  it('without use_strftime_index the index is taken as written', () => {
    expect(indexFor({ index: 'logs-%Y', useStrftimeIndex: false }, 0, 1)).toBe('logs-%Y');
  });
});

describe('include restricts _source', () => {
  const rule = (
    options: Record<string, unknown>,
    queryKey?: string[],
  ): Pick<RuleDefinition, 'options' | 'timestampField' | 'queryKey'> => ({ options, timestampField: '@timestamp', queryKey });

  it('asks only for the included fields plus what the rule needs, as ElastAlert2 adds them', () => {
    expect(
      sourceFilter(rule({ include: ['user.name'], compare_key: 'host', top_count_keys: ['src.ip'] }, ['a', 'b']))._source?.sort(),
    ).toEqual(['@timestamp', 'a', 'b', 'host', 'src.ip', 'user.name']);
  });

  it('no include, or "*", reads the whole document', () => {
    expect(sourceFilter(rule({}))).toEqual({});
    expect(sourceFilter(rule({ include: ['*', 'x'] }))).toEqual({});
  });
});

describe('max_scrolling_count', () => {
  it('bounds the documents of a window to that many pages', () => {
    expect(maxDocsOf({ maxQuerySize: 100, maxScrollingCount: 3 })).toBe(300);
    expect(maxDocsOf({ maxQuerySize: 100, maxScrollingCount: undefined })).toBe(1000);
    expect(maxDocsOf({ maxQuerySize: 100, maxScrollingCount: 0 })).toBe(100_000);
  });
});

describe('fields added to a match for alerts', () => {
  const rule = (options: Record<string, unknown>): RuleDefinition => ({ name: 'R', options }) as unknown as RuleDefinition;

  it('include_rule_params_in_matches copies the named rule options; document fields win', () => {
    expect(
      alertFields(rule({ include_rule_params_in_matches: ['owner', 'team', 'missing'], owner: 'sec', team: 'blue' }), {
        team: 'from-log',
        x: 1,
      }),
    ).toEqual({ x: 1, team: 'from-log', owner: 'sec' });
  });

  it('add_metadata_alert adds the rule name, category, description, owner and priority', () => {
    expect(alertFields(rule({ add_metadata_alert: true, owner: 'sec', category: 'auth' }), { x: 1 })).toEqual({
      x: 1,
      name: 'R',
      category: 'auth',
      description: '',
      owner: 'sec',
      priority: 2,
    });
  });

  it('replace_dots_in_field_names turns dots into underscores at every depth', () => {
    expect(alertFields(rule({ replace_dots_in_field_names: true }), { 'a.b': { 'c.d': 1 }, list: [{ 'e.f': 2 }] })).toEqual({
      a_b: { c_d: 1 },
      list: [{ e_f: 2 }],
    });
  });
});
