import { describe, expect, it } from '@jest/globals';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inspect } from 'node:util';
import { pino } from 'pino';
import { createEmailAlerter } from '../../../alerters/email/index.ts';
import {
  emailSubject,
  formatEmail,
  headerText,
  htmlBody,
  htmlEscape,
  keyFieldRows,
  type FormatContext,
} from '../../../alerters/email/format.ts';
import {
  defaultFromAddress,
  isValidAddress,
  parseEmailOptions,
  recipientsFromField,
  SmtpCredentials,
  type SmtpSettings,
} from '../../../alerters/email/options.ts';
import { classifySmtpError, redact, transportOptions } from '../../../alerters/email/transport.ts';
import { optionError } from '../../../alerters/types.ts';
import { alertSubject } from '../../../src/alert/text.ts';
import { emailRule, makePayload } from '../../peers/email-support.ts';

const fail = (option: string, message: string): Error => new Error(`${option}: ${message}`);
const parse = (options: Record<string, unknown>, env: NodeJS.ProcessEnv = {}) =>
  parseEmailOptions({ email: 'soc@example.com', ...options }, { env, hostname: 'siem-1.example.com' }, fail);
const dir = mkdtempSync(path.join(tmpdir(), 'logwarden-email-unit-'));
const file = (name: string, text: string): string => {
  const p = path.join(dir, name);
  mkdirSync(path.dirname(p), { recursive: true });
  writeFileSync(p, text);
  return p;
};

