/**
 * The Zabbix sender protocol (https://www.zabbix.com/documentation/current/en/manual/appendix/protocols/zabbix_sender):
 * "ZBXD", flags 0x01, the JSON length as 8 bytes little-endian, then
 * `{"request": "sender data", "data": [...]}`; the server answers with the same header and
 * `{"response": "success", "info": "processed: 1; failed: 0; total: 1; ..."}`.
 */
import net from 'node:net';

export interface ItemValue {
  host: string;
  key: string;
  value: string;
  clock: number;
}

export function frame(json: string): Buffer {
  const body = Buffer.from(json, 'utf8');
  const header = Buffer.alloc(13);
  header.write('ZBXD', 0, 'latin1');
  header[4] = 0x01;
  header.writeBigUInt64LE(BigInt(body.length), 5);
  return Buffer.concat([header, body]);
}

/** The JSON of a framed message, or undefined while it is incomplete; throws when it is not one. */
export function unframe(data: Buffer): string | undefined {
  if (data.length < 13) return undefined;
  if (data.toString('latin1', 0, 4) !== 'ZBXD') throw new Error('the answer is not a Zabbix protocol message');
  const length = Number(data.readBigUInt64LE(5));
  if (data.length < 13 + length) return undefined;
  return data.toString('utf8', 13, 13 + length);
}

/** Sends the values and resolves with the server's answer (parsed JSON). */
export function send(
  host: string,
  port: number,
  values: readonly ItemValue[],
  timeoutMs: number,
): Promise<{ response?: unknown; info?: unknown }> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let answer = Buffer.alloc(0);
    socket.setTimeout(timeoutMs, () => socket.destroy(Object.assign(new Error('no answer'), { code: 'ETIMEDOUT' })));
    socket.once('connect', () => socket.write(frame(JSON.stringify({ request: 'sender data', data: values }))));
    socket.on('data', (chunk: Buffer) => {
      answer = Buffer.concat([answer, chunk]);
      try {
        const json = unframe(answer);
        if (json === undefined) return;
        socket.end();
        resolve(JSON.parse(json) as { response?: unknown; info?: unknown });
      } catch (error) {
        socket.destroy();
        reject(error);
      }
    });
    socket.once('error', reject);
    socket.once('close', () =>
      reject(Object.assign(new Error('the server closed the connection without answering'), { code: 'ECONNRESET' })),
    );
  });
}
