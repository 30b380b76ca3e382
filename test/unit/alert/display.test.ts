import { describe, expect, it } from '@jest/globals';
import { parseArg, renderArg } from '../../../alerters/command/argv.ts';
import { capBytes, capText, displayText, keyWithin } from '../../../src/alert/display.ts';
import { escapeMarkdown, escapeMattermost, escapeSafeCut } from '../../../src/escape/index.ts';

describe('displayText', () => {
  it('removes bidi and control characters, keeps tab and line feed, turns CR and separators into line feeds', () => {
    expect(displayText('a\u202Eb\u2066c\u0007d\u001b[31me\tf\r\ng\rh\u2028i\u0085j\ufeff\ud83d')).toBe('abcd[31me\tf\ng\nh\ni\nj\ufffd');
  });
});

describe('capText and capBytes', () => {
  it('leaves text within the limit alone and cuts longer text with a mark saying how much is missing', () => {
    expect(capText('short', 100)).toBe('short');
    const cut = capText('x'.repeat(1000), 100);
    expect(cut.length).toBeLessThanOrEqual(100);
    expect(cut).toMatch(/^x+\n\[… truncated: \d+ more characters not shown\]$/);
    expect(Number(/(\d+) more/.exec(cut)?.[1]) + cut.indexOf('\n')).toBe(1000);
  });

  it('never splits a surrogate pair, and stays within a byte budget for multi-byte text', () => {
    const cut = capText('😀'.repeat(100), 61);
    expect(cut.toWellFormed()).toBe(cut);
    const bytes = capBytes('漢'.repeat(10_000), 1000);
    expect(Buffer.byteLength(bytes)).toBeLessThanOrEqual(1000);
    expect(bytes).toContain('[… truncated:');
  });

  it('moves the cut before an escape or entity it would split', () => {
    expect(escapeSafeCut('ab\\*', 3)).toBe(2);
    expect(escapeSafeCut('ab&amp;', 5)).toBe(2);
    expect(escapeSafeCut('ab\\\\c', 4)).toBe(4);
  });
});

describe('keyWithin', () => {
  it('keeps short keys and makes long ones fit, still distinct', () => {
    expect(keyWithin('abc', 10)).toBe('abc');
    const a = keyWithin('k'.repeat(600), 512);
    const b = keyWithin(`${'k'.repeat(599)}j`, 512);
    expect(a.length).toBeLessThanOrEqual(512);
    expect(a).not.toBe(b);
  });
});

describe('Markdown escapes', () => {
  it('escapeMarkdown backslash-escapes every markup character', () => {
    expect(escapeMarkdown('[a](b) *c* _d_ `e` <@1> # ~f~ |g|')).toBe('\\[a\\]\\(b\\) \\*c\\* \\_d\\_ \\`e\\` \\<@1\\> \\# \\~f\\~ \\|g\\|');
  });

  it('escapeMattermost also turns < > & into entities and breaks @mentions', () => {
    expect(escapeMattermost('<!channel> @all a&b')).toBe('&lt;\\!channel&gt; @\u2060all a&amp;b');
  });
});

describe('command arguments', () => {
  it('fills %(field)s and {field} once, with the missing marker for absent fields', () => {
    const parts = parseArg('--user=%(user.name)s {host} %% {{x}}');
    expect(renderArg(parts, { user: { name: '{host}%(host)s' }, host: 'h' }, '<MISSING VALUE>')).toBe('--user={host}%(host)s h % {x}');
    expect(renderArg(parseArg('%(nope)s'), {}, 'M')).toBe('M');
  });

  it('refuses placeholders it cannot fill faithfully', () => {
    expect(() => parseArg('%(n)d')).toThrow('only %(field)s is supported');
    expect(() => parseArg('a { b')).toThrow('unbalanced "{"');
  });
});
