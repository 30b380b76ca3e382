import { describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { docPages, headingAnchors, readPage, relativeLinks, REPO_ROOT } from '../../support/docs.ts';

describe('the README and docs/', () => {
  it('keeps the README a front door of under 300 lines', () => {
    expect(readPage('README.md').split('\n').length).toBeLessThan(300);
  });

  it('links every docs/ page from the README', () => {
    const linked = new Set(relativeLinks('README.md').map((l) => l.target.split('#')[0]));
    const pages = docPages().filter((p) => p.startsWith('docs/'));
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });

  it('has no relative link to a missing file or heading', () => {
    const broken: string[] = [];
    for (const page of docPages()) {
      for (const { target } of relativeLinks(page)) {
        const [file, anchor] = target.split('#');
        const resolved = file ? path.normalize(path.join(path.dirname(page), file)) : page;
        if (!existsSync(path.join(REPO_ROOT, resolved))) broken.push(`${page}: ${target} (no file ${resolved})`);
        else if (anchor && resolved.endsWith('.md') && !headingAnchors(resolved).has(anchor))
          broken.push(`${page}: ${target} (no heading #${anchor} in ${resolved})`);
      }
    }
    expect(broken).toEqual([]);
  });
});
