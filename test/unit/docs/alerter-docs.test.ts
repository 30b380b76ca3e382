import { describe, expect, it } from '@jest/globals';
import { ALERTER_SCHEMAS } from '../../../alerters/schemas.ts';
import { REFUSED_ALERTERS } from '../../../alerters/refused.ts';
import { readPage } from '../../support/docs.ts';

// docs/alerters.md is written by hand; this keeps it from drifting from the alerters' own schemas.
const page = readPage('docs/alerters.md');
const mentioned = new Set([...page.matchAll(/`([a-z][a-z0-9_.]*)`/g)].map((m) => m[1] ?? ''));

describe('docs/alerters.md', () => {
  it('names every option of every implemented alerter', () => {
    const missing = ALERTER_SCHEMAS.flatMap((s) =>
      Object.keys(s.options)
        .filter((k) => !mentioned.has(k))
        .map((k) => `${s.name}: ${k}`),
    );
    expect(missing).toEqual([]);
  });

  it('names every ElastAlert2 alerter, implemented or refused', () => {
    const names = [...ALERTER_SCHEMAS.map((s) => s.name), ...REFUSED_ALERTERS.map((r) => r.name)];
    expect(names.filter((n) => !mentioned.has(n))).toEqual([]);
  });
});
