import { describe, expect, it } from '@jest/globals';
import {
  credentialForms,
  escapeHtml,
  escapeHtmlDisplay,
  escapeHtmlMarkupSafe,
  escapeMentions,
  escapeMrkdwn,
  escapeTelegramHtml,
  escapeTelegramMarkdown,
  escapeTelegramMarkdownV2,
  escapeXml,
  jsonForHtml,
  jsonForTerminal,
  jsonTextSafeInHtml,
  redact,
} from '../../../src/escape/index.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const HOSTILE = `<img src=x onerror="alert('1')">&amp;`;

describe('HTML', () => {
  it('escapes the five special characters, both quote kinds included', () => {
    expect(escapeHtml(HOSTILE)).toBe('&lt;img src=x onerror=&quot;alert(&#39;1&#39;)&quot;&gt;&amp;amp;');
  });

  it('for people, drops bidi overrides and controls first', () => {
    expect(escapeHtmlDisplay('a\u202Eb\u0000<')).toBe('ab&lt;');
    expect(escapeHtml('a\u202Eb')).toBe('a\u202Eb');
  });

  it('writes MarkupSafe\'s entities for Jinja (" as &#34;)', () => {
    expect(escapeHtmlMarkupSafe(HOSTILE)).toBe('&lt;img src=x onerror=&#34;alert(&#39;1&#39;)&#34;&gt;&amp;amp;');
  });
});

