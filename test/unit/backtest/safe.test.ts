import { describe, expect, it } from '@jest/globals';
import { escapeHtml, safeJson, terminalCell, terminalText } from '../../../src/backtest/safe.ts';

describe('untrusted text per medium', () => {
  const hostile = 'evil\u001b[2J\u001b]0;owned\u0007 name\u202egnp.exe\u009b31m';

  it('terminal: escape sequences and C1 controls removed, bidi overrides made visible, cells on one line', () => {
    const t = terminalText(hostile);
    expect(t).not.toMatch(/[\u001b\u0007\u009b\u202e]/);
    expect(t).toContain('\uFFFD');
    expect(terminalCell('a\nb\tc\u2028d')).toBe('a b c d');
    expect(terminalCell('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('HTML: markup and both quote kinds escaped, controls dropped', () => {
    expect(escapeHtml('<script>alert("1")</script>\'&\u0000')).toBe('&lt;script&gt;alert(&quot;1&quot;)&lt;/script&gt;&#39;&amp;');
  });

  it('JSON: C1 controls, bidi and line separators escaped, the value unchanged', () => {
    const value = { s: hostile, t: 'a\u2028b\u007f' };
    const text = safeJson(value);
    expect(text).not.toMatch(/[\u007f-\u009f\u202e\u2028]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});
