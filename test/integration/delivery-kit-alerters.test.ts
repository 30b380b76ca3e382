/**
 * The kit's alerters through the real outbox and writeback (real Elasticsearch) against their
 * local peers: a busy answer with a retry time (503 with Retry-After, Telegram's 429) is retried
 * after it and delivered exactly once; a permanent refusal is recorded with its reason and not
 * retried. One rule per alerter, one document each: seconds, not minutes. The outbox's own retry
 * and crash handling is in delivery-retry.test.ts and delivery-crash.test.ts.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createAlerters, type Alerter } from '../../alerters/index.ts';
import type { RuleDefinition } from '../../src/rules/types.ts';
import { processDueDeliveries } from '../../src/deliver/worker.ts';
import { silentLogger } from '../../src/log.ts';
import { loadRules } from '../../src/rules/load-rules.ts';
import { createRuleType } from '../../src/ruletypes/index.ts';
import { runRule, type RunContext } from '../../src/run/run-rule.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { esStores } from '../../src/store/es/stores.ts';
import type { AlertLog } from '../../src/store/alert-log.ts';
import type { Outbox } from '../../src/store/outbox.ts';
import { startPeer, type Peer, type Reply } from '../peers/http-peer.ts';
import { startZabbixServer } from '../peers/zabbix-peer.ts';
import { indexDocs, rulesFolder, testConfig } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';
import { ManualClock } from '../../src/schedule/clock.ts';

const es = testEs();
const peers: Peer[] = [];
// One writeback and one log index for the file (each rule reads only its own document): the
// cluster is shared, and every index costs it.
const WB = uniqueName('wb-kit');
const LOGS = uniqueName('logs-kit');
const NOW = Date.now();
const registry = new Map<string, { rule: RuleDefinition; alerters: Alerter[] }>();
afterAll(async () => {
  await Promise.all(peers.map((p) => p.close()));
  await Promise.all([...registry.values()].flatMap((r) => r.alerters.map((a) => a.close?.())));
  await es.close();
});

/** Rule options pointing each alerter at `url`, and the peer's normal answer. */
const BUSY: Reply = { status: 503, headers: { 'Retry-After': '30' }, body: 'busy' };
/** The refusal each alerter records for the peer's 404. */
const HTTP_404 = (type: string): RegExp => new RegExp(`^${type}: ${type}: POST to http://127\\.0\\.0\\.1:\\d+ failed: HTTP 404 Not Found`);

const CASES: { type: string; ok: number; okBody?: string; busy?: Reply; refused?: RegExp; options: (url: string) => string }[] = [
  { type: 'alertmanager', ok: 200, options: (url) => `alertmanager_hosts: ["${url}"]` },
  { type: 'discord', ok: 204, options: (url) => `discord_webhook_url: "${url}/api/webhooks/1/token"` },
  { type: 'mattermost', ok: 200, options: (url) => `mattermost_webhook_url: "${url}/hooks/token"` },
  { type: 'opsgenie', ok: 202, options: (url) => `opsgenie_key: "k-1234567890"\nopsgenie_addr: "${url}/v2/alerts"` },
  // Telegram says when to come back in its JSON (parameters.retry_after), with a 429.
  {
    type: 'telegram',
    ok: 200,
    okBody: '{"ok":true,"result":{"message_id":1}}',
    busy: {
      status: 429,
      body: '{"ok":false,"error_code":429,"description":"Too Many Requests: retry after 30","parameters":{"retry_after":30}}',
    },
    refused: /^telegram: telegram: sendMessage failed: HTTP 404: /,
    options: (url) => `telegram_bot_token: "123456:AbCdEf-token"\ntelegram_room_id: "-1001"\ntelegram_api_url: "${url}"`,
  },
  {
    type: 'victorops',
    ok: 200,
    okBody: '{"result":"success","entity_id":"e"}',
    options: (url) =>
      `victorops_api_key: "vo-key-0123"\nvictorops_routing_key: soc\nvictorops_message_type: CRITICAL\nvictorops_api_url: "${url}/integrations/generic/20131114/alert"`,
  },
  {
    type: 'ms_power_automate',
    ok: 202,
    options: (url) => `ms_power_automate_webhook_url: "${url}/workflows/1/triggers/manual/paths/invoke?sig=s1g"`,
  },
  { type: 'gelf', ok: 202, options: (url) => `gelf_type: http\ngelf_endpoint: "${url}/gelf"` },
  {
    type: 'datadog',
    ok: 202,
    okBody: '{"status":"ok"}',
    options: (url) => `datadog_api_key: "dd-api-0123"\ndatadog_app_key: "dd-app-0123"\ndatadog_api_url: "${url}/api/v1/events"`,
  },
  // One per way the newer alerters send besides the webhook kit above: an error code in a 200
  // answer, a retry key per alert, a signed URL per send, a form body.
  { type: 'workwechat', ok: 200, options: (url) => `work_wechat_bot_id: "bot-1234"\nwork_wechat_api_url: "${url}/cgi-bin/webhook/send"` },
  { type: 'line', ok: 200, options: (url) => `line_channel_access_token: "tok-1234"\nline_to: "U1"\nline_api_url: "${url}"` },
  {
    type: 'dingtalk',
    ok: 200,
    options: (url) => `dingtalk_access_token: "tok-1234"\ndingtalk_sign: "SEC1234"\ndingtalk_api_url: "${url}/robot/send"`,
  },
  { type: 'chatwork', ok: 200, options: (url) => `chatwork_apikey: "key-1234"\nchatwork_room_id: 1\nchatwork_api_url: "${url}"` },
];

