/**
 * The stomp alerter against a local STOMP 1.2 broker written here from the specification:
 * CONNECT checked against a login, SEND answered with RECEIPT when asked, ERROR for a refused
 * login or destination; over plain TCP and TLS.
 */
import { ManualClock } from '../../src/schedule/clock.ts';
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createStompAlerter } from '../../alerters/stomp/index.ts';
import { decodeFrames, encodeFrame, type Frame } from '../../alerters/stomp/frames.ts';
import type { Alerter } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { alertOf, httpRule, MATCH, refOf, T0 } from '../unit/alerters/http-fixtures.ts';
import { TEST_CA_FILE, thrown } from './http-peer.ts';
import { alertWith } from './kit-support.ts';

const PASSWORD = 'sToMp-pA55';
interface Broker {
  port: number;
  sent: Frame[];
  /** What to do with the next SEND instead of a receipt. */
  next: ('error' | 'drop' | 'silent')[];
  close(): Promise<void>;
}

async function broker(secure = false): Promise<Broker> {
  const b: Broker = { port: 0, sent: [], next: [], close: async () => undefined };
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    let buffer: Buffer = Buffer.alloc(0);
    const reply = (f: Frame): boolean => socket.write(encodeFrame(f));
    socket.on('data', (chunk: Buffer) => {
      const d = decodeFrames(Buffer.concat([buffer, chunk]));
      buffer = d.rest;
      for (const f of d.frames) {
        if (f.command === 'CONNECT' || f.command === 'STOMP') {
          if (f.headers['login'] !== 'logwarden' || f.headers['passcode'] !== PASSWORD) {
            reply({ command: 'ERROR', headers: { message: `Authentication failed for ${f.headers['passcode'] ?? ''}` }, body: 'bad login' });
            socket.end();
          } else reply({ command: 'CONNECTED', headers: { version: '1.2', 'heart-beat': '0,0' }, body: '' });
        } else if (f.command === 'SEND') {
          const what = b.next.shift();
          if (what === 'error') reply({ command: 'ERROR', headers: { message: 'User logwarden is not authorized to write to: queue://ALERT' }, body: '' });
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
  const server = secure ? tls.createServer({ cert: readFileSync(new URL('server.pem', dir)), key: readFileSync(new URL('server-key.pem', dir)) }, onSocket) : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  b.port = (server.address() as net.AddressInfo).port;
  b.close = () => new Promise((resolve) => {
    for (const s of sockets) s.destroy();
    server.close(() => resolve());
  });
  return b;
}

const open: { brokers: Broker[]; alerters: Alerter[] } = { brokers: [], alerters: [] };
afterEach(async () => {
  await Promise.all(open.alerters.splice(0).map((a) => a.close?.()));
  await Promise.all(open.brokers.splice(0).map((b) => b.close()));
});
async function start(secure = false): Promise<Broker> {
  const b = await broker(secure);
  open.brokers.push(b);
  return b;
}
function alerter(b: Broker, more: Record<string, unknown> = {}): Alerter {
  const rule = httpRule('stomp', { stomp_hostname: '127.0.0.1', stomp_hostport: String(b.port), stomp_login: 'logwarden', stomp_password: PASSWORD, ...more });
  const a = createStompAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(T0) });
  open.alerters.push(a);
  return a;
}

describe('stomp against a STOMP 1.2 broker', () => {
  it("publishes ElastAlert2's JSON to /queue/ALERT and counts it as sent on the broker's receipt", async () => {
    const b = await start();
    await alerter(b).send(alertOf(MATCH, { queryKey: 'bob' }));
    const [f] = b.sent;
    expect(f?.headers['destination']).toBe('/queue/ALERT');
    expect(JSON.parse(f?.body ?? '')).toEqual({
      match: 'bob', alerts: ['Alert for SSH brute force, bob at 2024-05-01T12:00:00Z:'], rule: 'SSH brute force', rule_file: 'ssh.yaml',
      matching: 'SSH brute force\n\nuser: bob\n', alertDate: '2024-05-01T12:00:00.000Z', body: 'SSH brute force\n\nuser: bob\n', matches: [MATCH],
    });
  });

  it('a value with NUL, newlines and colons stays inside the one JSON body; a 1 MB value goes whole', async () => {
    const b = await start();
    const value = 'x\u0000\nDISCONNECT\n\n\u0000receipt:evil';
    await alerter(b, { stomp_destination: '/topic/soc' }).send(alertWith(value));
    await alerter(b).send(alertWith('m'.repeat(1024 * 1024)));
    expect(b.sent).toHaveLength(2);
    expect(b.sent[0]?.headers['destination']).toBe('/topic/soc');
    expect((JSON.parse(b.sent[0]?.body ?? '') as { matches: { user: string }[] }).matches[0]?.user).toBe(value);
    expect((JSON.parse(b.sent[1]?.body ?? '') as { matches: { user: string }[] }).matches[0]?.user).toHaveLength(1024 * 1024);
  });

  it('over TLS, verified with stomp_ca_certs; a broker without a trusted certificate is not used', async () => {
    const b = await start(true);
    await alerter(b, { stomp_ssl: true, stomp_ca_certs: TEST_CA_FILE }).send(alertOf(MATCH));
    expect(b.sent).toHaveLength(1);
    const untrusted = await thrown(() => alerter(b, { stomp_ssl: true }).send(alertOf(MATCH)));
    expect(untrusted.message).toContain('certificate not trusted');
  });

  it('a refused login or destination is permanent and hides the password; a dropped connection, no broker and no receipt are retryable', async () => {
    const b = await start();
    const refused = await thrown(() => alerter(b, { stomp_password: 'wrong-pass' }).send(alertOf(MATCH)));
    expect(refused.retryable).toBe(false);
    expect(refused.message).not.toContain('wrong-pass');
    b.next.push('error');
    expect(await thrown(() => alerter(b).send(alertOf(MATCH)))).toMatchObject({ retryable: false, message: expect.stringContaining('not authorized to write') });
    b.next.push('drop');
    expect(await thrown(() => alerter(b).send(alertOf(MATCH)))).toMatchObject({ retryable: true });
    b.next.push('silent');
    expect(await thrown(() => alerter(b, { stomp_timeout: 0.3 }).send(alertOf(MATCH)))).toMatchObject({ retryable: true, message: expect.stringContaining('no receipt') });
    expect(await thrown(() => alerter({ ...b, port: 9 }).send(alertOf(MATCH)))).toMatchObject({ retryable: true });
  });
});
