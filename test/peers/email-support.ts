/**
 * Helpers for the email alerter's tests: an in-process SMTP server (smtp-server) that records what
 * it receives, a throwaway CA and server certificate made with openssl, a small MIME reader (no
 * mail parser is installed), and alert payloads that honour the render(escape) contract.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SMTPServer, type SMTPServerOptions } from 'smtp-server';
import type { AlertPayload } from '../../alerters/types.ts';
import type { RuleDefinition } from '../../src/rules/types.ts';

export interface ReceivedMail {
  mailFrom: string;
  rcptTo: string[];
  raw: string;
  secure: boolean;
  user: unknown;
}

export interface TestSmtp {
  port: number;
  received: ReceivedMail[];
  /** Every AUTH attempt as the server saw it (username, password), for asserting on what was sent. */
  logins: { username: string | undefined; password: string | null | undefined }[];
  /** Destroys every open connection, the server keeps listening (a peer that drops mid-session). */
  dropAll(): void;
  close(): Promise<void>;
}

/**
 * Starts an SMTP server on 127.0.0.1 with an OS-chosen port. Unless `options.onData` is given,
 * each message is read whole and recorded. The server's own log is off.
 */
export async function startSmtp(options: SMTPServerOptions = {}): Promise<TestSmtp> {
  const received: ReceivedMail[] = [];
  const logins: TestSmtp['logins'] = [];
  const sockets = new Set<Socket>();
  const server = new SMTPServer({
    logger: false,
    disableReverseLookup: true,
    authOptional: true,
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        received.push({
          mailFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          rcptTo: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
          secure: session.secure,
          user: session.user,
        });
        callback();
      });
    },
    ...options,
    onAuth(auth, session, callback) {
      logins.push({ username: auth.username, password: auth.password });
      if (options.onAuth) options.onAuth(auth, session, callback);
      else callback(null, { user: auth.username });
    },
  });
  server.server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  // A client that fails the TLS handshake (the point of some tests) is reported here; it is no test failure.
  server.on('error', () => undefined);
  const address = server.server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    port: address.port,
    received,
    logins,
    dropAll: () => {
      for (const s of sockets) s.destroy();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

export interface TestPki {
  dir: string;
  caFile: string;
  serverKey: string;
  serverCert: string;
  clientKeyFile: string;
  clientCertFile: string;
  ca: string;
}

/**
 * A CA made for this test run (openssl), a server certificate for 127.0.0.1/localhost and a
 * client certificate, all signed by it, valid for two days.
 */
export function makeTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'logwarden-email-tls-'));
  const run = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run(
    'req',
    '-x509',
    '-new',
    ...ec,
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '2',
    '-subj',
    '/CN=LogWarden test CA',
    '-addext',
    'basicConstraints=critical,CA:TRUE',
    '-addext',
    'keyUsage=critical,keyCertSign,cRLSign',
  );
  writeFileSync(
    path.join(dir, 'server.ext'),
    'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=serverAuth\n',
  );
  run('req', '-new', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost');
  run(
    'x509',
    '-req',
    '-in',
    'server.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'server.crt',
    '-days',
    '2',
    '-extfile',
    'server.ext',
  );
  writeFileSync(path.join(dir, 'client.ext'), 'basicConstraints=CA:FALSE\nkeyUsage=digitalSignature\nextendedKeyUsage=clientAuth\n');
  run('req', '-new', ...ec, '-keyout', 'client.key', '-out', 'client.csr', '-subj', '/CN=logwarden-client');
  run(
    'x509',
    '-req',
    '-in',
    'client.csr',
    '-CA',
    'ca.crt',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'client.crt',
    '-days',
    '2',
    '-extfile',
    'client.ext',
  );
  const read = (f: string): string => readFileSync(path.join(dir, f), 'utf8');
  return {
    dir,
    caFile: path.join(dir, 'ca.crt'),
    ca: read('ca.crt'),
    serverKey: read('server.key'),
    serverCert: read('server.crt'),
    clientKeyFile: path.join(dir, 'client.key'),
    clientCertFile: path.join(dir, 'client.crt'),
  };
}

