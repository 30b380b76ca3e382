import { describe, expect, it } from '@jest/globals';
import { WRITEBACK_MAPPINGS, writebackTemplate } from '../../../src/writeback/mappings.ts';
import { mappingProblems, missingFields, settingsProblems } from '../../../src/writeback/verify.ts';

describe('writeback mapping verification', () => {
  it('finds nothing wrong with the mapping LogWarden creates', () => {
    for (const mapping of Object.values(WRITEBACK_MAPPINGS)) expect(mappingProblems(mapping, mapping)).toEqual([]);
  });

  it('names each field whose type Elasticsearch guessed, and dynamic mapping', () => {
    const guessed = {
      properties: {
        rule_name: { type: 'text' as const, fields: { keyword: { type: 'keyword' as const } } },
        match_body: { properties: { code: { type: 'long' as const } } },
        alert_time: { type: 'date' as const },
        match_time: { type: 'long' as const },
      },
    };
    expect(mappingProblems(WRITEBACK_MAPPINGS.alerts, guessed)).toEqual([
      'dynamic is true, must be strict (an unknown field must be refused, not guessed)',
      'rule_name: is text, must be keyword',
      'match_body: is object, must be object with enabled: false',
      'match_time: is long, must be date',
    ]);
    expect(missingFields(WRITEBACK_MAPPINGS.alerts, guessed)).toContain('alert_sent');
    expect(mappingProblems(WRITEBACK_MAPPINGS.alerts, undefined)).toEqual(['no mapping']);
  });

  it('reports write blocks, and only those', () => {
    expect(
      settingsProblems({ 'index.blocks.read_only_allow_delete': 'true', 'index.blocks.write': 'false', 'index.number_of_shards': '3' }),
    ).toEqual(['index.blocks.read_only_allow_delete is true: nothing can be recorded (disk full? remove the block when fixed)']);
    expect(settingsProblems(undefined)).toEqual([]);
  });

  it('gives every template an exact-name pattern and a hash that changes with the mapping', () => {
    const t = writebackTemplate('wb', 'status');
    expect(t.index_patterns).toEqual(['wb_status']);
    expect(writebackTemplate('wb', 'alerts').index_patterns).toEqual(['wb']);
    expect(t._meta.template_hash).toBe(writebackTemplate('wb', 'status')._meta.template_hash);
    expect(t._meta.template_hash).not.toBe(writebackTemplate('wb', 'state')._meta.template_hash);
  });
});
