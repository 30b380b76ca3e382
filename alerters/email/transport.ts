/**
 * One SMTP session per alert, through nodemailer, and what its failures mean for the delivery
 * layer: retryable (the same mail may go through later) or permanent (someone has to change
 * something first). No pool: a pooled transport queues messages in memory across calls, and an
 * alert must either be accepted by the server or come back to the caller as an error.
 */
import nodemailer from 'nodemailer';
import type { SendMailOptions } from 'nodemailer/lib/mailer';
import type { SMTPTransportOptions } from 'nodemailer/lib/smtp-transport';
import { credentialForms, redact as redactSecrets } from '../../src/escape/index.ts';
import type { SmtpSettings } from './options.ts';

export interface SendOutcome {
  accepted: string[];
  rejected: string[];
  response: string;
}

/** nodemailer options for one rule's server. */
export function transportOptions(smtp: SmtpSettings): SMTPTransportOptions {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.implicitTls,
    // Without requireTLS nodemailer uses STARTTLS when the server offers it (ElastAlert2's
    // behaviour, kept for smtp_starttls: false) and silently goes on in clear text otherwise.
    requireTLS: !smtp.implicitTls && smtp.requireStarttls,
    tls: {
      rejectUnauthorized: smtp.verifyCerts,
      ...(smtp.ca !== undefined ? { ca: smtp.ca } : {}),
      ...(smtp.clientCert ? { cert: smtp.clientCert.cert, key: smtp.clientCert.key } : {}),
    },
    ...(smtp.auth ? { auth: { user: smtp.auth.user, pass: smtp.auth.password } } : {}),
    // As ElastAlert2 (smtplib login raises): configured credentials that cannot be used are an
    // error, rather than a quiet attempt to send unauthenticated.
    forceAuth: smtp.auth !== undefined,
    connectionTimeout: smtp.timeoutMs,
    greetingTimeout: smtp.timeoutMs,
    socketTimeout: smtp.timeoutMs,
    dnsTimeout: smtp.timeoutMs,
    // nodemailer's logger would print the SMTP dialogue (AUTH included) to the console.
    logger: false,
    debug: false,
    transactionLog: false,
    // The mail is built from strings and buffers only; nothing in it may make nodemailer read a file or fetch a URL.
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

/**
 * Sends one message in its own session. `deadlineMs` bounds the whole exchange: the per-step
 * timeouts alone let a server that trickles bytes hold the send (and the rule) for ever.
 */
export async function sendOnce(smtp: SmtpSettings, mail: SendMailOptions, deadlineMs: number): Promise<SendOutcome> {
  const transport = nodemailer.createTransport(transportOptions(smtp));
  try {
    const info = await transport.sendMail({ ...mail, signal: AbortSignal.timeout(deadlineMs) });
    return { accepted: info.accepted.map(String), rejected: info.rejected.map(String), response: info.response };
  } finally {
    transport.close();
  }
}

interface NodemailerErrorShape {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  name?: unknown;
}

export interface Classified {
  message: string;
  retryable: boolean;
}

/** A server reply or error text fit for a log line: one line, printable, bounded. */
export function cleanText(value: string, max = 300): string {
  // eslint-disable-next-line no-control-regex
  const one = value
    .replace(/[\u0000-\u001f\u007f-\u009f]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
}

/** Removes every form in which the password could travel (as is, or base64 in AUTH PLAIN/LOGIN). */
export function redact(text: string, smtp: SmtpSettings): string {
  return smtp.auth ? redactSecrets(text, credentialForms([], [{ user: smtp.auth.user, password: smtp.auth.password }])) : text;
}

const CERT_CODE =
  /^(UNABLE_TO_|SELF_SIGNED|DEPTH_ZERO_SELF_SIGNED|CERT_|ERR_TLS_CERT_ALTNAME|HOSTNAME_MISMATCH|INVALID_CA|PATH_LENGTH_EXCEEDED|INVALID_PURPOSE)/;
const CERT_TEXT = /certificate|self[- ]signed|altnames|unable to verify/i;
/** A TLS alert the server sent about our client certificate (or its absence). */
const CLIENT_CERT_ALERT =
  /alert (certificate required|bad certificate|unknown ca|certificate unknown|certificate revoked|certificate expired|unsupported certificate)/i;
const DROPPED_TEXT = /ECONNRESET|EPIPE|socket hang up|closed unexpectedly|Connection closed|timed? ?out/i;

function what(command: string): string {
  if (command === 'RCPT TO') return 'the recipient';
  if (command === 'MAIL FROM') return 'the sender';
  if (command === 'DATA') return 'the message';
  return command === '' || command === 'CONN' || command === 'EHLO' || command === 'HELO' ? 'the session' : command;
}

/** OpenSSL's "40ED...:error:0A00045C:SSL routines:fn:reason:file.c:918:..." shortened to its reason. */
function tlsReason(text: string): string {
  const stripped = text.replace(/^Error initiating TLS - /, '');
  return cleanText(/SSL routines:[^:]*:([^:]+)/.exec(stripped)?.[1] ?? stripped);
}

/** Sorts a send failure into retryable or permanent, with a message that names the cause and never the password. */
export function classifySmtpError(error: unknown, smtp: SmtpSettings): Classified {
  const e: NodemailerErrorShape =
    typeof error === 'object' && error !== null ? (error as NodemailerErrorShape) : { message: String(error) };
  const where = `${smtp.host}:${smtp.port}`;
  const code = typeof e.code === 'string' ? e.code : '';
  const original = typeof e.originalCode === 'string' ? e.originalCode : '';
  const responseCode = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const reply = typeof e.response === 'string' ? cleanText(e.response) : '';
  const command = typeof e.command === 'string' ? e.command : '';
  const text = cleanText(typeof e.message === 'string' ? e.message : String(error));
  const result = (message: string, retryable: boolean): Classified => ({ message: redact(message, smtp), retryable });

  if (e.name === 'AbortError' || code === 'EABORT') {
    return result(`${where} did not complete the exchange within ${Math.round((2 * smtp.timeoutMs) / 1000)} s (2 × smtp_timeout)`, true);
  }
  if ((code === 'ETLS' || code === 'ESOCKET') && CLIENT_CERT_ALERT.test(text)) {
    const fix = smtp.clientCert
      ? 'it does not accept smtp_cert_file'
      : 'it asks for a client certificate: set smtp_cert_file and smtp_key_file';
    return result(`${where} refused the TLS session (${tlsReason(text)}): ${fix}`, false);
  }
  if (CERT_CODE.test(original) || CERT_CODE.test(code) || ((code === 'ETLS' || code === 'ESOCKET') && CERT_TEXT.test(text))) {
    const reason = tlsReason(text);
    const fix =
      smtp.ca !== undefined
        ? 'smtp_ca_certs does not hold the CA that signed it, or the name does not match smtp_host'
        : 'set smtp_ca_certs to the CA that signed it';
    return result(`TLS certificate of ${where} could not be verified (${reason}): ${fix}`, false);
  }
  if (code === 'ETLS' && command === 'STARTTLS' && responseCode !== undefined) {
    // RFC 3207: 454 is "TLS not available due to temporary reason".
    if (responseCode >= 400 && responseCode < 500) return result(`${where} could not start TLS for now: ${reply}`, true);
    return result(
      `${where} does not offer STARTTLS (it answered: ${reply}); TLS is required by default: enable STARTTLS on the server, use smtp_ssl: true for a TLS port, or set smtp_starttls: false to allow clear text`,
      false,
    );
  }
  if (code === 'EAUTH' || code === 'ENOAUTH') {
    const user = smtp.auth ? ` as ${JSON.stringify(smtp.auth.user)} (${smtp.auth.source})` : '';
    if (responseCode !== undefined && responseCode >= 400 && responseCode < 500)
      return result(`${where} could not authenticate${user} for now: ${reply}`, true);
    return result(`${where} refused the login${user}: ${reply || text}`, false);
  }
  if (responseCode !== undefined && responseCode >= 400 && responseCode < 600) {
    // 4yz: transient by definition (421 closing, 450/451 try later, 452 storage); 5yz: permanent,
    // except 503 (bad sequence of commands), which says nothing about this message.
    const retryable = responseCode < 500 || responseCode === 503;
    return result(`${where} ${retryable ? 'deferred' : 'rejected'} ${what(command)}: ${reply}`, retryable);
  }
  if (code === 'ESOCKET' && /^ERR_SSL_/.test(original)) {
    return result(`TLS handshake with ${where} failed (${tlsReason(text)}); is smtp_ssl right for port ${smtp.port}?`, false);
  }
  if (code === 'ETLS') {
    return result(`TLS with ${where} failed: ${tlsReason(text)}`, DROPPED_TEXT.test(text));
  }
  if (code === 'ECONNECTION' || code === 'ETIMEDOUT' || code === 'ESOCKET' || code === 'EDNS' || code === 'EPROXY') {
    const cause = original !== '' && !text.includes(original) ? `${text} (${original})` : text;
    return result(`cannot deliver through ${where}: ${cause}`, true);
  }
  if (code === 'EENVELOPE' || code === 'EMESSAGE' || code === 'ECONFIG' || code === 'EPROTOCOL' || code === 'ESTREAM') {
    return result(`${where}: ${text}`, false);
  }
  // Anything else is unexpected; trying again costs a little, dropping an alert costs more.
  return result(`sending through ${where} failed: ${text}`, true);
}