/** The rule names of this file; each is also the user name of its one log document. */
const NAMES = [
  ...CASES.flatMap((c) => [`${c.type}_busy`, `${c.type}_refused`]),
  'command_failing',
  'command_missing',
  'gelf_tcp',
  'zabbix_dropped',
  'zabbix_unknown',
];

beforeAll(async () => {
  await initWriteback(es, WB);
  await indexDocs(
    es,
    LOGS,
    NAMES.map((name) => ({ '@timestamp': new Date(NOW - 60_000).toISOString(), user: { name } })),
  );
});

/** A rule `name` alerting through `type` on its own document, recording in the file's writeback. */
async function setup(
  type: string,
  options: string,
  name: string,
): Promise<{ run: (at: number) => Promise<unknown>; ctx: RunContext; store: AlertLog; outbox: Outbox; now: number }> {
  if (!NAMES.includes(name)) throw new Error(`${name} has no document: add it to NAMES`);
  const config = testConfig(
    rulesFolder({
      'r.yaml': `name: ${name}\ntype: any\nindex: ${LOGS}\nfilter:\n  - term: {user.name.keyword: ${name}}\nalert: [${type}]\n${options}\n`,
    }),
    WB,
    { buffer_time: { minutes: 30 } },
  );
  const { rules, problems } = loadRules(config, {});
  const rule = rules[0];
  if (!rule) throw new Error(`rule not loaded: ${JSON.stringify(problems)}`);
  registry.set(name, { rule, alerters: createAlerters(rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(NOW) }) });
  const stores = esStores(es, WB);
  const store = stores.alerts;
  const outbox = stores.outbox;
  const ctx: RunContext = {
    es,
    stores,
    lookup: (ruleName) => registry.get(ruleName),
    log: silentLogger(),
    alertTimeLimitMs: 2 * 86_400_000,
    oldQueryLimitMs: 7 * 86_400_000,
    random: () => 0.5,
  };
  return { ctx, store, outbox, now: NOW, run: (at) => runRule(rule, createRuleType(rule), at, ctx) };
}

describe.each(CASES)('$type through the outbox', ({ type, ok, okBody, busy, refused: refusal, options }) => {
  it('a busy answer with a retry time is retried after it and delivered once; a 4xx is recorded and not retried', async () => {
    const peer = await startPeer({ fallback: { status: ok, body: okBody ?? '' } });
    peers.push(peer);
    peer.replies.push(busy ?? BUSY);
    const busyName = `${type}_busy`;
    const first = await setup(type, options(peer.url), busyName);
    await first.run(first.now);
    const [alert] = await first.store.ofRule(busyName);
    const [d] = await first.outbox.forAlert(alert?.id ?? '');
    expect(d?.status).toBe('pending');
    expect(d?.nextAttemptMs).toBe(first.now + 30_000);
    expect((await processDueDeliveries(first.now + 10_000, first.ctx)).due).toBe(0);
    expect(await processDueDeliveries(first.now + 30_000, first.ctx)).toEqual({ due: 1, sent: 1, retrying: 0, failed: 0 });
    await processDueDeliveries(first.now + 120_000, first.ctx);
    expect(peer.requests).toHaveLength(2);
    expect((await first.store.ofRule(busyName))[0]?.alertSent).toBe(true);

    peer.replies.push({ status: 404, body: '{"message": "Unknown Webhook"}' });
    const refusedName = `${type}_refused`;
    const second = await setup(type, options(peer.url), refusedName);
    await second.run(second.now);
    await processDueDeliveries(second.now + 3_600_000, second.ctx);
    expect(peer.requests).toHaveLength(3);
    const [refused] = await second.store.ofRule(refusedName);
    expect(refused?.alertSent).toBe(false);
    expect(refused?.alertException).toMatch(refusal ?? HTTP_404(type));
  });
});