describe('email options', () => {
  it('fills ElastAlert2 defaults and ours', () => {
    const o = parse({});
    expect(o.to).toEqual(['soc@example.com']);
    expect(o.from).toEqual({ address: 'logwarden@siem-1.example.com' });
    expect(o.format).toBe('text');
    expect(o.smtp).toEqual({
      host: 'localhost',
      port: 25,
      implicitTls: false,
      requireStarttls: true,
      verifyCerts: true,
      ca: undefined,
      clientCert: undefined,
      auth: undefined,
      timeoutMs: 30_000,
    });
    expect(parse({ smtp_ssl: true }).smtp.port).toBe(465);
    expect(parse({ smtp_ssl: true, smtp_port: 2465 }).smtp.port).toBe(2465);
    expect(parse({ smtp_timeout: 2.5 }).smtp.timeoutMs).toBe(2500);
    expect(defaultFromAddress('build_box')).toBe('logwarden@localhost');
  });

  it('reads lists, comma-separated strings, display names and email_add_domain', () => {
    const o = parse({
      email: ['a@example.com', 'b@example.com, c@example.com'],
      cc: 'd@example.com',
      bcc: [],
      from_addr: '"SOC Alerts" <alerts@example.com>',
      email_reply_to: 'soc-replies@example.com',
      email_add_domain: '@Example.COM',
      email_from_field: 'user.name',
    });
    expect(o.to).toEqual(['a@example.com', 'b@example.com', 'c@example.com']);
    expect(o.cc).toEqual(['d@example.com']);
    expect(o.from).toEqual({ name: 'SOC Alerts', address: 'alerts@example.com' });
    expect(o.replyTo).toEqual({ address: 'soc-replies@example.com' });
    expect(o.addDomain).toBe('example.com');
  });

  it.each([
    [{ email: undefined }, /^email: is required/],
    [{ email: 'not an address' }, /^email: "not an address" is not an email address/],
    [{ cc: ['ok@example.com', 'Bob <bob@example.com>'] }, /^cc: "Bob <bob@example.com>" is not an email address/],
    [{ bcc: 'x@example.com\r\nBcc: v@example.com' }, /^bcc: .* is not an email address/],
    [{ from_addr: 'ElastAlert' }, /^from_addr: "ElastAlert" is not an email address/],
    [{ from_addr: 'Evil\r\nBcc: x <a@example.com>' }, /^from_addr: the display name must not contain control characters/],
    [{ email_from_field: 'user.name' }, /^email_from_field: needs email_add_domain/],
    [{ email_add_domain: 'not a domain' }, /^email_add_domain: "not a domain" is not a domain name/],
    [{ email_format: 'HTML' }, /^email_format: expected one of html, text, got "HTML"/],
    [{ smtp_port: 0 }, /^smtp_port: expected an integer >= 1 and <= 65535, got 0/],
    [{ smtp_timeout: 0 }, /^smtp_timeout: expected a number > 0, got 0/],
    [{ smtp_starttls: 'yes' }, /^smtp_starttls: expected true or false, got "yes"/],
    [{ smtp_key_file: '/x.key' }, /^smtp_key_file: needs smtp_cert_file/],
    [{ smtp_host: '  ' }, /^smtp_host: must be a non-empty string/],
    [{ smtp_host: '' }, /^smtp_host: expected a non-empty string, got ""/],
    [{ cc: ['ok@example.com', 7] }, /^cc\[1\]: expected a string, got 7/],
    [{ smtp_ca_certs: '/nonexistent/ca.pem' }, /^smtp_ca_certs: cannot read \/nonexistent\/ca.pem \(ENOENT\)/],
    [{ email_image_keys: ['logo'], email_image_values: [] }, /^email_image_values: has 0 entries but email_image_keys has 1/],
    [
      { email_format: 'html', email_image_keys: ['logo'], email_image_values: ['logo.png'] },
      /^assets_dir: is required with email_image_keys/,
    ],
  ])('refuses %j', (options, message) => {
    expect(() => parse(options)).toThrow(message);
  });

  it('keeps inline images inside assets_dir', () => {
    const assets = path.dirname(file('assets/logo.png', 'png'));
    const o = parse({ email_format: 'html', assets_dir: assets, email_image_keys: ['logo'], email_image_values: ['logo.png'] });
    expect(o.images).toEqual([{ cid: 'logo', file: path.join(assets, 'logo.png') }]);
    expect(() =>
      parse({ email_format: 'html', assets_dir: assets, email_image_keys: ['k'], email_image_values: ['../../etc/passwd'] }),
    ).toThrow(/outside assets_dir/);
    // As ElastAlert2: images belong to HTML mail only.
    const text = parse({ assets_dir: assets, email_image_keys: ['logo'], email_image_values: ['logo.png'] });
    expect([text.images, text.warnings.some((w) => w.includes('only attached with email_format: html'))]).toEqual([[], true]);
  });

  describe('credentials', () => {
    it('reads ElastAlert2\u2019s account file, every value as a string', () => {
      const auth = parse({ smtp_auth_file: file('auth.yaml', 'user: alerts\npassword: 0123\n') }).smtp.auth;
      expect([auth?.user, auth?.password]).toEqual(['alerts', '0123']);
      const json = parse({ smtp_auth_file: file('auth.json', '{"user": "a", "password": "p w"}') }).smtp.auth;
      expect(json?.password).toBe('p w');
    });

    it('never puts the password in an error', () => {
      const secret = 'hunter2-very-secret';
      const bad = file('bad.yaml', `user: alerts\npassword: "${secret}\n  oops: [`);
      expect(() => parse({ smtp_auth_file: bad })).toThrow(/^smtp_auth_file: .*bad\.yaml is not valid YAML \(line \d+\)$/);
      try {
        parse({ smtp_auth_file: bad });
      } catch (error) {
        expect(String((error as Error).message)).not.toContain(secret);
      }
      expect(() => parse({ smtp_auth_file: file('half.yaml', `password: ${secret}\n`) })).toThrow(
        /must contain the fields "user" and "password"$/,
      );
    });

    it('takes SMTP_USERNAME/SMTP_PASSWORD when there is no account file', () => {
      expect(parse({}, { SMTP_USERNAME: 'u', SMTP_PASSWORD: 'p' }).smtp.auth?.source).toBe('SMTP_USERNAME/SMTP_PASSWORD');
      expect(
        parse({ smtp_auth_file: file('auth2.yaml', 'user: f\npassword: g\n') }, { SMTP_USERNAME: 'u', SMTP_PASSWORD: 'p' }).smtp.auth?.user,
      ).toBe('f');
      expect(() => parse({}, { SMTP_USERNAME: 'u' })).toThrow(/SMTP_USERNAME and SMTP_PASSWORD must be set together/);
    });

    it('keeps the password out of JSON, inspect and string conversion', () => {
      const c = new SmtpCredentials('alerts', 'pw-123456', 'test');
      expect(JSON.stringify({ c })).not.toContain('pw-123456');
      expect(inspect({ c }, { depth: 5 })).not.toContain('pw-123456');
      expect(`${c}`).not.toContain('pw-123456');
      expect(c.password).toBe('pw-123456');
    });
  });
});

