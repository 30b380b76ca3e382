import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pino } from 'pino';
import { createEmailAlerter } from '../../alerters/email/index.ts';
import { AlerterError, type AlerterDeps, type AlertPayload } from '../../alerters/types.ts';
import { displayText } from '../../src/alert/display.ts';
import { buildAlertText } from '../../src/alert/text.ts';
import { payloadFor } from '../../src/deliver/payload.ts';
import type { AlertRecord } from '../../src/store/alert-log.ts';
import {
  decodeWords,
  emailRule,
  hasOpenssl,
  header,
  makePayload,
  makeTestPki,
  parseMime,
  partOfType,
  startSmtp,
  type TestPki,
  type TestSmtp,
} from './email-support.ts';

const PASSWORD = 'S3cr3t-pa55!word';

/** Deps whose log lines are kept, to check that no password ever reaches them. */
function capture(env: NodeJS.ProcessEnv = {}): AlerterDeps & { lines: string[] } {
  const lines: string[] = [];
  const log = pino({ level: 'debug' }, { write: (s: string) => lines.push(s) });
  return { log, out: () => undefined, env, lines };
}

async function sendWith(options: Record<string, unknown>, alert: AlertPayload, deps = capture(), overrides = {}): Promise<void> {
  const rule = emailRule(options, overrides);
  const alerter = createEmailAlerter({ type: 'email', options: {} }, rule, deps);
  await alerter.send(alert);
}

async function failure(promise: Promise<unknown>): Promise<AlerterError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof AlerterError) return error;
    throw error;
  }
  throw new Error('expected the send to fail');
}

const simple = (): AlertPayload =>
  makePayload({
    subject: 'Root login by {0}',
    text: 'Root login on web-1\n\nuser: {0}\nsource.ip: {1}\n',
    values: ['bob', '192.0.2.10'],
    match: { '@timestamp': '2025-01-02T03:04:05Z', user: { name: 'bob' }, host: 'web-1', source: { ip: '192.0.2.10' }, _id: 'doc-1' },
    queryKey: 'web-1',
    severity: 'high',
  });

function textOf(raw: string): string {
  return partOfType(parseMime(raw), 'text/plain')?.body.replace(/\r\n/g, '\n') ?? '';
}
function htmlOf(raw: string): string {
  return partOfType(parseMime(raw), 'text/html')?.body ?? '';
}

