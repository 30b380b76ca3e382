import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CountingProxy } from '../../../scripts/bench/proxy.ts';

// An HTTP peer standing in for Elasticsearch: answers every request with a body of known size
// that echoes what it received, so the proxy's forwarding and counting can be checked exactly.
let upstream: Server;
let proxy: CountingProxy;
const seen: { method: string; url: string; body: string; auth: string | undefined }[] = [];

beforeAll(async () => {
  upstream = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      seen.push({ method: req.method ?? '', url: req.url ?? '', body, auth: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ echoed: body.length, pad: 'x'.repeat(100) }));
    });
  });
  await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
  proxy = await CountingProxy.start(`http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, { version: { number: '8.19.21' } });
});
afterAll(async () => {
  await proxy.stop();
  await new Promise<void>((resolve) => upstream.close(() => resolve()));
});

const call = async (method: string, path: string, body?: string): Promise<{ status: number; text: string }> => {
  const res = await fetch(`http://127.0.0.1:${proxy.port}${path}`, {
    method,
    headers: { authorization: 'Basic dTpw', 'content-type': 'application/json' },
    ...(body ? { body } : {}),
  });
  return { status: res.status, text: await res.text() };
};

describe('the counting proxy', () => {
  it('forwards method, path, body and credentials, and counts requests and bytes received by endpoint', async () => {
    proxy.reset('wb');
    const search = await call('POST', '/logs/_search?size=0', '{"query":{}}');
    expect(JSON.parse(search.text)).toMatchObject({ echoed: 12 });
    expect(seen.at(-1)).toEqual({ method: 'POST', url: '/logs/_search?size=0', body: '{"query":{}}', auth: 'Basic dTpw' });
    const bulk = `${JSON.stringify({ index: { _index: 'wb_status' } })}\n{"a":1}\n`;
    const written = await call('POST', '/_bulk', bulk);
    await call('GET', '/wb/_doc/1');
    expect(proxy.requests).toBe(3);
    expect(proxy.bytes).toBe(
      Buffer.byteLength(search.text) +
        Buffer.byteLength(written.text) +
        Buffer.byteLength(JSON.stringify({ echoed: 0, pad: 'x'.repeat(100) })),
    );
    expect([...proxy.byEndpoint.keys()].sort()).toEqual(['_search', 'writeback read _doc', 'writeback write _bulk']);
  });

  it('answers GET / itself with the version it was given (some distributions refuse it)', async () => {
    proxy.reset(undefined);
    const before = seen.length;
    const root = await call('GET', '/');
    expect(JSON.parse(root.text)).toEqual({ version: { number: '8.19.21' } });
    expect(seen.length).toBe(before);
    expect(proxy.requests).toBe(1);
  });
});
