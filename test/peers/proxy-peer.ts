/**
 * A real forward proxy on 127.0.0.1 (port 0) that speaks HTTP CONNECT (RFC 9110 §9.3.6): it
 * records each CONNECT target and its Proxy-Authorization, checks the credentials when asked to
 * (407 otherwise, quoting what it was sent, as a careless proxy would), and tunnels bytes.
 */
import net from 'node:net';
import type { AddressInfo } from 'node:net';

export interface ConnectSeen {
  target: string;
  proxyAuthorization: string | undefined;
}

export interface ProxyPeer {
  url: string;
  seen: ConnectSeen[];
  close(): Promise<void>;
}

export async function startProxy(options: { credentials?: string } = {}): Promise<ProxyPeer> {
  const seen: ConnectSeen[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    sockets.add(client);
    client.on('close', () => sockets.delete(client));
    client.on('error', () => undefined);
    let head = Buffer.alloc(0);
    const onData = (chunk: Buffer): void => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      client.off('data', onData);
      const lines = head.subarray(0, end).toString('latin1').split('\r\n');
      const [method, target] = (lines[0] ?? '').split(' ');
      const auth = lines.find((l) => /^proxy-authorization:/i.test(l))?.replace(/^[^:]+:\s*/, '');
      seen.push({ target: target ?? '', proxyAuthorization: auth });
      if (method !== 'CONNECT' || !target) {
        client.end('HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n');
        return;
      }
      const expected = options.credentials ? `Basic ${Buffer.from(options.credentials).toString('base64')}` : undefined;
      if (expected && auth !== expected) {
        const body = `bad proxy credentials: ${auth ?? 'none'}`;
        client.end(
          `HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic\r\nContent-Length: ${body.length}\r\n\r\n${body}`,
        );
        return;
      }
      const [host, port] = [target.slice(0, target.lastIndexOf(':')), Number(target.slice(target.lastIndexOf(':') + 1))];
      const upstream = net.connect(port, host, () => {
        client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
        const rest = head.subarray(end + 4);
        if (rest.length > 0) upstream.write(rest);
        client.pipe(upstream).pipe(client);
      });
      sockets.add(upstream);
      upstream.on('close', () => sockets.delete(upstream));
      upstream.on('error', () => client.destroy());
    };
    client.on('data', onData);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}
