import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Inbox {
  alerts: Record<string, unknown>[];
  bad: number;
}

/**
 * The HTTP endpoint both tools' `post` alerters deliver to: ElastAlert2's HTTPPostAlerter and
 * LogWarden's post alerter each POST one JSON match per alert. Bound to 127.0.0.1 on a free port.
 * Each run posts to its own path (urlFor), so runs can go on at the same time.
 */
export class AlertCollector {
  readonly #server: Server;
  readonly #inboxes = new Map<string, Inbox>();

  private constructor(server: Server) {
    this.#server = server;
  }

  static async start(): Promise<AlertCollector> {
    const server = createServer();
    const collector = new AlertCollector(server);
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const inbox = collector.#inbox(new URL(req.url ?? '/', 'http://collector').pathname);
        try {
          const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (typeof body === 'object' && body !== null && !Array.isArray(body)) inbox.alerts.push(body as Record<string, unknown>);
          else inbox.bad++;
        } catch {
          inbox.bad++;
        }
        res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(0, '127.0.0.1', resolve);
    });
    return collector;
  }

  /** The URL one run posts to; `name` is letters, digits, '-' and '/'. */
  urlFor(name: string): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/${encodeURI(name)}`;
  }

  /** What arrived for `name` so far (and is forgotten here), and how many bodies were not a JSON object. */
  take(name: string): Inbox {
    const path = `/${encodeURI(name)}`;
    const out = this.#inbox(path);
    this.#inboxes.delete(path);
    return out;
  }

  #inbox(path: string): Inbox {
    let inbox = this.#inboxes.get(path);
    if (inbox === undefined) {
      inbox = { alerts: [], bad: 0 };
      this.#inboxes.set(path, inbox);
    }
    return inbox;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