/**
 * The alerters that do not speak HTTP, same shape: a failure that may pass (the program exits
 * non-zero, the server is not listening or drops the connection) is retried and delivered once;
 * a permanent one (no such program, Zabbix refusing the item) is recorded and not retried.
 */
describe('command, gelf (tcp) and zabbix through the outbox', () => {
  /** Runs the rule, then the outbox until an hour later; the first attempt fails, the second succeeds. */
  async function retriedOnce(type: string, options: string, name: string): Promise<void> {
    const s = await setup(type, options, name);
    await s.run(s.now);
    const [alert] = await s.store.ofRule(name);
    const [d] = await s.outbox.forAlert(alert?.id ?? '');
    expect(d?.status).toBe('pending');
    expect(d?.nextAttemptMs).toBeGreaterThan(s.now);
    expect(await processDueDeliveries(s.now + 3_600_000, s.ctx)).toEqual({ due: 1, sent: 1, retrying: 0, failed: 0 });
    expect((await processDueDeliveries(s.now + 7_200_000, s.ctx)).due).toBe(0);
    expect((await s.store.ofRule(name))[0]?.alertSent).toBe(true);
  }

  async function refusedFor(type: string, options: string, name: string): Promise<string | undefined> {
    const s = await setup(type, options, name);
    await s.run(s.now);
    expect(await processDueDeliveries(s.now + 3_600_000, s.ctx)).toEqual({ due: 0, sent: 0, retrying: 0, failed: 0 });
    const [refused] = await s.store.ofRule(name);
    expect(refused?.alertSent).toBe(false);
    return refused?.alertException;
  }

  it('command: a non-zero exit is retried and the program runs once more; a missing program is not retried', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'lw-command-'));
    try {
      const marker = path.join(dir, 'failed-once');
      const out = path.join(dir, 'out');
      // The first run leaves a marker and fails; the next one records the alert.
      const script = 'if [ -f "$1" ]; then echo sent >> "$2"; else : > "$1"; exit 3; fi';
      await retriedOnce(
        'command',
        `command: ${JSON.stringify(['sh', '-c', script, 'sh', marker, out])}\nfail_on_non_zero_exit: true`,
        'command_failing',
      );
      expect(readFileSync(out, 'utf8')).toBe('sent\n');
      expect(await refusedFor('command', `command: ${JSON.stringify([path.join(dir, 'no-such-program')])}`, 'command_missing')).toMatch(
        /^command: command: cannot run ".*no-such-program": ENOENT/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('gelf (tcp): no listener is retried, and the message arrives once when it listens', async () => {
    const messages: string[] = [];
    const server = net.createServer((socket) =>
      socket.on('data', (chunk: Buffer) => messages.push(...chunk.toString('utf8').split('\0').filter(Boolean))),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const s = await setup('gelf', `gelf_type: tcp\ngelf_host: 127.0.0.1\ngelf_port: ${port}`, 'gelf_tcp');
    await s.run(s.now);
    const [alert] = await s.store.ofRule('gelf_tcp');
    const [d] = await s.outbox.forAlert(alert?.id ?? '');
    expect(d?.status).toBe('pending');
    expect(d?.lastError).toMatch(/^gelf: TCP to 127\.0\.0\.1:\d+ failed: ECONNREFUSED/);
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(await processDueDeliveries(s.now + 3_600_000, s.ctx)).toEqual({ due: 1, sent: 1, retrying: 0, failed: 0 });
      expect((await processDueDeliveries(s.now + 7_200_000, s.ctx)).due).toBe(0);
      await until(() => messages.length > 0);
      expect(messages).toHaveLength(1);
      expect((await s.store.ofRule('gelf_tcp'))[0]?.alertSent).toBe(true);
    } finally {
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('zabbix: a dropped connection is retried and the value sent once; an item Zabbix does not process is not retried', async () => {
    const zabbix = await startZabbixServer((host) => host !== 'unknown-host', 1);
    try {
      const options = (host: string): string =>
        `zbx_sender_host: 127.0.0.1\nzbx_sender_port: ${zabbix.port}\nzbx_host: ${host}\nzbx_key: sec.alert`;
      await retriedOnce('zabbix', options('soc-host'), 'zabbix_dropped');
      expect(zabbix.requests).toHaveLength(1);
      expect(await refusedFor('zabbix', options('unknown-host'), 'zabbix_unknown')).toMatch(
        /^zabbix: zabbix: 127\.0\.0\.1:\d+ did not process the value for host "unknown-host"/,
      );
      expect(zabbix.requests).toHaveLength(2);
    } finally {
      await zabbix.close();
    }
  });
});

/** Waits (up to 2 s) for bytes already sent over TCP to reach the listener. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !done(); i++) await new Promise((resolve) => setTimeout(resolve, 10));
}
