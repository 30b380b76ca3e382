/**
 * The email alerter's options: ElastAlert2's names and defaults, plus LogWarden's TLS, timeout and
 * credential options. Types are checked by the schema beside it (the one lint uses); this file
 * checks addresses, files and options that go together, when the rule is loaded.
 * Files named by options (auth, CA, client certificate) are read here, once per rule load.
 */
import { readFileSync } from 'node:fs';
import { hostname as osHostname } from 'node:os';
import path from 'node:path';
import { FAILSAFE_SCHEMA, load as loadYaml } from 'js-yaml';
import { checkOptions } from '../kit/options.ts';
import { isValidAddress, isValidDomain, mailbox, type Fail, type MailAddress } from './addresses.ts';
import { emailSchema } from './schema.ts';

export { isValidAddress, isValidDomain, MAX_FIELD_RECIPIENTS, recipientsFromField, type Fail, type MailAddress } from './addresses.ts';

/** Login for the SMTP server. The password stays out of JSON, util.inspect and template strings. */
export class SmtpCredentials {
  readonly user: string;
  readonly #password: string;
  /** Where they came from, for messages: "smtp_auth_file /etc/x.yaml" or "SMTP_USERNAME/SMTP_PASSWORD". */
  readonly source: string;
  constructor(user: string, password: string, source: string) {
    this.user = user;
    this.#password = password;
    this.source = source;
  }
  get password(): string {
    return this.#password;
  }
  toJSON(): Record<string, string> {
    return { user: this.user, password: '[redacted]', source: this.source };
  }
  toString(): string {
    return `[credentials of ${this.user}]`;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return this.toString();
  }
}

export interface SmtpSettings {
  host: string;
  port: number;
  /** smtp_ssl: TLS from the first byte (usually port 465). */
  implicitTls: boolean;
  /** smtp_starttls: without implicit TLS, the server must offer STARTTLS and the upgrade must succeed. */
  requireStarttls: boolean;
  verifyCerts: boolean;
  /** PEM of smtp_ca_certs; replaces the system CAs when set. */
  ca: string | undefined;
  /** smtp_cert_file / smtp_key_file: a client certificate. */
  clientCert: { cert: string; key: string } | undefined;
  auth: SmtpCredentials | undefined;
  timeoutMs: number;
}

export interface InlineImage {
  /** Content-ID the rule's HTML refers to as "cid:<key>". */
  cid: string;
  file: string;
}

export interface EmailOptions {
  to: string[];
  cc: string[];
  bcc: string[];
  from: MailAddress;
  /** email_reply_to; when unset, Reply-To repeats the To addresses (as ElastAlert2). */
  replyTo: MailAddress | undefined;
  /** email_from_field: a document field naming recipients (see recipientsFromField). */
  fromField: string | undefined;
  /** email_add_domain without its "@", lower case. */
  addDomain: string | undefined;
  format: 'text' | 'html';
  images: InlineImage[];
  smtp: SmtpSettings;
  /** Non-fatal notes for the log at load time (e.g. verification turned off). */
  warnings: string[];
}

const DEFAULT_TIMEOUT_S = 30;

/** The options as the schema (email/schema.ts) checked them; what it cannot say is checked below. */
interface EmailRaw {
  email?: string | string[];
  cc?: string | string[];
  bcc?: string | string[];
  smtp_port?: number;
  smtp_ssl?: boolean;
  smtp_starttls?: boolean;
  smtp_verify_certs?: boolean;
  smtp_timeout?: number;
  email_format?: 'html' | 'text';
  email_image_keys?: string[];
  email_image_values?: string[];
}
type Checked = EmailRaw & Readonly<Record<string, unknown>>;

function addressList(o: Checked, option: 'email' | 'cc' | 'bcc', fail: Fail): string[] {
  const raw = o[option];
  const items = raw === undefined ? [] : typeof raw === 'string' ? [raw] : raw;
  // A comma-separated string is a common way of writing several addresses; each is checked.
  const addresses = items
    .flatMap((i) => i.split(','))
    .map((a) => a.trim())
    .filter((a) => a !== '');
  for (const a of addresses) {
    if (!isValidAddress(a))
      throw fail(option, `${JSON.stringify(a)} is not an email address (write bare addresses such as soc@example.com, one per list item)`);
  }
  return addresses;
}

