/**
 * A stand-in for Elasticsearch (or a proxy in front of it) on 127.0.0.1, port 0, that echoes what
 * a careless proxy echoes: the Authorization header and the URL of a failed request, in JSON and
 * in plain-text error bodies. Writes (documents, templates, mappings) succeed and are recorded,
 * so a test can scan what LogWarden stored as well as what it logged and threw.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface EchoRequest {
  method: string;
  url: string;
  authorization: string | undefined;
  body: string;
}

export interface EchoEs {
  url: string;
  port: number;
  requests: EchoRequest[];
  /** Every error body sent, to prove the secrets were offered to LogWarden. */
  echoed: string[];
  close(): Promise<void>;
}

/** `mappingFor(index)` answers GET <index>/_mapping (so `init` finds the indices as it wants them). */
export async function startEchoEs(mappingFor: (index: string) => unknown = () => ({})): Promise<EchoEs> {
  const requests: EchoRequest[] = [];
  const echoed: string[] = [];
  const stored = new Map<string, string>();
  let failures = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const method = req.method ?? 'GET';
      const url = req.url ?? '/';
      const authorization = req.headers.authorization;
      requests.push({ method, url, authorization, body });
      const path = url.split('?')[0] ?? '/';
      const json = (status: number, value: unknown): void => {
        res.writeHead(status, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        res.end(JSON.stringify(value));
      };
      if (/\/_(search|count|msearch)$/.test(path)) {
        // Three shapes of echo: Elasticsearch-style JSON, a proxy's plain text, a 401 naming the header.
        // Also the decoded credentials, plain and URL-encoded, as a debugging proxy may print them.
        const token = (authorization ?? '').replace(/^\S+\s+/, '');
        const decoded = Buffer.from(token, 'base64').toString('utf8');
        const echo = `${method} ${url} auth=${authorization ?? '(none)'} authorization: ${authorization ?? ''} credentials=${decoded} form=${encodeURIComponent(decoded)}`;
        echoed.push(echo);
        const shape = failures++ % 3;
        if (shape === 1) {
          res.writeHead(502, { 'content-type': 'text/plain', 'x-elastic-product': 'Elasticsearch' });
          res.end(`Bad gateway from proxy: ${echo}`);
          return;
        }
        json(shape === 0 ? 500 : 401, {
          error: { type: 'proxy_exception', reason: `upstream failed: ${echo}`, root_cause: [{ type: 'x', reason: echo }] },
          status: 500,
        });
        return;
      }
      if (method === 'HEAD') return json(200, {});
      if (method === 'GET' && /\/_doc\//.test(path)) return json(404, { found: false });
      if (method === 'GET' && path.endsWith('/_mapping')) {
        const index = decodeURIComponent(path.split('/')[1] ?? '');
        return json(200, { [index]: { mappings: mappingFor(index) } });
      }
      if (method === 'PUT' && !/\/_doc|_create/.test(path)) stored.set(path, body);
      if (method === 'GET' && stored.has(path)) {
        res.writeHead(200, { 'content-type': 'application/json', 'x-elastic-product': 'Elasticsearch' });
        res.end(stored.get(path));
        return;
      }
      if (/\/_(doc|create)/.test(path))
        return json(201, { _index: path.split('/')[1], _id: 'x', result: 'created', _seq_no: 0, _primary_term: 1 });
      if (path.endsWith('/_bulk')) return json(200, { errors: false, items: [] });
      if (path.startsWith('/_nodes')) return json(200, { nodes: { n: { version: '8.19.21' } } });
      json(200, { acknowledged: true });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    echoed,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
