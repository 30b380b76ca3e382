import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { configKeysMarkdown, optionCoverage, refusedButRead, ruleOptionsMarkdown, withConfigTable } from '../../../scripts/option-coverage.ts';

const doc = (name: string): string => readFileSync(new URL(`../../../docs/${name}`, import.meta.url), 'utf8');

describe('no option is accepted and ignored', () => {
  const rows = optionCoverage();

  it('every key of the rule and config schemas is read by code or refused by lint with a reason', () => {
    expect(rows.filter((r) => r.status === 'UNCOVERED').map((r) => `${r.where}: ${r.key}`)).toEqual([]);
  });

  it('covers both schemas', () => {
    const keys = new Set(rows.map((r) => r.key));
    for (const key of ['filter', 'top_count_keys', 'slack_webhook_url', 'es_hosts', 'skip_invalid', 'logging', 'rules_folder', 'statsd_host']) expect(keys).toContain(key);
  });

  it('no refused key is read somewhere (after a merge, either the refusal or the reader is stale)', () => {
    expect(refusedButRead()).toEqual([]);
  });

  it('docs/rule-options.md is what the schema says (regenerate: node scripts/option-coverage.ts --write)', () => {
    expect(doc('rule-options.md')).toBe(ruleOptionsMarkdown(rows));
  });

  it('the key table of docs/configuration.md is what the schema says', () => {
    const current = doc('configuration.md');
    expect(current).toBe(withConfigTable(current, rows));
    expect(current).toContain(configKeysMarkdown(rows));
  });
});
