/**
 * The stomp alerter against the local STOMP 1.2 broker (test/peers/stomp-broker.ts): CONNECT
 * checked against a login, SEND answered with RECEIPT when asked, ERROR for a refused login or
 * destination; over plain TCP and TLS.
 */
import { ManualClock } from '../../src/schedule/clock.ts';
import { afterEach, describe, expect, it } from '@jest/globals';
import { createStompAlerter } from '../../alerters/stomp/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { alertOf, httpRule, MATCH, refOf, T0 } from '../unit/alerters/http-fixtures.ts';
import { TEST_CA_FILE, thrown } from './http-peer.ts';
import { alertWith } from './kit-support.ts';
import { startBroker, STOMP_LOGIN, STOMP_PASSWORD, type Broker } from './stomp-broker.ts';

const open: { brokers: Broker[]; alerters: Alerter[] } = { brokers: [], alerters: [] };
afterEach(async () => {
  await Promise.all(open.alerters.splice(0).map((a) => a.close?.()));
  await Promise.all(open.brokers.splice(0).map((b) => b.close()));
});
async function start(secure = false): Promise<Broker> {
  const b = await startBroker(secure);
  open.brokers.push(b);
  return b;
}
function alerter(b: Broker, more: Record<string, unknown> = {}): Alerter {
  const rule = httpRule('stomp', {
    stomp_hostname: '127.0.0.1',
    stomp_hostport: String(b.port),
    stomp_login: STOMP_LOGIN,
    stomp_password: STOMP_PASSWORD,
    ...more,
  });
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
      match: 'bob',
      alerts: ['Alert for SSH brute force, bob at 2024-05-01T12:00:00Z:'],
      rule: 'SSH brute force',
      rule_file: 'ssh.yaml',
      matching: 'SSH brute force\n\nuser: bob\n',
      alertDate: '2024-05-01T12:00:00.000Z',
      body: 'SSH brute force\n\nuser: bob\n',
      matches: [MATCH],
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
    expect(await thrown(() => alerter(b).send(alertOf(MATCH)))).toMatchObject({
      retryable: false,
      message: expect.stringContaining('not authorized to write'),
    });
    b.next.push('drop');
    expect(await thrown(() => alerter(b).send(alertOf(MATCH)))).toMatchObject({ retryable: true });
    b.next.push('silent');
    expect(await thrown(() => alerter(b, { stomp_timeout: 0.3 }).send(alertOf(MATCH)))).toMatchObject({
      retryable: true,
      message: expect.stringContaining('no receipt'),
    });
    expect(await thrown(() => alerter({ ...b, port: 9 }).send(alertOf(MATCH)))).toMatchObject({ retryable: true });
  });
});
