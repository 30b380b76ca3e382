/**
 * Every form in which a configured credential travels, so text that echoes a request (a proxy
 * printing `auth=Basic ...`, a server quoting a URL, an SMTP server repeating AUTH) can be
 * redacted: the value as written, URL-encoded and decoded, its base64, and for a user and
 * password the base64 that HTTP Basic (`user:password`) and SASL PLAIN (`\0user\0password`,
 * `user\0user\0password`) send.
 */

export interface Login {
  user: string;
  password: string;
}

function safeDecode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

const base64 = (text: string): string => Buffer.from(text).toString('base64');

/** The forms of `secrets` and `logins`, longest first (as `redact` wants them), without empties or repeats. */
export function credentialForms(secrets: readonly (string | undefined)[], logins: readonly Login[] = []): string[] {
  const forms = new Set<string>();
  const add = (value: string | undefined): void => {
    if (!value) return;
    forms.add(value);
    forms.add(encodeURIComponent(value));
    forms.add(base64(value));
    const decoded = safeDecode(value);
    if (decoded) forms.add(decoded);
  };
  for (const secret of secrets) add(secret);
  for (const { user, password } of logins) {
    if (password === '') continue;
    add(password);
    // A user and password written in a URL are percent-encoded; clients send them decoded.
    for (const u of new Set([user, safeDecode(user) ?? user])) {
      for (const p of new Set([password, safeDecode(password) ?? password])) {
        forms.add(base64(`${u}:${p}`));
        forms.add(base64(`\u0000${u}\u0000${p}`));
        forms.add(base64(`${u}\u0000${u}\u0000${p}`));
      }
    }
  }
  return [...forms].filter((f) => f !== '').sort((a, b) => b.length - a.length);
}
