import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * The HTTP endpoint both tools' `post` alerters deliver to: ElastAlert2's HTTPPostAlerter and
 * LogWarden's post alerter each POST one JSON match per alert. Bound to 127.0.0.1 on a free port.
 */
export class AlertCollector {
  readonly #server: Server;
  #received: Record<string, unknown>[] = [];
  #bad = 0;

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
        try {
          const body: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
          if (typeof body === 'object' && body !== null && !Array.isArray(body)) collector.#received.push(body as Record<string, unknown>);
          else collector.#bad++;
        } catch {
          collector.#bad++;
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

  get url(): string {
    const { port } = this.#server.address() as AddressInfo;
    return `http://127.0.0.1:${port}/alert`;
  }

  /** What arrived since the last call, and how many bodies were not a JSON object. */
  take(): { alerts: Record<string, unknown>[]; bad: number } {
    const out = { alerts: this.#received, bad: this.#bad };
    this.#received = [];
    this.#bad = 0;
    return out;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
