/**
 * The gelf alerter against real Graylog-style GELF inputs on 127.0.0.1 (port 0): TCP (NUL-framed,
 * plain and TLS), UDP (with chunk reassembly as Graylog does it) and HTTP.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import dgram from 'node:dgram';
import { readFileSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import os from 'node:os';
import tls from 'node:tls';
import { createGelfAlerter } from '../../alerters/gelf/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { TEST_CA_FILE, thrown } from './http-peer.ts';
import { kitHarness } from './kit-support.ts';

const kit = kitHarness('gelf', createGelfAlerter);
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A GELF TCP input: messages split at NUL bytes. */
async function tcpInput(secure = false): Promise<{ port: number; messages: Record<string, unknown>[] }> {
  const messages: Record<string, unknown>[] = [];
  const onSocket = (socket: net.Socket): void => {
    let buffer = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      buffer = Buffer.concat([buffer, chunk]);
      let end: number;
      while ((end = buffer.indexOf(0)) >= 0) {
        messages.push(JSON.parse(buffer.subarray(0, end).toString('utf8')) as Record<string, unknown>);
        buffer = buffer.subarray(end + 1);
      }
    });
  };
  const fixtures = new URL('./fixtures/http-tls/', import.meta.url);
  const server = secure
    ? tls.createServer(
        { cert: readFileSync(new URL('server.pem', fixtures)), key: readFileSync(new URL('server-key.pem', fixtures)) },
        onSocket,
      )
    : net.createServer(onSocket);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  closers.push(() => new Promise((resolve) => server.close(() => resolve())));
  return { port: (server.address() as AddressInfo).port, messages };
}

/** A GELF UDP input: whole datagrams, or chunks reassembled by message id. */
async function udpInput(): Promise<{ port: number; messages: Record<string, unknown>[]; datagrams: number }> {
  const input = { port: 0, messages: [] as Record<string, unknown>[], datagrams: 0 };
  const chunks = new Map<string, Buffer[]>();
  const socket = dgram.createSocket('udp4');
  socket.on('message', (d: Buffer) => {
    input.datagrams++;
    if (d[0] !== 0x1e || d[1] !== 0x0f) {
      input.messages.push(JSON.parse(d.toString('utf8')) as Record<string, unknown>);
      return;
    }
    const id = d.subarray(2, 10).toString('hex');
    const parts = chunks.get(id) ?? [];
    parts[d[10] ?? 0] = d.subarray(12);
    chunks.set(id, parts);
    if (parts.filter(Boolean).length === d[11])
      input.messages.push(JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  input.port = socket.address().port;
  closers.push(() => new Promise((resolve) => socket.close(() => resolve())));
  return input;
}

const until = async (check: () => boolean): Promise<void> => {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
};

const EXPECTED_SHORT = '{"Title": "SSH brute force", "who": "bob", "ip": "10.0.0.1", "none": null}';

describe('gelf against GELF inputs', () => {
  it("TCP: ElastAlert2's message, NUL-framed", async () => {
    const input = await tcpInput();
    await kit
      .alerter({
        gelf_type: 'tcp',
        gelf_host: '127.0.0.1',
        gelf_port: input.port,
        gelf_payload: { who: 'user.name', ip: 'source.ip', none: 'nope' },
      })
      .send(alertOf(MATCH));
    await until(() => input.messages.length === 1);
    expect(input.messages).toEqual([{ version: '1.1', host: os.hostname(), short_message: EXPECTED_SHORT, level: 5 }]);
  });

  it('TCP with gelf_ca_cert: TLS, the server verified', async () => {
    const input = await tcpInput(true);
    await kit
      .alerter({ gelf_type: 'tcp', gelf_host: '127.0.0.1', gelf_port: input.port, gelf_ca_cert: TEST_CA_FILE, gelf_log_level: 2 })
      .send(alertOf(MATCH));
    await until(() => input.messages.length === 1);
    expect(input.messages[0]).toMatchObject({ level: 2, short_message: '{"Title": "SSH brute force"}' });
  });

  it('UDP (ours): one datagram, or GELF chunks for a large message, reassembled exactly', async () => {
    const input = await udpInput();
    const a = kit.alerter({ gelf_type: 'udp', gelf_host: '127.0.0.1', gelf_port: input.port, gelf_payload: { big: 'big' } });
    await a.send(alertOf({ big: 'small' }));
    const big = `x\u0000"}${'y'.repeat(100_000)}`;
    await a.send(alertOf({ big }));
    await until(() => input.messages.length === 2);
    expect(input.datagrams).toBeGreaterThan(10);
    expect(JSON.parse(String(input.messages[1]?.['short_message']))).toEqual({ Title: 'SSH brute force', big });
  });

  it('HTTP: posted as JSON, certificates verified; a closed TCP port is a retryable failure', async () => {
    const peer = await kit.peer({ status: 202, body: '' });
    await kit
      .alerter({ gelf_type: 'http', gelf_endpoint: `${peer.url}/gelf`, gelf_http_headers: { 'X-Token': 'gElFtOkEn' } })
      .send(alertOf(MATCH));
    expect(peer.requests[0]?.headers['x-token']).toBe('gElFtOkEn');
    expect(JSON.parse(peer.requests[0]?.body ?? '')).toMatchObject({
      version: '1.1',
      level: 5,
      short_message: '{"Title": "SSH brute force"}',
    });
    // Port 1: nothing listens there, and no test can bind it.
    const error = await thrown(async () => {
      const a = kit.alerter({ gelf_type: 'tcp', gelf_host: '127.0.0.1', gelf_port: 1 });
      await a.send(alertOf(MATCH));
    });
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/^gelf: TCP to 127\.0\.0\.1:1 failed: ECONNREFUSED$/);
  });

  it('refuses at load what cannot work', () => {
    expect(() => kit.alerter({ gelf_type: 'http' })).toThrow('gelf_endpoint: is required with gelf_type: http');
    expect(() => kit.alerter({ gelf_type: 'tcp', gelf_host: 'graylog' })).toThrow('gelf_port: is required with gelf_type: tcp');
    expect(() => kit.alerter({ gelf_type: 'udp', gelf_host: 'graylog', gelf_port: 12201, gelf_ca_cert: TEST_CA_FILE })).toThrow(
      'gelf_ca_cert: applies to http and tcp',
    );
    expect(() => kit.alerter({ gelf_type: 'amqp' })).toThrow('gelf_type: ');
  });
});