describe('email alerter against a plain SMTP server', () => {
  let smtp: TestSmtp;
  beforeAll(async () => {
    smtp = await startSmtp({ disabledCommands: ['STARTTLS', 'AUTH'] });
  });
  afterAll(() => smtp.close());
  const base = (): Record<string, unknown> => ({ smtp_host: '127.0.0.1', smtp_port: smtp.port, smtp_starttls: false, smtp_timeout: 5 });

  it('delivers to exactly To + Cc + Bcc, with the headers and both parts', async () => {
    smtp.received.length = 0;
    const alert = simple();
    await sendWith(
      {
        ...base(),
        email: ['soc@example.com', 'oncall@example.com'],
        cc: 'ir@example.com',
        bcc: ['audit@example.com'],
        from_addr: 'LogWarden <alerts@example.com>',
      },
      alert,
      undefined,
      { queryKey: ['host'] },
    );
    expect(smtp.received).toHaveLength(1);
    const got = smtp.received[0];
    expect(got?.mailFrom).toBe('alerts@example.com');
    expect(got?.rcptTo).toEqual(['soc@example.com', 'oncall@example.com', 'ir@example.com', 'audit@example.com']);
    const msg = parseMime(got?.raw ?? '');
    expect(header(msg, 'From')).toBe('LogWarden <alerts@example.com>');
    expect(header(msg, 'To')).toBe('soc@example.com, oncall@example.com');
    expect(header(msg, 'Cc')).toBe('ir@example.com');
    expect(header(msg, 'Reply-To')).toBe('soc@example.com, oncall@example.com');
    expect(msg.headers.has('bcc')).toBe(false);
    expect(got?.raw).not.toContain('audit@example.com');
    // No alert_subject: ElastAlert2's email title with the query_key value.
    expect(header(msg, 'Subject')).toBe('ElastAlert: Root login - web-1');
    expect(header(msg, 'Message-ID')).toBe(`<${alert.alertId}.logwarden@example.com>`);
    expect(header(msg, 'Auto-Submitted')).toBe('auto-generated');
    expect(header(msg, 'Content-Type')).toMatch(/^multipart\/alternative/);
    expect(textOf(got?.raw ?? '')).toBe(alert.text);
    const html = htmlOf(got?.raw ?? '');
    expect(html).toContain(
      '<th style="padding:3px 10px 3px 0;vertical-align:top;text-align:left">Severity</th><td style="padding:3px 10px 3px 0;vertical-align:top;text-align:left">high</td>',
    );
    expect(html).toContain('Query key (host)');
    expect(html).toContain('2025-01-02T03:04:05.000Z');
    expect(html).toContain('source.ip');
    expect(html).not.toContain('doc-1');
  });

  it('caps a 1 MB field at the documented size, with a visible truncation mark in both parts', async () => {
    smtp.received.length = 0;
    const big = `start-${'Z'.repeat(1024 * 1024)}-end`;
    await sendWith(
      { ...base(), email: 'soc@example.com' },
      makePayload({ subject: 'Big', text: 'value: {0}\n', values: [big], match: { big }, queryKey: undefined }),
    );
    const raw = smtp.received[0]?.raw ?? '';
    // 256 KiB of text and 512 KiB of HTML at most, before transfer encoding (issue #16: 4.3 MB before).
    expect(Buffer.byteLength(raw)).toBeLessThan(1_100_000);
    const text = textOf(raw);
    expect(text.startsWith('value: start-ZZZ')).toBe(true);
    expect(text).toMatch(/\n\[… truncated: \d+ more characters not shown\]$/);
    expect(text).not.toContain('-end');
    expect(htmlOf(raw)).toMatch(/\[… truncated: \d+ more characters not shown\]<\/pre>/);
  });

  it('uses alert_subject when the rule sets one, and the default sender logwarden@<host>', async () => {
    smtp.received.length = 0;
    await sendWith({ ...base(), email: 'soc@example.com', alert_subject: 'Root login by {0}' }, simple());
    const msg = parseMime(smtp.received[0]?.raw ?? '');
    expect(header(msg, 'Subject')).toBe('Root login by bob');
    expect(header(msg, 'From')).toMatch(/^logwarden@[a-z0-9.-]+$/);
    expect(smtp.received[0]?.mailFrom).toBe(header(msg, 'From'));
  });

  describe('hostile document values', () => {
    const hostile = [
      '<script>alert(1)</script>',
      '"><img src=x onerror=alert(1)>',
      'bob\r\nBcc: victim@example.com',
      '=?utf-8?B?DQpCY2M6IHZpY3RpbUBleGFtcGxlLmNvbQ==?=',
      `x${'A'.repeat(20_000)}`,
      'café\u202Egnp.exe\u0000\u0007',
    ];

    it('cannot add headers or recipients, and reach the subject only as inert text', async () => {
      smtp.received.length = 0;
      const alert = makePayload({
        subject: 'Login by {0} / {1} / {2}',
        text: 'values: {0} {1} {2} {3}\n',
        values: [hostile[2] ?? '', hostile[3] ?? '', hostile[4] ?? '', hostile[0] ?? ''],
        queryKey: hostile[2],
        match: { user: hostile[2], note: hostile[3] },
      });
      await sendWith({ ...base(), email: 'soc@example.com', alert_subject: 'Login by {0}' }, alert);
      const got = smtp.received[0];
      expect(got?.rcptTo).toEqual(['soc@example.com']);
      const msg = parseMime(got?.raw ?? '');
      expect(msg.headerLines.some((l) => /^bcc:/i.test(l))).toBe(false);
      // Every header line stays within RFC 5322's 998 characters, folded by nodemailer.
      const head = (got?.raw ?? '').split('\r\n\r\n')[0] ?? '';
      expect(head).not.toMatch(/^Bcc:/im);
      for (const line of head.split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);
      const subject = header(msg, 'Subject') ?? '';
      expect(subject).not.toMatch(/[\r\n]/);
      expect(subject.startsWith('Login by bob Bcc: victim@example.com / ')).toBe(true);
      // The look-alike encoded word is shown as written, not decoded into "\r\nBcc: ..." by the client.
      expect(subject.replace(/\u2060/g, '')).toContain('=?utf-8?B?DQpCY2M6IHZpY3RpbUBleGFtcGxlLmNvbQ==?=');
      expect(decodeWords(subject)).not.toContain('victim@example.com\r');
      expect(Array.from(subject).length).toBeLessThanOrEqual(2048);
    });

    it('are entity-escaped in the HTML part and left as they are in text/plain', async () => {
      smtp.received.length = 0;
      const alert = makePayload({
        subject: 'x',
        text: 'a: {0}\nb: {1}\nc: {2}\nd: {3}\ne: {4}\nf: {5}\n',
        values: hostile,
        match: Object.fromEntries(hostile.map((v, i) => [`f${i}`, v])),
        queryKey: hostile[1],
      });
      await sendWith({ ...base(), email: 'soc@example.com' }, alert);
      const raw = smtp.received[0]?.raw ?? '';
      const html = htmlOf(raw);
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
      expect(html).not.toMatch(/"\s*>\s*<img/);
      expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
      expect(html).toContain('&quot;&gt;&lt;img src=x onerror=alert(1)&gt;');
      // The table cuts long values; the text keeps them whole.
      expect(html).toContain(`x${'A'.repeat(198)}…`);
      // Line breaks arrive as CRLF, as everywhere in a mail; bidi overrides and control characters
      // are removed (issue #16: they make text read differently), the rest is untouched.
      expect(textOf(raw)).toBe(displayText(alert.text));
      expect(textOf(raw)).toContain('cafégnp.exe\n');
      expect(textOf(raw)).toContain('<script>alert(1)</script>');
    });

    it('email_format html keeps the rule author\u2019s markup and escapes every document value', async () => {
      smtp.received.length = 0;
      const alert = makePayload({
        subject: 's',
        text: '<h1>Root login</h1><p>User: <b>{0}</b> from <a href="https://siem.example/?q={1}">{1}</a></p>',
        values: [hostile[0] ?? '', hostile[1] ?? ''],
      });
      await sendWith({ ...base(), email: 'soc@example.com', email_format: 'html', alert_text: '<h1>...' }, alert);
      const html = htmlOf(smtp.received[0]?.raw ?? '');
      expect(html).toContain('<h1>Root login</h1><p>User: <b>&lt;script&gt;alert(1)&lt;/script&gt;</b>');
      expect(html).toContain('href="https://siem.example/?q=&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"');
      expect(html).not.toContain('<script>');
      expect(html).not.toContain('<img');
    });
  });

  it('with the engine’s own payload (payloadFor): alert_subject args, HTML alert_text and field lines all escaped', async () => {
    smtp.received.length = 0;
    const rule = emailRule(
      {
        ...base(),
        email: 'soc@example.com',
        email_format: 'html',
        alert_subject: 'Root login by {0}',
        alert_subject_args: ['user.name'],
        alert_text: '<h2>Root login</h2><p>User <b>{0}</b> from {1}</p>',
        alert_text_args: ['user.name', 'source.ip'],
      },
      { queryKey: ['user.name'] },
    );
    const match = {
      '@timestamp': '2025-01-02T03:04:05Z',
      user: { name: '<script>alert(1)</script>\r\nBcc: victim@example.com' },
      source: { ip: '"><img src=x onerror=alert(1)>' },
    };
    const text = buildAlertText(rule, match, 'A match');
    const record: AlertRecord = {
      id: 'e2e-alert-1',
      ruleName: rule.name,
      queryKey: String(match.user.name),
      matchBody: match,
      alertInfo: { match_string: 'A match' },
      alertText: text.body,
      alertSubject: text.subject,
      matchTimeMs: Date.UTC(2025, 0, 2, 3, 4, 5),
      alertTimeMs: Date.UTC(2025, 0, 2, 3, 4, 6),
      alertSent: false,
    };
    await createEmailAlerter({ type: 'email', options: {} }, rule, capture()).send(payloadFor(rule, record));
    const got = smtp.received[0];
    expect(got?.rcptTo).toEqual(['soc@example.com']);
    const msg = parseMime(got?.raw ?? '');
    expect(msg.headers.has('bcc')).toBe(false);
    expect(header(msg, 'Subject')).toBe('Root login by <script>alert(1)</script> Bcc: victim@example.com');
    const html = htmlOf(got?.raw ?? '');
    expect(html).toContain('<h2>Root login</h2><p>User <b>&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('from &quot;&gt;&lt;img src=x onerror=alert(1)&gt;</p>');
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<img');
    expect(textOf(got?.raw ?? '')).toBe(text.body.replace(/\r\n/g, '\n'));
  });

  it('attaches inline images (email_image_keys) to HTML mail', async () => {
    smtp.received.length = 0;
    const assets = mkdtempSync(path.join(tmpdir(), 'logwarden-email-assets-'));
    writeFileSync(path.join(assets, 'logo.png'), Buffer.from('89504e470d0a1a0a', 'hex'));
    const alert = makePayload({ subject: 's', text: '<img src="cid:logo"><p>{0}</p>', values: ['bob'] });
    await sendWith(
      {
        ...base(),
        email: 'soc@example.com',
        email_format: 'html',
        assets_dir: assets,
        email_image_keys: ['logo'],
        email_image_values: ['logo.png'],
      },
      alert,
    );
    const msg = parseMime(smtp.received[0]?.raw ?? '');
    const image = partOfType(msg, 'image/png');
    expect(image?.headers.get('content-id')?.[0]).toBe('<logo>');
    expect(htmlOf(smtp.received[0]?.raw ?? '')).toContain('<img src="cid:logo"><p>bob</p>');
  });

  describe('email_from_field', () => {
    const opts = (): Record<string, unknown> => ({
      ...base(),
      email: 'soc@example.com',
      bcc: 'audit@example.com',
      email_from_field: 'user.name',
      email_add_domain: 'example.com',
    });
    const withUser = (user: unknown): AlertPayload => makePayload({ subject: 's', text: 't', values: [], match: { user: { name: user } } });

    it('mails <user>@<email_add_domain> instead of email (plus bcc)', async () => {
      smtp.received.length = 0;
      await sendWith(opts(), withUser('alice'));
      await sendWith(opts(), withUser(['alice', 'Bob@Example.com']));
      expect(smtp.received.map((m) => m.rcptTo)).toEqual([
        ['alice@example.com', 'audit@example.com'],
        ['alice@example.com', 'Bob@example.com', 'audit@example.com'],
      ]);
    });

    it('refuses attacker-chosen addresses and falls back to the rule\u2019s own recipients', async () => {
      smtp.received.length = 0;
      const deps = capture();
      for (const value of [
        'mallory@attacker.example',
        'victim%attacker.example',
        'a@example.com, b@attacker.example',
        'x\r\nBcc: v@attacker.example',
        'a!b',
        Array.from({ length: 11 }, (_, i) => `u${i}`),
      ]) {
        await sendWith(opts(), withUser(value), deps);
      }
      expect(smtp.received.map((m) => m.rcptTo)).toEqual(Array.from({ length: 6 }, () => ['soc@example.com', 'audit@example.com']));
      expect(deps.lines.filter((l) => l.includes('email_from_field value refused'))).toHaveLength(6);
      // A missing field is ElastAlert2's fallback too, without a warning.
      await sendWith(opts(), makePayload({ subject: 's', text: 't', values: [], match: {} }), deps);
      expect(smtp.received.at(-1)?.rcptTo).toEqual(['soc@example.com', 'audit@example.com']);
    });
  });
});

describe('email alerter: SMTP failures', () => {
  const servers: TestSmtp[] = [];
  afterAll(async () => {
    for (const s of servers) await s.close();
  });
  const start = async (opts: Parameters<typeof startSmtp>[0]): Promise<TestSmtp> => {
    const s = await startSmtp({ disabledCommands: ['STARTTLS', 'AUTH'], ...opts });
    servers.push(s);
    return s;
  };
  const opts = (port: number): Record<string, unknown> => ({
    smtp_host: '127.0.0.1',
    smtp_port: port,
    smtp_starttls: false,
    smtp_timeout: 5,
    email: ['soc@example.com'],
  });

  it('550 for the recipient is permanent, with the server\u2019s reason', async () => {
    const s = await start({
      onRcptTo(_address, _session, callback) {
        callback(Object.assign(new Error('5.1.1 <soc@example.com>: Recipient address rejected: User unknown'), { responseCode: 550 }));
      },
    });
    const err = await failure(sendWith(opts(s.port), simple()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/rejected the recipient: 550 5\.1\.1 <soc@example\.com>: Recipient address rejected: User unknown/);
  });

  it('553 for the sender and 554 for the message are permanent', async () => {
    const s1 = await start({ onMailFrom: (_a, _s, cb) => cb(Object.assign(new Error('Sender address rejected'), { responseCode: 553 })) });
    const e1 = await failure(sendWith(opts(s1.port), simple()));
    expect([e1.retryable, /rejected the sender: 553/.test(e1.message)]).toEqual([false, true]);
    const s2 = await start({
      onData: (stream, _s, cb) => {
        stream.resume();
        stream.on('end', () => cb(Object.assign(new Error('Message rejected as spam'), { responseCode: 554 })));
      },
    });
    const e2 = await failure(sendWith(opts(s2.port), simple()));
    expect([e2.retryable, /rejected the message: 554/.test(e2.message)]).toEqual([false, true]);
  });

  it.each([421, 450, 451, 452])('%i is retryable', async (code) => {
    const s = await start({
      onData(stream, _session, callback) {
        stream.resume();
        stream.on('end', () => callback(Object.assign(new Error('Try again later'), { responseCode: code })));
      },
    });
    const err = await failure(sendWith(opts(s.port), simple()));
    expect(err.retryable).toBe(true);
    expect(err.message).toContain(String(code));
  });

  it('a connection dropped in the middle of the message is retryable', async () => {
    const holder: { server?: TestSmtp } = {};
    holder.server = await start({
      onData(stream) {
        // The first bytes of the message arrive; the peer goes away without an answer.
        stream.once('data', () => holder.server?.dropAll());
      },
    });
    const err = await failure(sendWith(opts(holder.server.port), simple()));
    expect(err.retryable).toBe(true);
    expect(holder.server.received).toHaveLength(0);
  });

  it('a refused connection is retryable', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const address = probe.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const err = await failure(sendWith(opts(port), simple()));
    expect(err.retryable).toBe(true);
    expect(err.message).toMatch(/ECONNREFUSED/);
  });

  it('a server that never greets times out, retryably', async () => {
    const held = new Set<Socket>();
    const silent: Server = createServer((socket) => void held.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    const address = silent.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    try {
      const err = await failure(sendWith({ ...opts(port), smtp_timeout: 0.3 }, simple()));
      expect(err.retryable).toBe(true);
    } finally {
      for (const socket of held) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});

const describeTls = hasOpenssl() ? describe : describe.skip;

describeTls('email alerter with TLS (a CA made for this run)', () => {
  let pki: TestPki;
  let starttls: TestSmtp;
  let implicit: TestSmtp;
  let noStarttls: TestSmtp;
  let authDir: string;
  beforeAll(async () => {
    pki = makeTestPki();
    const onAuth: Parameters<typeof startSmtp>[0] = {
      onAuth(auth, _session, callback) {
        if (auth.username === 'alerts' && auth.password === PASSWORD) callback(null, { user: 'alerts' });
        else callback(Object.assign(new Error('5.7.8 Authentication credentials invalid'), { responseCode: 535 }));
      },
    };
    starttls = await startSmtp({ key: pki.serverKey, cert: pki.serverCert, ...onAuth });
    implicit = await startSmtp({ secure: true, key: pki.serverKey, cert: pki.serverCert, ...onAuth });
    noStarttls = await startSmtp({ disabledCommands: ['STARTTLS'] });
    authDir = mkdtempSync(path.join(tmpdir(), 'logwarden-email-auth-'));
    writeFileSync(path.join(authDir, 'good.yaml'), `user: alerts\npassword: "${PASSWORD}"\n`);
    writeFileSync(path.join(authDir, 'bad.yaml'), `user: alerts\npassword: wrong-${PASSWORD}\n`);
  });
  afterAll(async () => {
    await starttls.close();
    await implicit.close();
    await noStarttls.close();
  });
  const opts = (port: number, extra: Record<string, unknown> = {}): Record<string, unknown> => ({
    smtp_host: '127.0.0.1',
    smtp_port: port,
    smtp_timeout: 5,
    email: 'soc@example.com',
    ...extra,
  });

  it('STARTTLS (required by default) with the certificate verified against smtp_ca_certs', async () => {
    starttls.received.length = 0;
    await sendWith(opts(starttls.port, { smtp_ca_certs: pki.caFile }), simple());
    expect(starttls.received).toHaveLength(1);
    expect(starttls.received[0]?.secure).toBe(true);
  });

  it('fails permanently when the certificate cannot be verified (no smtp_ca_certs)', async () => {
    starttls.received.length = 0;
    const err = await failure(sendWith(opts(starttls.port), simple()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/TLS certificate of 127\.0\.0\.1:\d+ could not be verified/);
    expect(err.message).toContain('smtp_ca_certs');
    expect(starttls.received).toHaveLength(0);
  });

  it('smtp_verify_certs: false accepts the unverified certificate', async () => {
    starttls.received.length = 0;
    await sendWith(opts(starttls.port, { smtp_verify_certs: false }), simple());
    expect(starttls.received[0]?.secure).toBe(true);
  });

  it('fails permanently when the server does not offer STARTTLS, unless smtp_starttls: false', async () => {
    noStarttls.received.length = 0;
    const err = await failure(sendWith(opts(noStarttls.port), simple()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/does not offer STARTTLS .*smtp_starttls: false/);
    expect(noStarttls.received).toHaveLength(0);
    await sendWith(opts(noStarttls.port, { smtp_starttls: false }), simple());
    expect(noStarttls.received).toHaveLength(1);
    expect(noStarttls.received[0]?.secure).toBe(false);
  });

  it('implicit TLS (smtp_ssl) with verification', async () => {
    implicit.received.length = 0;
    await sendWith(opts(implicit.port, { smtp_ssl: true, smtp_ca_certs: pki.caFile }), simple());
    expect(implicit.received[0]?.secure).toBe(true);
    const err = await failure(sendWith(opts(implicit.port, { smtp_ssl: true }), simple()));
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/could not be verified/);
  });

  it('logs in with smtp_auth_file (ElastAlert2 format) and with SMTP_USERNAME/SMTP_PASSWORD', async () => {
    starttls.received.length = 0;
    await sendWith(opts(starttls.port, { smtp_ca_certs: pki.caFile, smtp_auth_file: path.join(authDir, 'good.yaml') }), simple());
    await sendWith(
      opts(starttls.port, { smtp_ca_certs: pki.caFile }),
      simple(),
      capture({ SMTP_USERNAME: 'alerts', SMTP_PASSWORD: PASSWORD }),
    );
    expect(starttls.received.map((m) => m.user)).toEqual(['alerts', 'alerts']);
  });

  it('a wrong password is permanent, with the server\u2019s reason and without the password', async () => {
    const deps = capture();
    const err = await failure(
      sendWith(opts(starttls.port, { smtp_ca_certs: pki.caFile, smtp_auth_file: path.join(authDir, 'bad.yaml') }), simple(), deps),
    );
    expect(err.retryable).toBe(false);
    expect(err.message).toMatch(/refused the login as "alerts" .*535 5\.7\.8 Authentication credentials invalid/);
    expect(starttls.logins.at(-1)?.password).toBe(`wrong-${PASSWORD}`);
    const everything = [err.message, err.stack ?? '', ...deps.lines].join('\n');
    expect(everything).not.toContain(PASSWORD);
    expect(everything).not.toContain(Buffer.from(`wrong-${PASSWORD}`).toString('base64'));
  });

  it('presents a client certificate (smtp_cert_file / smtp_key_file)', async () => {
    const mtls = await startSmtp({ key: pki.serverKey, cert: pki.serverCert, ca: pki.ca, requestCert: true, rejectUnauthorized: true });
    try {
      await sendWith(
        opts(mtls.port, { smtp_ca_certs: pki.caFile, smtp_cert_file: pki.clientCertFile, smtp_key_file: pki.clientKeyFile }),
        simple(),
      );
      expect(mtls.received).toHaveLength(1);
      const err = await failure(sendWith(opts(mtls.port, { smtp_ca_certs: pki.caFile }), simple()));
      expect(err.retryable).toBe(false);
      expect(err.message).toMatch(/refused the TLS session \(tlsv13 alert certificate required\): .*smtp_cert_file and smtp_key_file/);
    } finally {
      await mtls.close();
    }
  });
});
