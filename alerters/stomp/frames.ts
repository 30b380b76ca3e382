/**
 * STOMP 1.2 frames (https://stomp.github.io/stomp-specification-1.2.html): writing a frame with
 * escaped header values, and reading frames from a byte stream (NUL-terminated, or by
 * content-length). Only what a publisher needs.
 */

export interface Frame {
  command: string;
  headers: Record<string, string>;
  body: string;
}

/** STOMP 1.2 header escaping: a value cannot end the header line or split name from value. */
const escapeHeader = (v: string): string => v.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n').replace(/:/g, '\\c');
const unescapeHeader = (v: string): string => v.replace(/\\(.)/g, (_m, c: string) => ({ r: '\r', n: '\n', c: ':', '\\': '\\' })[c] ?? c);

export function encodeFrame(f: Frame): Buffer {
  const body = Buffer.from(f.body, 'utf8');
  // CONNECT frames are not escaped in STOMP 1.2 (for 1.0 brokers); its values here are the rule's.
  const esc = f.command === 'CONNECT' ? (v: string) => v : escapeHeader;
  const lines = Object.entries({ ...f.headers, ...(body.length > 0 ? { 'content-length': String(body.length) } : {}) }).map(
    ([k, v]) => `${esc(k)}:${esc(v)}`,
  );
  return Buffer.concat([Buffer.from(`${f.command}\n${lines.join('\n')}\n\n`, 'utf8'), body, Buffer.from([0])]);
}

/** Splits complete frames off `buffer`; returns them and what is left. Heart-beat EOLs are skipped. */
export function decodeFrames(buffer: Buffer): { frames: Frame[]; rest: Buffer } {
  const frames: Frame[] = [];
  let rest = buffer;
  for (;;) {
    let start = 0;
    while (start < rest.length && (rest[start] === 0x0a || rest[start] === 0x0d)) start++;
    rest = rest.subarray(start);
    const headEnd = rest.indexOf('\n\n');
    if (headEnd < 0) break;
    const [command = '', ...lines] = rest.subarray(0, headEnd).toString('utf8').replace(/\r/g, '').split('\n');
    const headers: Record<string, string> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      const name = unescapeHeader(line.slice(0, i));
      // The first occurrence of a repeated header wins (STOMP 1.2).
      if (i > 0 && !(name in headers)) headers[name] = unescapeHeader(line.slice(i + 1));
    }
    const bodyStart = headEnd + 2;
    const length = headers['content-length'] === undefined ? undefined : Number(headers['content-length']);
    const end = length === undefined ? rest.indexOf(0, bodyStart) : bodyStart + length;
    if (end < 0 || end >= rest.length) break;
    frames.push({ command, headers, body: rest.subarray(bodyStart, end).toString('utf8') });
    rest = rest.subarray(end + 1);
  }
  return { frames, rest };
}
