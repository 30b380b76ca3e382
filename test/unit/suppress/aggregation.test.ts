import { describe, expect, it } from '@jest/globals';
import { summaryTable } from '../../../src/alert/summary.ts';
import { aggregationEnd, aggregationKeyValue, aggregationOf } from '../../../src/suppress/aggregation.ts';
import { makeRule } from '../ruletypes/fixtures.ts';

const at = (iso: string): number => Date.parse(iso);

describe('aggregation periods', () => {
  const rows = [
    { why: 'a period runs from the first match', aggregation: { minutes: 10 }, start: '2026-03-01T10:03:20Z', end: '2026-03-01T10:13:20Z' },
    { why: 'text durations work too', aggregation: '1h', start: '2026-03-01T10:03:20Z', end: '2026-03-01T11:03:20Z' },
    {
      why: 'a schedule fires at the next matching minute',
      aggregation: { schedule: '*/15 * * * *' },
      start: '2026-03-01T10:03:20Z',
      end: '2026-03-01T10:15:00Z',
    },
    {
      why: 'a schedule exactly at its minute waits for the next one',
      aggregation: { schedule: '0 * * * *' },
      start: '2026-03-01T10:00:00Z',
      end: '2026-03-01T11:00:00Z',
    },
    {
      why: 'weekdays only: Friday evening waits for Monday',
      aggregation: { schedule: '0 9 * * 1-5' },
      start: '2026-03-06T18:00:00Z',
      end: '2026-03-09T09:00:00Z',
    },
    {
      why: 'both day fields restricted: either matches (cron)',
      aggregation: { schedule: '0 0 1 * 1' },
      start: '2026-03-01T12:00:00Z',
      end: '2026-03-02T00:00:00Z',
    },
  ];
  it.each(rows)('$why', ({ aggregation, start, end }) => {
    const spec = aggregationOf(makeRule({}, { aggregation }));
    if (!spec) throw new Error('no spec');
    expect(new Date(aggregationEnd(spec, at(start))).toISOString()).toBe(new Date(at(end)).toISOString());
  });

  it('has no aggregation without the option and refuses bad ones with the option named', () => {
    expect(aggregationOf(makeRule({}, {}))).toBeUndefined();
    expect(() => aggregationOf(makeRule({}, { aggregation: { minute: 5 } }))).toThrow('aggregation: unknown duration unit "minute"');
    expect(() => aggregationOf(makeRule({}, { aggregation: { minutes: 0 } }))).toThrow('aggregation: must be longer than 0');
  });

  it('joins aggregation_key values as ElastAlert2 does', () => {
    const match = { user: { name: 'alice' }, host: 'h1' };
    expect(aggregationKeyValue(makeRule({}, { aggregation_key: 'user.name' }), match)).toBe('alice');
    expect(aggregationKeyValue(makeRule({}, { aggregation_key: ['user.name', 'host', 'missing'] }), match)).toBe('alice, h1, None');
    expect(aggregationKeyValue(makeRule({}, {}), match)).toBe('');
  });
});

describe('summaryTable', () => {
  const matches = [
    { user: 'alice', ip: '10.0.0.1' },
    { user: 'alice', ip: '10.0.0.1' },
    { user: 'bob', ip: '10.0.0.2' },
    { user: 'alice', ip: '10.0.0.1' },
    { user: '<!channel>', ip: '10.0.0.9' },
  ];
  const rule = (options: Record<string, unknown>) =>
    makeRule({}, { aggregation: { minutes: 5 }, summary_table_fields: ['user', 'ip'], ...options });

  it('draws an ascii table, most frequent first', () => {
    expect(summaryTable(rule({}), matches)).toBe(
      "Aggregation resulted in the following data for summary_table_fields ==> ['user', 'ip', 'count']:\n\n" +
        '+------------+----------+-------+\n' +
        '| user       | ip       | count |\n' +
        '+============+==========+=======+\n' +
        '| alice      | 10.0.0.1 | 3     |\n' +
        '+------------+----------+-------+\n' +
        '| bob        | 10.0.0.2 | 1     |\n' +
        '+------------+----------+-------+\n' +
        '| <!channel> | 10.0.0.9 | 1     |\n' +
        '+------------+----------+-------+\n\n',
    );
  });

  it('draws markdown with prefix, suffix and a row limit', () => {
    expect(
      summaryTable(
        rule({ summary_table_type: 'markdown', summary_table_max_rows: 1, summary_prefix: 'Logins:', summary_suffix: 'end' }),
        matches,
      ),
    ).toBe(
      "Logins:\nAggregation resulted in the following data for summary_table_fields ==> ['user', 'ip', 'count']:\n\n" +
        '| user | ip | count |\n|-----|-----|-----|\n| alice | 10.0.0.1 | 3 |\n\nShowing top 1 rows\nend',
    );
  });

  it('entity-escapes document values in html', () => {
    const html = summaryTable(rule({ summary_table_type: 'html' }), [{ user: '<script>alert(1)</script>', ip: '"x"' }]);
    expect(html).toContain('<td>&lt;script&gt;alert(1)&lt;/script&gt;</td><td>&quot;x&quot;</td><td>1</td>');
    expect(html).not.toContain('<script>');
  });

  it('passes document values through the medium escape, not the rule text', () => {
    const text = summaryTable(rule({ summary_prefix: '<!here> summary' }), matches, (s) => s.replace(/</g, '&lt;'));
    expect(text.startsWith('<!here> summary\n')).toBe(true);
    expect(text).toContain('&lt;!channel>');
  });

  it('is empty without summary_table_fields', () => {
    expect(summaryTable(makeRule({}, { aggregation: { minutes: 5 } }), matches)).toBe('');
  });
});
