/**
 * Values an attacker can place in a log line, a rule file or a silence reason, each trying to run
 * script in the status page. Every payload that would run sets `window.__pwned`, so the browser
 * test can assert that none did. The shared corpus (test/support/hostile.ts, whose HTML payloads
 * call alert(), which the browser test catches as a dialog) is used as well; this list adds the
 * flag-setting variants and status-page-specific breakouts (</pre>, </td>, <iframe srcdoc>).
 */
export const HOSTILE: readonly string[] = [
  '<script>window.__pwned=1</script>',
  '"><img src=x onerror="window.__pwned=1">',
  "'><svg onload=window.__pwned=1>",
  'javascript:window.__pwned=1',
  '</pre></td></tr></table><script>window.__pwned=1</script>',
  '<iframe srcdoc="<script>parent.__pwned=1</script>"></iframe>',
  '`${window.__pwned=1}`',
  '<a href="javascript:window.__pwned=1">click</a>',
  '<style>*{display:none}</style>',
  '&lt;script&gt;already-escaped&lt;/script&gt;',
  '\u2028\u2029<!--',
];

/** One string holding every payload, for a single field. */
export const HOSTILE_ALL = HOSTILE.join(' | ');