describe('XML', () => {
  it('escapes markup, writes what XML 1.0 cannot carry as visible text, and keeps line breaks in attributes', () => {
    expect(escapeXml(`<a b="c">'&'</a>`)).toBe('&lt;a b=&quot;c&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
    expect(escapeXml('x\u0007\ud800y')).toBe('x\\u0007\\ud800y');
    expect(escapeXml('a\nb', true)).toBe('a&#10;b');
  });
});

describe('chat media', () => {
  it("Slack mrkdwn and Telegram HTML: only & < > (and displayText's clean-up)", () => {
    expect(escapeMrkdwn('<!channel> & *b* \u202E')).toBe('&lt;!channel&gt; &amp; *b* ');
    expect(escapeTelegramHtml('<b>&')).toBe('&lt;b&gt;&amp;');
  });

  it('Telegram Markdown escapes its four characters, MarkdownV2 every reserved one', () => {
    expect(escapeTelegramMarkdown('_*`[x](y)')).toBe('\\_\\*\\`\\[x](y)');
    expect(escapeTelegramMarkdownV2('a.b!c(d)-e|f\\')).toBe('a\\.b\\!c\\(d\\)\\-e\\|f\\\\');
  });

  it('mentions get an invisible word joiner', () => {
    expect(escapeMentions('@here @all')).toBe('@\u2060here @\u2060all');
  });
});

describe('JSON', () => {
  it('for HTML, writes < > & and line separators as \\u escapes, same value when parsed', () => {
    const value = { a: '</script><b>&\u2028' };
    const text = jsonForHtml(value);
    expect(text).toBe('{"a":"\\u003c/script\\u003e\\u003cb\\u003e\\u0026\\u2028"}');
    expect(JSON.parse(text)).toEqual(value);
  });

  it('for a terminal, writes C1 controls and bidi controls as \\u escapes, indented', () => {
    const value = { a: '\u009b31m\u202E' };
    const text = jsonForTerminal(value);
    expect(text).toBe('{\n  "a": "\\u009b31m\\u202e"\n}');
    expect(JSON.parse(text)).toEqual(value);
  });

  it("as Jinja's tojson, escapes < > & ' in JSON text", () => {
    expect(jsonTextSafeInHtml(`{"a": "<'&'>"}`)).toBe('{"a": "\\u003c\\u0027\\u0026\\u0027\\u003e"}');
  });
});

describe('redact', () => {
  const cases: [reason: string, text: string, secrets: (string | undefined)[], expected: string][] = [
    ['URL userinfo is hidden', 'GET http://elastic:changeme@127.0.0.1:9200/_search', [], 'GET http://***:***@127.0.0.1:9200/_search'],
    ['a password holding "@" is hidden entirely', 'https://elastic:p@ss@es.example:9200/', [], 'https://***:***@es.example:9200/'],
    ['a token given as the URL user is hidden', 'https://tok3n@es.example/', [], 'https://***:***@es.example/'],
    ['several URLs are each redacted', 'a http://u:p1@h1 b https://v:p2@h2/x', [], 'a http://***:***@h1 b https://***:***@h2/x'],
    [
      'a URL without userinfo is left alone',
      'http://127.0.0.1:9200/logs-*/_search?q=a@b',
      [],
      'http://127.0.0.1:9200/logs-*/_search?q=a@b',
    ],
    ['a Basic Authorization header value is hidden', 'Authorization: Basic ZWxhc3RpYzpjaGFuZ2VtZQ==', [], 'Authorization: Basic ***'],
    ['an ApiKey header value in JSON is hidden', '{"authorization":"ApiKey abc123=="}', [], '{"authorization":"ApiKey ***"}'],
    ['a Bearer header value is hidden', "authorization='Bearer eyJ.abc-def_g'", [], "authorization='Bearer ***'"],
    ['anything shaped like a Slack token is hidden', 'token xoxb-123-abc and xoxp-9', [], 'token *** and ***'],
    [
      'given secrets are hidden wherever they appear',
      'user elastic, password s3cr3t-pw, again s3cr3t-pw',
      ['s3cr3t-pw'],
      'user elastic, password ***, again ***',
    ],
    ['secrets with regular-expression characters are hidden literally', 'pw is a.b*c+(d)', ['a.b*c+(d)'], 'pw is ***'],
    ['a longer secret is hidden whole even when listed after a shorter one inside it', 'key=abcd-efgh', ['abcd', 'abcd-efgh'], 'key=***'],
    ['secrets shorter than four characters are not hunted, to keep ordinary words', 'the abc of it', ['abc'], 'the abc of it'],
    ['undefined and empty secrets are ignored', 'nothing to hide', [undefined, ''], 'nothing to hide'],
  ];
  it.each(cases)('%s', (_reason, text, secrets, expected) => {
    expect(redact(text, secrets)).toBe(expected);
  });
});

describe('credentialForms', () => {
  it('covers a secret as written, URL-encoded, decoded and in base64', () => {
    const forms = credentialForms(['p@ss%2Fw rd']);
    expect(forms).toEqual(expect.arrayContaining(['p@ss%2Fw rd', 'p%40ss%252Fw%20rd', 'p@ss/w rd', b64('p@ss%2Fw rd')]));
  });

  it('covers a login as HTTP Basic and SASL PLAIN send it, with URL-encoded parts decoded', () => {
    const forms = credentialForms([], [{ user: 'al%40ice', password: 'pa%2Fss!' }]);
    for (const form of [
      b64('al@ice:pa/ss!'),
      b64('al%40ice:pa%2Fss!'),
      b64('\u0000al@ice\u0000pa/ss!'),
      b64('al@ice\u0000al@ice\u0000pa/ss!'),
      b64('pa%2Fss!'),
      'pa/ss!',
    ]) {
      expect(forms).toContain(form);
    }
    expect(forms).not.toContain('al%40ice');
  });

  it('lists longer forms first and leaves nothing of a secret in redacted text, in any of its forms', () => {
    const forms = credentialForms(['tok3n-value'], [{ user: 'u', password: 'hunter22' }]);
    expect(forms.map((f) => f.length)).toEqual([...forms.map((f) => f.length)].sort((a, b) => b - a));
    const text = [
      `auth=Basic ${b64('u:hunter22')}`,
      `AUTH PLAIN ${b64('\u0000u\u0000hunter22')}`,
      'pw=hunter22',
      `t=${encodeURIComponent('tok3n-value')}`,
      b64('tok3n-value'),
    ].join(' ');
    const out = redact(text, forms);
    for (const form of forms) expect(out).not.toContain(form);
    expect(out).toBe('auth=Basic *** AUTH PLAIN *** pw=*** t=*** ***');
  });

  it('has nothing to hide without secrets, and skips a login without a password', () => {
    expect(credentialForms([undefined, ''], [{ user: 'u', password: '' }])).toEqual([]);
  });
});