describe('recipients from a document field (email_from_field + email_add_domain)', () => {
  it.each<[unknown, unknown]>([
    ['alice', ['alice@example.com']],
    ['alice@example.com', ['alice@example.com']],
    ['Alice@EXAMPLE.com', ['Alice@example.com']],
    [
      ['alice', 'bob', 'alice'],
      ['alice@example.com', 'bob@example.com'],
    ],
    ['first.last+tag', ['first.last+tag@example.com']],
    [undefined, undefined],
    [42, undefined],
    [[], undefined],
    ['mallory@attacker.example', { refused: 'an address is not in the domain example.com' }],
    ['alice@example.com.attacker.example', { refused: 'an address is not in the domain example.com' }],
    ['victim%attacker.example', { refused: 'a value is not a plain user name' }],
    ['a!b', { refused: 'a value is not a plain user name' }],
    ['a@b@example.com', { refused: 'an address is not in the domain example.com' }],
    ['"a b"', { refused: 'a value is not a plain user name' }],
    ['alice, bob', { refused: 'a value is not a plain user name' }],
    ['x\r\nBcc: v', { refused: 'a value is not a plain user name' }],
    ['', { refused: 'a value is not a plain user name' }],
    ['.alice', { refused: 'a value is not a plain user name' }],
    [['alice', 7], { refused: 'a list item is not a string' }],
    [Array.from({ length: 11 }, (_, i) => `u${i}`), { refused: 'it names 11 recipients (at most 10)' }],
  ])('%j', (value, expected) => {
    expect(recipientsFromField(value, 'example.com')).toEqual(expected);
  });

  it('isValidAddress accepts the usual and refuses what relays disagree on', () => {
    expect(['a@example.com', "o'brien@example.co.uk", 'root@localhost'].map(isValidAddress)).toEqual([true, true, true]);
    expect(
      [
        'a',
        '@example.com',
        'a@',
        'a..b@example.com',
        '"a"@example.com',
        'a@[192.0.2.1]',
        'a@-x.com',
        'a b@example.com',
        `${'a'.repeat(65)}@x.com`,
      ].map(isValidAddress),
    ).toEqual(Array(9).fill(false));
  });
});

