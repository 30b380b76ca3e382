import { describe, expect, it } from '@jest/globals';
import { summaryTable } from '../../../src/alert/summary.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';

const rule = (summary_table_fields: unknown): RuleDefinition =>
  ({
    name: 'R',
    options: { aggregation: { minutes: 5 }, summary_table_fields, summary_table_type: 'markdown' },
  }) as unknown as RuleDefinition;

describe('summary_table_fields in the {path, header} form', () => {
  const matches = [
    { user: { name: 'alice' }, source: { ip: '10.0.0.1' } },
    { user: { name: 'alice' }, source: { ip: '10.0.0.1' } },
  ];

  it('reads the path and titles the column with the header; plain names stay as they are', () => {
    expect(summaryTable(rule([{ path: 'user.name', header: 'User' }, 'source.ip']), matches)).toBe(
      "Aggregation resulted in the following data for summary_table_fields ==> ['User', 'source.ip', 'count']:\n\n" +
        '| User | source.ip | count |\n|-----|-----|-----|\n| alice | 10.0.0.1 | 2 |\n\n',
    );
  });

  it('without a header the path is the title', () => {
    expect(summaryTable(rule([{ path: 'user.name' }]), matches)).toContain('| user.name | count |');
  });
});
