import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { bundledTemplatesDir, packTemplates, TEMPLATE_SOURCES } from '../../../src/templates/files.ts';
import { variantFiles } from '../../../src/templates/variants.ts';

const dir = bundledTemplatesDir();

describe('the legacy and mappings-only copies of the pack templates', () => {
  it.each(variantFiles(dir).map((v) => [path.relative(dir, v.file), v] as const))(
    '%s is valid JSON equal to the canonical template (node scripts/template-variants.ts --write)',
    (_name, v) => {
      const text = readFileSync(v.file, 'utf8');
      expect(() => JSON.parse(text) as unknown).not.toThrow();
      expect(text).toBe(v.text);
    },
  );

  it('cover every source, with the canonical patterns, priority as order and the same mappings', () => {
    for (const t of packTemplates(dir)) {
      const legacy = JSON.parse(readFileSync(path.join(dir, 'legacy', `${t.source}.json`), 'utf8')) as Record<string, unknown>;
      const mappings = JSON.parse(readFileSync(path.join(dir, 'mappings', `${t.source}.json`), 'utf8')) as Record<string, unknown>;
      expect(legacy).toEqual({ index_patterns: t.body.index_patterns, order: t.body.priority, mappings: t.body.template.mappings });
      expect(mappings).toEqual(t.body.template.mappings);
    }
    expect(variantFiles(dir)).toHaveLength(TEMPLATE_SOURCES.length * 2);
  });
});
