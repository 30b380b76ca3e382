/**
 * The zabbix alerter against a real TCP server speaking the Zabbix sender protocol: it reads the
 * framed request and answers as a Zabbix server does, processing values of the hosts and items
 * it knows and failing the others.
 */
import { afterEach, describe, expect, it } from '@jest/globals';
import { createZabbixAlerter } from '../../alerters/zabbix/index.ts';
import { alertOf, MATCH, T0 } from '../unit/alerters/http-fixtures.ts';
import { thrown } from './http-peer.ts';
import { kitHarness } from './kit-support.ts';
import { startZabbixServer, type ZabbixServer } from './zabbix-peer.ts';

const kit = kitHarness('zabbix', createZabbixAlerter);
const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closers.splice(0).map((c) => c()));
});

/** A Zabbix server knowing item `known` on hosts `web-1` and `bob`. */
async function zabbixServer(): Promise<ZabbixServer> {
  const z = await startZabbixServer((host, key) => ['web-1', 'bob'].includes(host) && key === 'known');
  closers.push(() => z.close());
  return z;
}

describe('zabbix against a Zabbix sender-protocol server', () => {
  it('sends value "1" for the host and item with the match time as clock', async () => {
    const z = await zabbixServer();
    await kit.alerter({ zbx_sender_host: '127.0.0.1', zbx_sender_port: z.port, zbx_host: 'web-1', zbx_key: 'known' }).send(alertOf(MATCH));
    expect(z.requests).toEqual([
      { request: 'sender data', data: [{ host: 'web-1', key: 'known', value: '1', clock: Math.floor(T0 / 1000) }] },
    ]);
  });

  it('zbx_host_from_field takes the host from the document; a missing field or an unknown host fails for good', async () => {
    const z = await zabbixServer();
    const a = kit.alerter({
      zbx_sender_host: '127.0.0.1',
      zbx_sender_port: z.port,
      zbx_host_from_field: true,
      zbx_host: 'user.name',
      zbx_key: 'known',
    });
    await a.send(alertOf(MATCH));
    expect(z.requests[0]?.data[0]?.['host']).toBe('bob');
    const unknown = await thrown(() => a.send(alertOf({ user: { name: 'mallory' } })));
    expect(unknown.retryable).toBe(false);
    expect(unknown.message).toContain('did not process the value for host "mallory", item "known" (processed: 0; failed: 1');
    const missing = await thrown(() => a.send(alertOf({})));
    expect(missing).toMatchObject({ retryable: false, message: 'zabbix: the match has no user.name field to name the Zabbix host' });
  });

  it('a server that cannot be reached is a retryable failure', async () => {
    const error = await thrown(() =>
      kit.alerter({ zbx_sender_host: '127.0.0.1', zbx_sender_port: 1, zbx_host: 'web-1', zbx_key: 'known' }).send(alertOf(MATCH)),
    );
    expect(error).toMatchObject({ retryable: true, message: 'zabbix: sending to 127.0.0.1:1 failed: ECONNREFUSED' });
  });
});
