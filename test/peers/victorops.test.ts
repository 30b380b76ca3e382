/** The victorops alerter against a real HTTP server that answers as the Splunk On-Call REST endpoint. */
import { describe, expect, it } from '@jest/globals';
import { createVictorOpsAlerter } from '../../alerters/victorops/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const KEY = 'vIcToRoPs-ApI-kEy-0f1e2d';
const kit = kitHarness('victorops', createVictorOpsAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"result":"success","entity_id":"SSH brute force"}' });
const options = (p: Peer, more: Record<string, unknown> = {}): Record<string, unknown> => ({
  victorops_api_key: KEY,
  victorops_routing_key: 'soc',
  victorops_message_type: 'CRITICAL',
  victorops_api_url: `${p.url}/integrations/generic/20131114/alert`,
  ...more,
});

describe('victorops against a REST endpoint peer', () => {
  it("posts ElastAlert2's body to <base>/<api key>/<routing key>", async () => {
    const p = await peer();
    await kit.alerter(options(p, { victorops_entity_display_name: 'SSH' })).send(alertOf(MATCH, { queryKey: 'bob' }));
    expect(p.requests[0]?.path).toBe(`/integrations/generic/20131114/alert/${KEY}/soc`);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({
      message_type: 'CRITICAL',
      entity_display_name: 'SSH',
      monitoring_tool: 'ElastAlert',
      state_message: 'SSH brute force\n\nuser: bob\n',
      entity_id: 'SSH brute force:bob',
    });
  });

  it('a 1 MB value is capped at 64 KiB with a visible mark; controls are removed', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertWith(`\u202E${'v'.repeat(1024 * 1024)}`));
    const body = JSON.parse(p.requests[0]?.body ?? '') as { state_message: string };
    expect(Buffer.byteLength(body.state_message)).toBeLessThanOrEqual(64 * 1024);
    expect(body.state_message).toMatch(/^user: v+\n\[… truncated: \d+ more characters not shown\]$/);
  });

  it('{"result": "failure"} and 4xx are permanent, 5xx retryable; the key never shows', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    p.replies.push({ status: 200, body: `{"result":"failure","message":"Missing fields for key ${KEY}"}` });
    const refused = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(refused.retryable).toBe(false);
    expect(refused.message).toContain('the REST endpoint refused the alert: Missing fields');
    expect(refused.message).not.toContain(KEY);
    p.replies.push({ status: 503, body: `down ${KEY}` });
    const down = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })));
    expect(down.retryable).toBe(true);
    expect(down.message).not.toContain(KEY);
  });

  it('refuses an unknown message type by option', () => {
    expect(() => kit.alerter({ victorops_api_key: KEY, victorops_routing_key: 'soc', victorops_message_type: 'PANIC' })).toThrow(
      'victorops_message_type: ',
    );
  });
});
