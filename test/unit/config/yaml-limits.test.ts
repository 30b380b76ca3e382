import { describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FIXTURE_YAML_LIMITS, RULE_YAML_LIMITS } from '../../../src/config/yaml-limits.ts';
import { describeYamlError, parseYaml, readYamlFile, YamlLimitError, YamlSyntaxError } from '../../../src/config/yaml.ts';
import { aliasBomb } from '../../support/alias-bomb.ts';

function refusal(run: () => unknown): YamlLimitError {
  let thrown: unknown;
  try {
    run();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(YamlLimitError);
  return thrown as YamlLimitError;
}

describe('YAML limits', () => {
  it('refuses a "billion laughs" document at once, naming the line of its first alias', () => {
    const started = performance.now();
    const error = refusal(() => parseYaml(aliasBomb('name: bomb\n'), 'bomb.yaml'));
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(error.line).toBe(3);
    expect(describeYamlError(error)).toBe(
      'refused: the document holds more than 200,000 values once its aliases (*name) are followed; aliases of lists of aliases multiply (a "billion laughs" file)',
    );
  });

  it('refuses an alias that refers to the list or mapping containing it', () => {
    for (const text of ['a: &a [1, *a]\n', 'x: 1\nb: &b {c: {d: *b}}\n']) {
      expect(refusal(() => parseYaml(text, 'cycle.yaml')).message).toBe(
        'an alias (*name) refers to a list or mapping that contains it, so the document never ends',
      );
    }
  });

  it('refuses nesting deeper than the limit, whether written out or reached through aliases', () => {
    const chain = ['l0: &l0 [x]', ...Array.from({ length: 120 }, (_v, i) => `l${i + 1}: &l${i + 1} [*l${i}]`)].join('\n');
    expect(refusal(() => parseYaml(chain, 'chain.yaml')).message).toBe(
      'the document nests lists and mappings more than 100 levels deep once its aliases (*name) are followed',
    );
    const written = `a: ${'['.repeat(150)}${']'.repeat(150)}\n`;
    expect(() => parseYaml(written, 'deep.yaml')).toThrow(YamlSyntaxError);
  });

  it('refuses more values than the limit without aliases too, before building them', () => {
    const text = `list: [${Array.from({ length: 1_000 }, () => 'a').join(', ')}]\n`;
    const limits = { ...RULE_YAML_LIMITS, maxNodes: 500 };
    expect(refusal(() => parseYaml(text, 'long.yaml', limits)).message).toBe(
      'the document holds more than 500 values; at most 500 are read',
    );
    expect(refusal(() => parseYaml(`list: [${Array.from({ length: 600 }, () => 'a').join(', ')}]\n`, 'long.yaml', limits)).message).toMatch(
      /more than 500 values/,
    );
    expect(parseYaml(`list: [${Array.from({ length: 400 }, () => 'a').join(', ')}]\n`, 'ok.yaml', limits).value).toEqual({
      list: Array.from({ length: 400 }, () => 'a'),
    });
  });

  it('refuses a file over the size limit before reading it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-yaml-limits-'));
    try {
      const file = path.join(dir, 'big.yaml');
      writeFileSync(file, `text: "${'x'.repeat(RULE_YAML_LIMITS.maxBytes)}"\n`);
      expect(describeYamlError(refusal(() => readYamlFile(file, 'big.yaml')))).toBe(
        'refused: the file is 2.0 MiB; at most 2.0 MiB is read',
      );
      expect(readYamlFile(file, 'big.yaml', FIXTURE_YAML_LIMITS).value).toEqual({ text: 'x'.repeat(RULE_YAML_LIMITS.maxBytes) });
      expect(refusal(() => parseYaml('a: 12345\n', 'small.yaml', { ...RULE_YAML_LIMITS, maxBytes: 4 })).message).toBe(
        'the file is 1 KiB; at most 1 KiB is read',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('never reads a device or a named pipe, which would never end or never start', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-yaml-fifo-'));
    try {
      const fifo = path.join(dir, 'pipe.yaml');
      expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
      for (const file of ['/dev/zero', fifo]) {
        expect(describeYamlError(refusal(() => readYamlFile(file, 'x.yaml')))).toBe(
          'refused: not a regular file (a pipe, socket or device is never read)',
        );
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps what real rules do with aliases: shared defaults merged into many alerters', () => {
    const entries = Array.from({ length: 50 }, (_v, i) => `  - {<<: *defaults, name: n${i}}`).join('\n');
    const { value } = parseYaml(`defaults: &defaults {slack_channel: "#ops", tags: [a, b, c]}\nalert:\n${entries}\n`, 'ok.yaml');
    expect((value as { alert: unknown[] }).alert).toHaveLength(50);
  });

  it('still reports several documents in one file as a syntax error', () => {
    expect(() => parseYaml('a: 1\n---\nb: 2\n', 'two.yaml')).toThrow('expected a single document in the stream, but found more');
  });
});
