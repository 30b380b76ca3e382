/**
 * GELF over TCP (one JSON document ended by a NUL byte, optionally in TLS) and UDP (one datagram,
 * or GELF chunks when larger than 8,192 bytes: magic 0x1e 0x0f, an 8-byte message id, sequence
 * number and count, at most 128 chunks), as Graylog documents them.
 */
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import net from 'node:net';
import tls from 'node:tls';

export const UDP_CHUNK_BYTES = 8192;
const CHUNK_HEADER = 12;
const MAX_CHUNKS = 128;

/** Writes `message` and a NUL, then ends the connection; rejects on error or after `timeoutMs`. */
export function sendTcp(host: string, port: number, message: Buffer, timeoutMs: number, ca: string[] | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = ca ? tls.connect({ host, port, ca, servername: net.isIP(host) ? undefined : host }) : net.connect({ host, port });
    socket.setTimeout(timeoutMs, () =>
      socket.destroy(Object.assign(new Error(`no answer within ${timeoutMs / 1000}s`), { code: 'ETIMEDOUT' })),
    );
    socket.once(ca ? 'secureConnect' : 'connect', () => {
      socket.end(Buffer.concat([message, Buffer.from([0])]));
    });
    socket.once('error', reject);
    socket.once('close', (hadError) => {
      if (!hadError) resolve();
    });
  });
}

/** The datagrams for `message`: itself when it fits, else GELF chunks. */
export function udpDatagrams(message: Buffer): Buffer[] {
  if (message.length <= UDP_CHUNK_BYTES) return [message];
  const size = UDP_CHUNK_BYTES - CHUNK_HEADER;
  const count = Math.ceil(message.length / size);
  if (count > MAX_CHUNKS) throw new Error(`${message.length} bytes need more than ${MAX_CHUNKS} GELF chunks`);
  const id = randomBytes(8);
  return Array.from({ length: count }, (_, i) =>
    Buffer.concat([Buffer.from([0x1e, 0x0f]), id, Buffer.from([i, count]), message.subarray(i * size, (i + 1) * size)]),
  );
}

export function sendUdp(host: string, port: number, message: Buffer): Promise<void> {
  const datagrams = udpDatagrams(message);
  const socket = dgram.createSocket(net.isIPv6(host) ? 'udp6' : 'udp4');
  return (async () => {
    try {
      for (const d of datagrams) {
        await new Promise<void>((resolve, reject) => socket.send(d, port, host, (error) => (error ? reject(error) : resolve())));
      }
    } finally {
      socket.close();
    }
  })();
}
