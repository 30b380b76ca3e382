import { describe, expect, it } from '@jest/globals';
import { filterFields } from '../../../src/cli/commands/lint-es.ts';

describe('filterFields', () => {
  it('finds the fields of term, terms, match, range, wildcard and exists clauses, inside bool too', () => {
    expect(
      filterFields([
        { term: { 'event.outcome': 'failure' } },
        { terms: { 'user.name': ['root', 'admin'], boost: 2 } },
        { bool: { must_not: [{ match_phrase: { message: 'cron' } }], should: [{ range: { 'http.status': { gte: 500 } } }] } },
        { wildcard: { 'url.path': { value: '*.php' } } },
        { exists: { field: 'source.ip' } },
      ]).sort(),
    ).toEqual(['event.outcome', 'http.status', 'message', 'source.ip', 'url.path', 'user.name']);
  });

  it('leaves query_string text to Elasticsearch and ignores clause options', () => {
    expect(
      filterFields([{ query: { query_string: { query: 'user.name:root AND NOT host:x' } } }, { term: { _name: 'n', 'a.b': 1 } }]),
    ).toEqual(['a.b']);
  });
});
