import { describe, expect, it } from '@jest/globals';
import { dataEvents, DataFileError, parseDataFile } from '../../../src/backtest/data.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';

const rule = {
  name: 'r',
  file: 'r.yaml',
  timestampField: '@timestamp',
  timestampType: 'iso',
  queryKey: ['user.name'],
} as unknown as RuleDefinition;

describe('parseDataFile', () => {
  it('reads a JSON array: _source with _id (ElastAlert2 --save-json), search hits, and documents without ids', () => {
    const docs = parseDataFile(
      JSON.stringify([
        { _id: 'a', '@timestamp': '2026-01-01T00:00:01Z', x: 1 },
        { _id: 'b', _index: 'logs', _source: { '@timestamp': '2026-01-01T00:00:02Z', x: 2 } },
        { '@timestamp': '2026-01-01T00:00:03Z', x: 3 },
      ]),
      'd.json',
    );
    expect(docs.map((d) => d.id)).toEqual(['a', 'b', 'data-3']);
    expect(docs[0]?.source).toEqual({ '@timestamp': '2026-01-01T00:00:01Z', x: 1 });
    expect(docs[1]?.source).toEqual({ '@timestamp': '2026-01-01T00:00:02Z', x: 2 });
  });

  it('reads NDJSON, skipping blank lines, and names the line of a broken one', () => {
    const docs = parseDataFile('{"x":1}\n\n{"x":2}\r\n', 'd.ndjson');
    expect(docs.map((d) => [d.id, d.position])).toEqual([
      ['data-1', 'line 1'],
      ['data-2', 'line 3'],
    ]);
    expect(() => parseDataFile('{"x":1}\n{"x":\n', 'd.ndjson')).toThrow(/d\.ndjson:2: not valid JSON/);
  });

  it('refuses what is not a list of documents', () => {
    expect(() => parseDataFile('', 'e')).toThrow(DataFileError);
    expect(() => parseDataFile('[1, 2]', 'e')).toThrow(/item 1: expected a document/);
    expect(() => parseDataFile('[{"x":1}', 'e')).toThrow(/not valid JSON/);
  });
});

describe('dataEvents', () => {
  it('sorts by time, reads query_key, and names documents without a readable timestamp', () => {
    const docs = parseDataFile(
      '{"@timestamp":"2026-01-02T00:00:00Z","user":{"name":"b"}}\n{"@timestamp":"2026-01-01T00:00:00Z","user":{"name":"a"}}',
      'd',
    );
    const events = dataEvents(rule, docs, 'd', 'd');
    expect(events.map((e) => e.key)).toEqual(['a', 'b']);
    expect(events[0]?.index).toBe('d');
    const bad = parseDataFile('{"@timestamp":"2026-01-02T00:00:00Z"}\n{"nope":1}\n{"@timestamp":"not a time"}', 'd');
    expect(() => dataEvents(rule, bad, 'd', 'd')).toThrow(/2 documents have no readable @timestamp .*line 2, line 3/);
  });
});