/** A text option the schema checked; blank text (spaces only) is refused as the schema refuses "". */
function text(o: Checked, option: string, fail: Fail): string | undefined {
  const v = o[option];
  if (typeof v !== 'string') return undefined;
  if (v.trim() === '') throw fail(option, 'must be a non-empty string');
  return v;
}

/**
 * Relative paths are resolved against the working directory. (ElastAlert2 resolves a relative
 * smtp_auth_file against the rule file's folder; a RuleDefinition does not carry that folder.)
 */
function readOptionFile(file: string, option: string, fail: Fail): string {
  try {
    return readFileSync(path.resolve(file), 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
    throw fail(option, `cannot read ${file} (${code})`);
  }
}

/**
 * ElastAlert2's account file: YAML (JSON is YAML too) with `user` and `password`. Every scalar is
 * read as a string, so `password: 0123` is "0123" and not the number 83 or 123.
 */
export function readAuthFile(file: string, fail: Fail): SmtpCredentials {
  const text = readOptionFile(file, 'smtp_auth_file', fail);
  let doc: unknown;
  try {
    doc = loadYaml(text, { schema: FAILSAFE_SCHEMA });
  } catch (error) {
    // The parser's message quotes the offending line, which may hold the password: give the line only.
    const line = (error as { mark?: { line?: number } }).mark?.line;
    throw fail('smtp_auth_file', `${file} is not valid YAML${line === undefined ? '' : ` (line ${line + 1})`}`);
  }
  const record = doc !== null && typeof doc === 'object' && !Array.isArray(doc) ? (doc as Record<string, unknown>) : {};
  const user = record.user;
  const password = record.password;
  if (typeof user !== 'string' || user === '' || typeof password !== 'string' || password === '') {
    throw fail('smtp_auth_file', `${file} must contain the fields "user" and "password"`);
  }
  return new SmtpCredentials(user, password, `smtp_auth_file ${file}`);
}

function credentialsFromEnv(env: NodeJS.ProcessEnv, fail: Fail): SmtpCredentials | undefined {
  const user = env.SMTP_USERNAME;
  const password = env.SMTP_PASSWORD;
  if (!user && !password) return undefined;
  if (!user || !password) throw fail('smtp_auth_file', 'SMTP_USERNAME and SMTP_PASSWORD must be set together');
  return new SmtpCredentials(user, password, 'SMTP_USERNAME/SMTP_PASSWORD');
}

/** `logwarden@<host name>`, or `logwarden@localhost` when the host name is not a domain name. */
export function defaultFromAddress(hostname: string = osHostname()): string {
  const host = hostname.trim().toLowerCase();
  return `logwarden@${isValidDomain(host) ? host : 'localhost'}`;
}

export interface ParseContext {
  env: NodeJS.ProcessEnv;
  hostname?: string;
}

/**
 * Reads the options against the alerter's schema (the one lint uses), then checks what it cannot
 * say (addresses, files, options that go together) and fills the defaults. Throws `fail` errors
 * naming the option.
 */
export function parseEmailOptions(options: Readonly<Record<string, unknown>>, ctx: ParseContext, fail: Fail): EmailOptions {
  const o = checkOptions<EmailRaw>(emailSchema, options, fail);
  const warnings: string[] = [];
  const to = addressList(o, 'email', fail);
  if (to.length === 0) throw fail('email', 'is required: the address or list of addresses to send the alert to');
  const cc = addressList(o, 'cc', fail);
  const bcc = addressList(o, 'bcc', fail);

  const fromAddr = text(o, 'from_addr', fail);
  const from = fromAddr === undefined ? { address: defaultFromAddress(ctx.hostname) } : mailbox(fromAddr, 'from_addr', fail);
  const replyToRaw = text(o, 'email_reply_to', fail);
  const replyTo = replyToRaw === undefined ? undefined : mailbox(replyToRaw, 'email_reply_to', fail);

  const addDomainRaw = text(o, 'email_add_domain', fail);
  let addDomain: string | undefined;
  if (addDomainRaw !== undefined) {
    addDomain = addDomainRaw.trim().replace(/^@/, '').toLowerCase();
    if (!isValidDomain(addDomain)) throw fail('email_add_domain', `${JSON.stringify(addDomainRaw)} is not a domain name`);
  }
  const fromField = text(o, 'email_from_field', fail);
  if (fromField !== undefined && addDomain === undefined) {
    throw fail(
      'email_from_field',
      'needs email_add_domain: LogWarden only mails <value>@<email_add_domain> for a recipient read from a log document, so whoever writes logs cannot choose where alerts go',
    );
  }

  const format = o.email_format ?? 'text';
  const images = inlineImages(o, format, warnings, fail);
  const smtp = smtpSettings(o, ctx, warnings, fail);
  return { to, cc, bcc, from, replyTo, fromField, addDomain, format, images, smtp, warnings };
}

function inlineImages(o: Checked, format: 'text' | 'html', warnings: string[], fail: Fail): InlineImage[] {
  const keys = o.email_image_keys ?? [];
  const values = o.email_image_values ?? [];
  if (keys.length === 0 && values.length === 0) return [];
  if (keys.length !== values.length)
    throw fail('email_image_values', `has ${values.length} entries but email_image_keys has ${keys.length}; they pair up by position`);
  if (format !== 'html') {
    warnings.push('email_image_keys: inline images are only attached with email_format: html (as ElastAlert2); ignored');
    return [];
  }
  // ElastAlert2 falls back to /tmp; a world-writable folder is no place to pick up mail content from.
  const dir = text(o, 'assets_dir', fail);
  if (dir === undefined) throw fail('assets_dir', 'is required with email_image_keys (LogWarden does not default to /tmp)');
  const root = path.resolve(dir);
  return keys.map((cid, i) => {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(cid))
      throw fail('email_image_keys', `${JSON.stringify(cid)}: use letters, digits, ".", "_" and "-"`);
    const file = path.resolve(root, values[i] ?? '');
    if (path.relative(root, file).startsWith('..') || path.isAbsolute(path.relative(root, file))) {
      throw fail('email_image_values', `${JSON.stringify(values[i])} is outside assets_dir`);
    }
    readOptionFile(file, 'email_image_values', fail);
    return { cid, file };
  });
}

