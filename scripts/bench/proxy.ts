// A counting HTTP proxy in front of Elasticsearch: each tool under test talks to it instead of the
// cluster, so requests and bytes received are counted the same way for a Python and a Node client.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { endpointOf, type EndpointCount } from './report.ts';

export class CountingProxy {
  readonly #server: Server;
  requests = 0;
  bytes = 0;
  readonly byEndpoint = new Map<string, EndpointCount>();
  /** Index name prefix of the writeback indices of the tool being measured, to count them apart. */
  writebackPrefix: string | undefined;

  private constructor(server: Server) {
    this.#server = server;
  }

  /**
   * `rootInfo`: the body of `GET /` (cluster name and version), answered here when given: some
   * Elasticsearch builds refuse `GET /` (405), which ElastAlert2 reads the version from.
   */
  static async start(upstream: string, rootInfo?: Record<string, unknown>): Promise<CountingProxy> {
    const target = new URL(upstream);
    const server = createServer();
    const proxy = new CountingProxy(server);
    server.on('request', (req, res) => {
      const pathname = new URL(req.url ?? '/', 'http://proxy').pathname;
      // The start of the body: a _bulk or _mget names its indices there, not in the path.
      let head = '';
      req.on('data', (chunk: Buffer) => {
        if (head.length < 65_536) head += chunk.toString('utf8');
      });
      const label = (): string => endpointOf(req.method ?? 'GET', pathname, proxy.writebackPrefix, head);
      if (rootInfo && pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
        const body = JSON.stringify(rootInfo);
        req.resume();
        res
          .writeHead(200, {
            'content-type': 'application/json',
            'x-elastic-product': 'Elasticsearch',
            'content-length': Buffer.byteLength(body),
          })
          .end(req.method === 'GET' ? body : undefined);
        proxy.count(label(), req.method === 'GET' ? Buffer.byteLength(body) : 0);
        return;
      }
      const out = request(
        { host: target.hostname, port: target.port, method: req.method, path: req.url, headers: { ...req.headers, host: target.host } },
        (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          let bytes = 0;
          up.on('data', (chunk: Buffer) => {
            bytes += chunk.length;
            res.write(chunk);
          });
          up.on('end', () => {
            res.end();
            proxy.count(label(), bytes);
          });
        },
      );
      out.on('error', (error) => {
        proxy.count(label(), 0);
        res.writeHead(502).end(String(error.message));
      });
      req.pipe(out);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return proxy;
  }

  private count(endpoint: string, bytes: number): void {
    this.requests++;
    this.bytes += bytes;
    const c = this.byEndpoint.get(endpoint) ?? { requests: 0, bytes: 0 };
    c.requests++;
    c.bytes += bytes;
    this.byEndpoint.set(endpoint, c);
  }

  reset(writebackPrefix: string | undefined): void {
    this.requests = 0;
    this.bytes = 0;
    this.byEndpoint.clear();
    this.writebackPrefix = writebackPrefix;
  }

  get port(): number {
    return (this.#server.address() as AddressInfo).port;
  }

  async stop(): Promise<void> {
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
