/**
 * The flashduty alerter against a real HTTP server shaped like Flashduty's standard alert event
 * endpoint (`POST /event/push/alert/standard?integration_key=`, `{"request_id", "data"}` when
 * accepted, `{"error": {"code", "message"}}` when not).
 */
import { describe, expect, it } from '@jest/globals';
import { createFlashdutyAlerter } from '../../alerters/flashduty/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const KEY = 'fLaShDuTyInTeGrAtIoNkEy99';
const kit = kitHarness('flashduty', createFlashdutyAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '{"request_id":"r1","data":{"alert_key":"k"}}' });
const url = (p: Peer): string => `${p.url}/event/push/alert/standard?integration_key=${KEY}`;

describe('flashduty against a standard alert event peer', () => {
  it("posts ElastAlert2's body; labels that are not set are left out; the alert key defaults to rule and query key", async () => {
    const p = await peer();
    await kit
      .alerter({
        flashduty_url: url(p),
        flashduty_title: 'SSH',
        flashduty_event_status: 'Critical',
        flashduty_service: 'sshd',
        flashduty_env: 'prod',
      })
      .send(alertOf(MATCH, { queryKey: 'bob' }));
    expect(p.requests[0]?.path).toBe(`/event/push/alert/standard?integration_key=${KEY}`);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({
      title: 'SSH',
      event_status: 'Critical',
      alert_key: 'SSH brute force:bob',
      labels: { service: 'sshd', env: 'prod', information: 'SSH brute force\n\nuser: bob\n' },
    });
    await kit.alerter({ flashduty_url: url(p), flashduty_alert_key: 'fixed', flashduty_description: 'd' }).send(alertOf(MATCH));
    expect(JSON.parse(p.requests[1]?.body ?? '')).toMatchObject({
      title: 'ElastAlert Alert',
      description: 'd',
      event_status: 'Info',
      alert_key: 'fixed',
    });
  });

  it('information loses controls and is cut at 2,048 characters', async () => {
    const p = await peer();
    await kit.alerter({ flashduty_url: url(p) }).send(alertWith(`\u202E${'f'.repeat(1024 * 1024)}`));
    const { labels } = JSON.parse(p.requests[0]?.body ?? '') as { labels: { information: string } };
    expect(labels.information.length).toBeLessThanOrEqual(2048);
    expect(labels.information).toMatch(/^user: f+\n\[… truncated: \d+ more characters not shown\]$/);
  });

  it('an {"error"} answer fails (retryable only when too frequent); HTTP 5xx retryable; the key never shows', async () => {
    const p = await peer();
    const a = kit.alerter({ flashduty_url: url(p) });
    p.replies.push({
      status: 200,
      body: `{"request_id":"r2","error":{"code":"InvalidParameter","message":"integration_key ${KEY} not found"}}`,
    });
    const bad = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(bad.retryable).toBe(false);
    expect(bad.message).toContain('InvalidParameter');
    expect(bad.message).not.toContain(KEY);
    p.replies.push({ status: 429, body: '{"request_id":"r3","error":{"code":"RequestTooFrequently","message":"slow down"}}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true });
    p.replies.push({ status: 200, body: '{"request_id":"r4","error":{"code":"RequestTooFrequently","message":"slow down"}}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a3' })))).toMatchObject({ retryable: true });
  });
});