function smtpSettings(o: Checked, ctx: ParseContext, warnings: string[], fail: Fail): SmtpSettings {
  const host = text(o, 'smtp_host', fail) ?? 'localhost';
  const implicitTls = o.smtp_ssl ?? false;
  // ElastAlert2's defaults (smtplib's): 465 with implicit TLS, else 25.
  const port = o.smtp_port ?? (implicitTls ? 465 : 25);
  const requireStarttls = o.smtp_starttls ?? true;
  const verifyCerts = o.smtp_verify_certs ?? true;
  if (!verifyCerts)
    warnings.push(
      'smtp_verify_certs: false: the SMTP server certificate is not verified, so anyone on the path can read alerts and credentials',
    );
  const timeoutMs = Math.round((o.smtp_timeout ?? DEFAULT_TIMEOUT_S) * 1000);

  const caFile = text(o, 'smtp_ca_certs', fail);
  let ca: string | undefined;
  if (caFile !== undefined) {
    ca = readOptionFile(caFile, 'smtp_ca_certs', fail);
    if (!ca.includes('-----BEGIN CERTIFICATE-----')) throw fail('smtp_ca_certs', `${caFile} holds no PEM certificate`);
  }

  const certFile = text(o, 'smtp_cert_file', fail);
  const keyFile = text(o, 'smtp_key_file', fail);
  if (keyFile !== undefined && certFile === undefined)
    throw fail('smtp_key_file', 'needs smtp_cert_file (the client certificate it belongs to)');
  let clientCert: SmtpSettings['clientCert'];
  if (certFile !== undefined) {
    const cert = readOptionFile(certFile, 'smtp_cert_file', fail);
    // As Python's load_cert_chain: without a key file, the key is in the certificate file.
    const key = keyFile === undefined ? cert : readOptionFile(keyFile, 'smtp_key_file', fail);
    if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key))
      throw fail(keyFile === undefined ? 'smtp_cert_file' : 'smtp_key_file', 'holds no PEM private key');
    clientCert = { cert, key };
  }

  const authFile = text(o, 'smtp_auth_file', fail);
  const auth = authFile !== undefined ? readAuthFile(authFile, fail) : credentialsFromEnv(ctx.env, fail);
  if (auth && !implicitTls && !requireStarttls) {
    warnings.push('smtp_starttls: false with credentials: if the server does not offer STARTTLS, the password is sent in clear text');
  }
  return { host, port, implicitTls, requireStarttls, verifyCerts, ca, clientCert, auth, timeoutMs };
}