/** Whether openssl can be run; the TLS tests need it to make their CA. */
export function hasOpenssl(): boolean {
  try {
    execFileSync('openssl', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// A minimal MIME reader: enough to check headers, recipients and the decoded text of each part.

export interface MimePart {
  /** Header lines as received, unfolded, in order (name as written). */
  headerLines: string[];
  headers: Map<string, string[]>;
  /** Decoded body of a leaf part (utf-8). */
  body: string;
  parts: MimePart[];
}

/** RFC 2047 decoding, applied once, as a mail client would: adjacent encoded words join up. */
export function decodeWords(value: string): string {
  const word = /=\?([^?\s]+)\?([BbQq])\?([^?\s]*)\?=/g;
  const joined = value.replace(/(=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)\s+(?==\?[^?\s]+\?[BbQq]\?)/g, '$1');
  // Decode runs of words to bytes first, so a multi-byte character split across words survives.
  return joined.replace(/(?:=\?[^?\s]+\?[BbQq]\?[^?\s]*\?=)+/g, (run) => {
    const bytes: Buffer[] = [];
    for (const m of run.matchAll(word)) {
      const [, , enc, data = ''] = m;
      if (enc?.toUpperCase() === 'B') bytes.push(Buffer.from(data, 'base64'));
      else bytes.push(qpBytes(data.replace(/_/g, ' ')));
    }
    return Buffer.concat(bytes).toString('utf8');
  });
}

function qpBytes(text: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(text.slice(i + 1, i + 3))) {
      out.push(parseInt(text.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out.push(...Buffer.from(c ?? '', 'utf8'));
    }
  }
  return Buffer.from(out);
}

export function parseMime(raw: string): MimePart {
  const split = raw.indexOf('\r\n\r\n');
  const head = split < 0 ? raw : raw.slice(0, split);
  const rest = split < 0 ? '' : raw.slice(split + 4);
  const headerLines = head
    .replace(/\r\n[ \t]+/g, ' ')
    .split('\r\n')
    .filter((l) => l !== '');
  const headers = new Map<string, string[]>();
  for (const line of headerLines) {
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim().toLowerCase();
    headers.set(name, [...(headers.get(name) ?? []), line.slice(colon + 1).trim()]);
  }
  const type = headers.get('content-type')?.[0] ?? 'text/plain';
  const boundary = /boundary="?([^";]+)"?/i.exec(type)?.[1];
  if (/^multipart\//i.test(type) && boundary) {
    const sections = rest.split(`--${boundary}`).slice(1);
    const parts = sections.filter((s) => !s.startsWith('--')).map((s) => parseMime(s.replace(/^\r\n/, '').replace(/\r\n$/, '')));
    return { headerLines, headers, body: '', parts };
  }
  const cte = (headers.get('content-transfer-encoding')?.[0] ?? '7bit').toLowerCase();
  let body: string;
  if (cte === 'base64') body = Buffer.from(rest.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (cte === 'quoted-printable') body = qpBytes(rest.replace(/=\r\n/g, '')).toString('utf8');
  else body = rest;
  return { headerLines, headers, body, parts: [] };
}

/** Leaf parts in order, depth first. */
export function leaves(part: MimePart): MimePart[] {
  return part.parts.length === 0 ? [part] : part.parts.flatMap(leaves);
}

export function partOfType(message: MimePart, type: string): MimePart | undefined {
  return leaves(message).find((p) => (p.headers.get('content-type')?.[0] ?? '').toLowerCase().startsWith(type));
}

export function header(message: MimePart, name: string): string | undefined {
  const v = message.headers.get(name.toLowerCase())?.[0];
  return v === undefined ? undefined : decodeWords(v);
}

// ---------------------------------------------------------------------------------------------

/** A rule as the loader would produce it, with the given options. */
export function emailRule(options: Record<string, unknown>, overrides: Partial<RuleDefinition> = {}): RuleDefinition {
  return {
    name: 'Root login',
    file: 'root-login.yaml',
    type: 'any',
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
    maxQuerySize: 10_000,
    isEnabled: true,
    alert: [{ type: 'email', options: {} }],
    ...overrides,
    options: Object.freeze({ ...options }),
  };
}

export interface PayloadSpec {
  /** The rule author's subject and text, with {0}, {1}... standing for document values. */
  subject: string;
  text: string;
  /** The document values, in order; untrusted. */
  values: readonly string[];
  match?: Record<string, unknown>;
  queryKey?: string;
  severity?: string;
  alertId?: string;
  matchTimeMs?: number;
  kibanaDiscoverUrl?: string;
}

/** A payload whose render(escape) passes exactly the document values through `escape`, as the contract says. */
export function makePayload(spec: PayloadSpec): AlertPayload {
  const fill = (template: string, escape: (v: string) => string): string =>
    template.replace(/\{(\d+)\}/g, (_, i: string) => escape(spec.values[Number(i)] ?? ''));
  const render = (escape: (value: string) => string): { subject: string; text: string } => ({
    subject: fill(spec.subject, escape),
    text: fill(spec.text, escape),
  });
  const plain = render((v) => v);
  return {
    alertId: spec.alertId ?? 'kq1VgHc0m3oXz3sO7y7c8Q',
    ruleName: 'Root login',
    ruleFile: 'root-login.yaml',
    queryKey: spec.queryKey,
    matchTimeMs: spec.matchTimeMs ?? Date.UTC(2025, 0, 2, 3, 4, 5),
    match: spec.match ?? {},
    severity: spec.severity,
    subject: plain.subject,
    text: plain.text,
    render,
    kibanaDiscoverUrl: spec.kibanaDiscoverUrl,
  };
}
