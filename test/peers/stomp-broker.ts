/**
 * A local STOMP 1.2 broker written from the specification, for the stomp alerter's peer tests:
 * CONNECT checked against a login, SEND answered with RECEIPT when asked, ERROR for a refused
 * login or destination; over plain TCP and TLS. Every frame a client sends is kept, in order,
 * per connection, so a test can see that a connection carried exactly the frames it should.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { decodeFrames, encodeFrame, type Frame } from '../../alerters/stomp/frames.ts';

export const STOMP_LOGIN = 'logwarden';
export const STOMP_PASSWORD = 'sToMp-pA55';

export interface Broker {
  port: number;
  /** The SEND frames accepted. */
  sent: Frame[];
  /** Every frame received, one list per connection. */
  connections: Frame[][];
  /** What to do with the next SEND instead of a receipt. */
  next: ('error' | 'drop' | 'silent')[];
  close(): Promise<void>;
}

export async function startBroker(secure = false): Promise<Broker> {
  const b: Broker = { port: 0, sent: [], connections: [], next: [], close: async () => undefined };
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    const received: Frame[] = [];
    b.connections.push(received);
    let buffer: Buffer = Buffer.alloc(0);
    const reply = (f: Frame): boolean => socket.write(encodeFrame(f));
    socket.on('data', (chunk: Buffer) => {
      const d = decodeFrames(Buffer.concat([buffer, chunk]));
      buffer = d.rest;
      for (const f of d.frames) {
        received.push(f);
        if (f.command === 'CONNECT' || f.command === 'STOMP') {
          if (f.headers['login'] !== STOMP_LOGIN || f.headers['passcode'] !== STOMP_PASSWORD) {
            reply({
              command: 'ERROR',
              headers: { message: `Authentication failed for ${f.headers['passcode'] ?? ''}` },
              body: 'bad login',
            });
            socket.end();
          } else reply({ command: 'CONNECTED', headers: { version: '1.2', 'heart-beat': '0,0' }, body: '' });
        } else if (f.command === 'SEND') {
          const what = b.next.shift();
          if (what === 'error')
            reply({
              command: 'ERROR',
              headers: { message: `User ${STOMP_LOGIN} (${STOMP_PASSWORD}) is not authorized to write to: queue://ALERT` },
              body: '',
            });
          else if (what === 'drop') socket.destroy();
          else if (what !== 'silent') {
            b.sent.push(f);
            if (f.headers['receipt']) reply({ command: 'RECEIPT', headers: { 'receipt-id': f.headers['receipt'] }, body: '' });
          }
        } else if (f.command === 'DISCONNECT') socket.end();
      }
    });
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  };
  const dir = new URL('./fixtures/http-tls/', import.meta.url);
  const server = secure
    ? tls.createServer({ cert: readFileSync(new URL('server.pem', dir)), key: readFileSync(new URL('server-key.pem', dir)) }, onSocket)
    : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  b.port = (server.address() as net.AddressInfo).port;
  b.close = () =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  return b;
}