describe('formatting', () => {
  const titleRule = emailRule({}, { queryKey: ['user'] });
  const ctx = (over: Partial<FormatContext> = {}): FormatContext => ({
    format: 'text',
    ruleName: 'Root login',
    queryKeyFields: ['user.name'],
    defaultTitle: (alert, escape) => alertSubject(titleRule, alert.match, { defaultTitle: 'email', escape }),
    ...over,
  });

  it('htmlEscape and headerText', () => {
    expect(htmlEscape(`<a href="x" onclick='y'>&</a>\u0000`)).toBe('&lt;a href=&quot;x&quot; onclick=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    expect(headerText('a\r\nBcc: v@example.com\tb\u2028c\u0000d\u202Ee\u0085f')).toBe('a Bcc: v@example.com b cde f');
    expect(headerText('=?utf-8?B?QQ==?=')).toBe('=\u2060?utf-8?B?QQ==\u2060?=');
  });

  it('subject: ElastAlert2\u2019s email title without alert_subject, header-safe either way', () => {
    const alert = makePayload({
      subject: 'Login by {0}',
      text: 't',
      values: ['bob\r\nBcc: v@example.com'],
      match: { user: 'bob\r\nX-Evil: 1' },
    });
    expect(emailSubject(alert, ctx())).toBe('ElastAlert: Root login - bob X-Evil: 1');
    expect(emailSubject(alert, ctx({ defaultTitle: undefined }))).toBe('Login by bob Bcc: v@example.com');
    expect(emailSubject(makePayload({ subject: 'x', text: 't', values: [] }), ctx())).toBe('ElastAlert: Root login');
    const long = makePayload({ subject: '{0}', text: '', values: ['z'.repeat(5000)] });
    expect(Array.from(emailSubject(long, ctx({ defaultTitle: undefined }))).length).toBe(2048);
    expect(
      Array.from(emailSubject(makePayload({ subject: 's', text: '', values: [], match: { user: 'y'.repeat(5000) } }), ctx())).length,
    ).toBe(2048);
  });

  it('text mode escapes the whole text, the rule\u2019s own "<" included', () => {
    const alert = makePayload({ subject: 's', text: 'if a < b then {0}', values: ['<b>x</b>'] });
    expect(htmlBody(alert, 'text').html).toContain('if a &lt; b then &lt;b&gt;x&lt;/b&gt;');
  });

  it('html mode keeps the author\u2019s markup and escapes values, and fails closed when render() marks none', () => {
    const alert = makePayload({
      subject: 's',
      text: '<b>User</b>: {0}',
      values: ['<img src=x onerror=alert(1)>'],
      match: { user: '<img src=x onerror=alert(1)>' },
    });
    expect(htmlBody(alert, 'html')).toEqual({ html: '<div><b>User</b>: &lt;img src=x onerror=alert(1)&gt;</div>', fellBack: false });
    // A renderer that ignores `escape`, with markup in the match: everything escaped.
    const ignoring = { ...alert, render: () => ({ subject: alert.subject, text: alert.text }) };
    const out = htmlBody(ignoring, 'html');
    expect(out.fellBack).toBe(true);
    expect(out.html).not.toContain('<img');
    expect(out.html).toContain('&lt;b&gt;User&lt;/b&gt;: &lt;img src=x onerror=alert(1)&gt;');
    // Markup hidden in a key or a nested list counts too.
    expect(htmlBody({ ...ignoring, match: { a: [{ '<x>': 1 }] } }, 'html').fellBack).toBe(true);
    const throwing = {
      ...alert,
      render: () => {
        throw new Error('bad template');
      },
    };
    expect(htmlBody(throwing, 'html').fellBack).toBe(true);
    // The rule's own HTML with no document value in it, and nothing markup-like in the match: kept.
    const fixed = makePayload({ subject: 's', text: '<h1>Disk full</h1>', values: [], match: { host: 'web-1', n: 3 } });
    expect(htmlBody(fixed, 'html')).toEqual({ html: '<div><h1>Disk full</h1></div>', fellBack: false });
  });

  it('the key-field table: rule, severity, key, time, a few scalar fields, all escaped', () => {
    const alert = makePayload({
      subject: 's',
      text: 't',
      values: [],
      queryKey: 'bob',
      severity: 'high',
      matchTimeMs: Date.UTC(2025, 0, 2),
      match: {
        '@timestamp': '2025-01-02T00:00:00Z',
        user: { name: 'bob' },
        _id: 'x',
        host: { name: '<b>web</b>', ip: ['1', '2'] },
        ok: true,
        n: 3,
        nested: { a: { b: { c: { d: 'deep' } } } },
      },
      kibanaDiscoverUrl: 'https://kibana.example/app/discover#/?q="x"',
    });
    expect(keyFieldRows(alert, ctx())).toEqual([
      ['Rule', 'Root login'],
      ['Severity', 'high'],
      ['Query key (user.name)', 'bob'],
      ['Match time', '2025-01-02T00:00:00.000Z'],
      ['@timestamp', '2025-01-02T00:00:00Z'],
      ['host.name', '<b>web</b>'],
      ['n', '3'],
      ['ok', 'True'],
    ]);
    const html = formatEmail(alert, ctx()).html;
    expect(html).toContain('&lt;b&gt;web&lt;/b&gt;');
    expect(html).toContain('<a href="https://kibana.example/app/discover#/?q=&quot;x&quot;">Open in Discover</a>');
    expect(formatEmail({ ...alert, kibanaDiscoverUrl: 'javascript:alert(1)' }, ctx()).html).not.toContain('javascript:');
  });
});

describe('transport', () => {
  const smtp = (over: Partial<SmtpSettings> = {}): SmtpSettings => ({
    host: 'mail.example.com',
    port: 587,
    implicitTls: false,
    requireStarttls: true,
    verifyCerts: true,
    ca: undefined,
    clientCert: undefined,
    auth: new SmtpCredentials('alerts', 'pa55word!', 'smtp_auth_file /etc/lw/smtp.yaml'),
    timeoutMs: 10_000,
    ...over,
  });

  it('requires STARTTLS with verification by default, and never logs', () => {
    const t = transportOptions(smtp());
    expect(t).toMatchObject({
      host: 'mail.example.com',
      port: 587,
      secure: false,
      requireTLS: true,
      tls: { rejectUnauthorized: true },
      forceAuth: true,
      logger: false,
      debug: false,
      disableFileAccess: true,
      disableUrlAccess: true,
      socketTimeout: 10_000,
    });
    expect(transportOptions(smtp({ requireStarttls: false })).requireTLS).toBe(false);
    expect(transportOptions(smtp({ implicitTls: true })).requireTLS).toBe(false);
    expect(transportOptions(smtp({ implicitTls: true })).secure).toBe(true);
    expect(transportOptions(smtp({ auth: undefined, verifyCerts: false, ca: 'PEM' }))).toMatchObject({
      forceAuth: false,
      tls: { rejectUnauthorized: false, ca: 'PEM' },
    });
  });

  const err = (fields: Record<string, unknown>): Error => Object.assign(new Error(String(fields.message ?? 'x')), fields);
  it.each<[string, Record<string, unknown>, boolean, RegExp]>([
    [
      '550 recipient',
      { code: 'EENVELOPE', responseCode: 550, response: '550 5.1.1 No such user', command: 'RCPT TO' },
      false,
      /rejected the recipient: 550 5\.1\.1 No such user/,
    ],
    [
      '553 sender',
      { code: 'EENVELOPE', responseCode: 553, response: '553 sender rejected', command: 'MAIL FROM' },
      false,
      /rejected the sender: 553/,
    ],
    [
      '554 message',
      { code: 'EMESSAGE', responseCode: 554, response: '554 spam', command: 'DATA' },
      false,
      /rejected the message: 554 spam/,
    ],
    ['503 sequence', { code: 'EPROTOCOL', responseCode: 503, response: '503 bad sequence', command: 'RCPT TO' }, true, /deferred/],
    [
      '421',
      { code: 'ECONNECTION', responseCode: 421, response: '421 closing', command: 'CONN' },
      true,
      /deferred the session: 421 closing/,
    ],
    ['451', { code: 'EMESSAGE', responseCode: 451, response: '451 try later', command: 'DATA' }, true, /deferred the message: 451/],
    ['452', { code: 'EENVELOPE', responseCode: 452, response: '452 full', command: 'RCPT TO' }, true, /452/],
    [
      '535',
      { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 bad credentials', command: 'AUTH PLAIN' },
      false,
      /refused the login as "alerts" \(smtp_auth_file \/etc\/lw\/smtp\.yaml\): 535 5\.7\.8 bad credentials/,
    ],
    ['454 auth', { code: 'EAUTH', responseCode: 454, response: '454 temporary', command: 'AUTH PLAIN' }, true, /could not authenticate/],
    [
      'no STARTTLS',
      { code: 'ETLS', responseCode: 502, response: '502 5.5.1 command not implemented', command: 'STARTTLS' },
      false,
      /does not offer STARTTLS .*smtp_starttls: false/,
    ],
    [
      '454 STARTTLS',
      { code: 'ETLS', responseCode: 454, response: '454 TLS not available', command: 'STARTTLS' },
      true,
      /could not start TLS for now/,
    ],
    [
      'cert (STARTTLS)',
      { code: 'ETLS', message: 'Error initiating TLS - self-signed certificate in certificate chain', command: 'STARTTLS' },
      false,
      /could not be verified \(self-signed certificate in certificate chain\): set smtp_ca_certs/,
    ],
    [
      'cert (implicit)',
      { code: 'ESOCKET', originalCode: 'ERR_TLS_CERT_ALTNAME_INVALID', message: "Hostname/IP does not match certificate's altnames" },
      false,
      /could not be verified/,
    ],
    [
      'wrong port for TLS',
      { code: 'ESOCKET', originalCode: 'ERR_SSL_WRONG_VERSION_NUMBER', message: 'ssl3_get_record:wrong version number' },
      false,
      /is smtp_ssl right for port 587/,
    ],
    [
      'refused',
      { code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 10.0.0.1:587' },
      true,
      /cannot deliver through mail\.example\.com:587: connect ECONNREFUSED/,
    ],
    ['timeout', { code: 'ETIMEDOUT', message: 'Greeting never received' }, true, /Greeting never received/],
    ['dropped', { code: 'ECONNECTION', message: 'Connection closed unexpectedly' }, true, /closed unexpectedly/],
    ['dns', { code: 'EDNS', message: 'getaddrinfo ENOTFOUND mail.example.com' }, true, /ENOTFOUND/],
    ['deadline', { code: 'EABORT', name: 'AbortError', message: 'Message sending aborted' }, true, /within 20 s/],
    ['unknown', { message: 'something odd' }, true, /failed: something odd/],
  ])('%s', (_why, fields, retryable, message) => {
    const c = classifySmtpError(err(fields), smtp());
    expect(c.retryable).toBe(retryable);
    expect(c.message).toMatch(message);
  });

  it('redacts the password in every form AUTH sends it', () => {
    const s = smtp();
    const plain = Buffer.from('\u0000alerts\u0000pa55word!').toString('base64');
    const text = `535 bad pa55word! ${plain} ${Buffer.from('pa55word!').toString('base64')}`;
    expect(redact(text, s)).toBe('535 bad *** *** ***');
    const c = classifySmtpError(
      err({ code: 'EAUTH', responseCode: 535, response: `535 you sent ${plain} (pa55word!)`, command: 'AUTH PLAIN' }),
      s,
    );
    expect(c.message).not.toContain('pa55word!');
    expect(c.message).not.toContain(plain);
  });
});

describe('createEmailAlerter', () => {
  const deps = () => {
    const lines: string[] = [];
    return { log: pino({ level: 'debug' }, { write: (s: string) => lines.push(s) }), out: () => undefined, env: {}, lines };
  };

  it('reports a bad option as lint and the engine show it: file, rule, option', () => {
    const rule = emailRule({ email: 'soc@example.com', email_from_field: 'user.name' });
    const expected = optionError(rule, 'email_from_field', 'x').message.replace(/x$/, '');
    expect(() => createEmailAlerter({ type: 'email', options: {} }, rule, deps())).toThrow(expected);
    expect(expected).toBe('root-login.yaml: rule "Root login": email_from_field: ');
  });

  it('takes options from the alert entry over the rule\u2019s', () => {
    const rule = emailRule({ email: 'not-an-address' });
    expect(() => createEmailAlerter({ type: 'email', options: {} }, rule, deps())).toThrow(/email: "not-an-address"/);
    expect(createEmailAlerter({ type: 'email', options: { email: 'soc@example.com' } }, rule, deps()).type).toBe('email');
  });

  it('logs load-time warnings', () => {
    const d = deps();
    createEmailAlerter({ type: 'email', options: {} }, emailRule({ email: 'soc@example.com', smtp_verify_certs: false }), d);
    expect(d.lines.some((l) => l.includes('smtp_verify_certs: false'))).toBe(true);
  });
});
