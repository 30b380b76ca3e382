/**
 * A Zabbix server on 127.0.0.1 (port 0) for the sender protocol: reads one framed request per
 * connection and answers as Zabbix does, processing the values `known(host, key)` accepts.
 */
import net, { type AddressInfo } from 'node:net';
import { frame, unframe } from '../../alerters/zabbix/sender.ts';

export interface ZabbixServer {
  port: number;
  requests: { request: string; data: Record<string, unknown>[] }[];
  close(): Promise<void>;
}

/** `drop`: the first connections are closed before reading them (a server restarting), to test retries. */
export async function startZabbixServer(known: (host: string, key: string) => boolean = () => true, drop = 0): Promise<ZabbixServer> {
  const requests: ZabbixServer['requests'] = [];
  let dropped = 0;
  const server = net.createServer((socket) => {
    if (dropped < drop) {
      dropped++;
      socket.destroy();
      return;
    }
    let data = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const json = unframe(data);
      if (json === undefined) return;
      const request = JSON.parse(json) as ZabbixServer['requests'][number];
      requests.push(request);
      const ok = request.data.filter((d) => known(String(d['host']), String(d['key']))).length;
      const total = request.data.length;
      socket.end(
        frame(
          JSON.stringify({
            response: 'success',
            info: `processed: ${ok}; failed: ${total - ok}; total: ${total}; seconds spent: 0.000050`,
          }),
        ),
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
