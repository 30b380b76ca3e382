/**
 * Removing credentials from text before it reaches a log line, an error, a status record or the
 * writeback. One redactor for Elasticsearch errors and every alerter, so a secret hidden in one
 * place is hidden in all: the given secrets (list every form with `credentialForms`), plus what
 * is shaped like a credential whoever wrote it: URL userinfo, Authorization header values and
 * Slack tokens.
 */

export const REDACTED = '***';

/** Secrets shorter than this are not hunted inside text: they would hide ordinary words ("abc"), and are weak anyway. */
const MIN_SECRET_LENGTH = 4;

export function redact(text: string, secrets: readonly (string | undefined)[] = []): string {
  // Userinfo ends at the last "@" of the authority: a password may hold an unescaped "@" of its own.
  let out = text.replace(/(\w+:\/\/)[^/\s@]+(?:@[^/\s@]*)*@/g, (_m, scheme: string) => `${scheme}${REDACTED}:${REDACTED}@`);
  out = out.replace(/(authorization["']?\s*[:=]\s*["']?)(ApiKey|Basic|Bearer)\s+[A-Za-z0-9+/=._-]+/gi, `$1$2 ${REDACTED}`);
  out = out.replace(/xox[a-z]-[A-Za-z0-9-]+/g, REDACTED);
  // Longest first: a shorter secret inside a longer one must not leave the rest of it behind.
  const hunted = secrets.filter((s): s is string => s !== undefined && s.length >= MIN_SECRET_LENGTH).sort((a, b) => b.length - a.length);
  for (const secret of hunted) out = out.split(secret).join(REDACTED);
  return out;
}
