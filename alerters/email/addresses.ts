/**
 * Mail addresses: which ones LogWarden sends to (a strict subset of RFC 5321 that every relay
 * reads alike), and which ones it accepts from a log document (`email_from_field`).
 */

/** Builds the error for a bad option (optionError bound to the rule). */
export type Fail = (option: string, message: string) => Error;

export interface MailAddress {
  /** Display name, from the rule; never from a log document. */
  name?: string | undefined;
  address: string;
}

/** A document field may name at most this many recipients; more is refused as a whole. */
export const MAX_FIELD_RECIPIENTS = 10;

// RFC 5321/5322 dot-atom, without quoted local parts or address literals, which alert recipients
// never need and which are where parsers disagree.
const ATEXT = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]";
const LOCAL_PART = new RegExp(`^${ATEXT}+(?:\\.${ATEXT}+)*$`);
const LABEL = '[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?';
const DOMAIN = new RegExp(`^${LABEL}(?:\\.${LABEL})*$`);
/**
 * Local parts taken from log documents are held to a smaller alphabet: "%" and "!" still route
 * mail elsewhere on some relays ("victim%evil.example@corp.example"), and nothing else in atext
 * is needed for a user name.
 */
const DOCUMENT_LOCAL_PART = /^[A-Za-z0-9_+-]+(?:\.[A-Za-z0-9_+-]+)*$/;

export function isValidDomain(domain: string): boolean {
  return domain.length <= 253 && DOMAIN.test(domain);
}

/** A bare address (no display name), in the subset of RFC 5321 that every relay handles alike. */
export function isValidAddress(address: string): boolean {
  const at = address.lastIndexOf('@');
  if (at <= 0 || address.length > 254) return false;
  const local = address.slice(0, at);
  return local.length <= 64 && LOCAL_PART.test(local) && isValidDomain(address.slice(at + 1));
}

/**
 * Recipients named by the document field `email_from_field`. The rule LogWarden applies (stricter
 * than ElastAlert2, which mails whatever address the document holds): an address taken from a log
 * document is only ever `<local part>@<email_add_domain>`. The value must be a user name made of
 * letters, digits, ".", "_", "+" and "-" (or such a name already followed by "@<email_add_domain>"),
 * or a list of at most MAX_FIELD_RECIPIENTS of them. Anything else (another domain, a display name,
 * several addresses in one string, "%" or "!" routing, control characters) refuses the whole value,
 * and the alert goes to the rule's `email` recipients instead.
 *
 * Returns undefined when the field is absent or neither a string nor a list (ElastAlert2 then uses
 * `email` too), the addresses, or a reason the value was refused.
 */
export function recipientsFromField(value: unknown, addDomain: string): string[] | { refused: string } | undefined {
  if (typeof value !== 'string' && !Array.isArray(value)) return undefined;
  const items: unknown[] = typeof value === 'string' ? [value] : value;
  if (items.length === 0) return undefined;
  if (items.length > MAX_FIELD_RECIPIENTS) return { refused: `it names ${items.length} recipients (at most ${MAX_FIELD_RECIPIENTS})` };
  const out: string[] = [];
  for (const item of items) {
    if (typeof item !== 'string') return { refused: 'a list item is not a string' };
    let local = item;
    const at = item.indexOf('@');
    if (at >= 0) {
      if (item.slice(at + 1).toLowerCase() !== addDomain) return { refused: `an address is not in the domain ${addDomain}` };
      local = item.slice(0, at);
    }
    if (local.length === 0 || local.length > 64 || !DOCUMENT_LOCAL_PART.test(local)) return { refused: 'a value is not a plain user name' };
    const address = `${local}@${addDomain}`;
    if (!out.some((a) => a.toLowerCase() === address.toLowerCase())) out.push(address);
  }
  return out;
}

/** "addr@example.com" or "Display Name <addr@example.com>". */
export function mailbox(value: string, option: string, fail: Fail): MailAddress {
  const trimmed = value.trim();
  if (isValidAddress(trimmed)) return { address: trimmed };
  const m = /^(.*?)\s*<([^<>]*)>$/s.exec(trimmed);
  const name = m?.[1]?.trim().replace(/^"(.*)"$/s, '$1') ?? '';
  const address = m?.[2]?.trim() ?? '';
  if (!m || !isValidAddress(address))
    throw fail(option, `${JSON.stringify(value)} is not an email address (write addr@example.com or "Name <addr@example.com>")`);
  // The name goes into a header; nodemailer encodes it, but a line break or quote has no business there.
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f"<>]/.test(name))
    throw fail(option, 'the display name must not contain control characters, quotes or angle brackets');
  return name === '' ? { address } : { name, address };
}
