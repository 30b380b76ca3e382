/** Python's urllib.parse.quote(text) (safe="/"): UTF-8, every byte but A-Z a-z 0-9 _ . - ~ / as %XX. */
export function pyQuote(text: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(text)) {
    const ch = String.fromCharCode(byte);
    out += /[A-Za-z0-9_.~/-]/.test(ch) ? ch : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}
