/**
 * The servicenow alerter against a real HTTP server shaped like ServiceNow's Table API
 * (`POST /api/now/table/incident`, basic auth, 201 with `{"result": ...}`; 401 with
 * `{"error": {...}, "status": "failure"}`; 429 with Retry-After when the rate limit is hit).
 */
import { describe, expect, it } from '@jest/globals';
import { createServiceNowAlerter } from '../../alerters/servicenow/index.ts';
import { alertOf, MATCH } from '../unit/alerters/http-fixtures.ts';
import { thrown, type Peer, type Received } from './http-peer.ts';
import { alertWith, kitHarness } from './kit-support.ts';

const PASSWORD = 'sNoW-pA55-w0rd!';
const kit = kitHarness('servicenow', createServiceNowAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 201, body: '{"result":{"sys_id":"abc","number":"INC0010001"}}' });
const options = (p: Peer, more: Record<string, unknown> = {}) => ({
  servicenow_rest_url: `${p.url}/api/now/table/incident`,
  username: 'logwarden',
  password: PASSWORD,
  short_description: 'SSH brute force',
  comments: 'From LogWarden',
  assignment_group: 'SOC',
  category: 'security',
  subcategory: 'intrusion',
  cmdb_ci: 'bastion',
  caller_id: 'logwarden',
  ...more,
});

/** ServiceNow's checks: basic auth for the integration user, JSON. */
function snowProblems(req: Received): string[] {
  const expected = `Basic ${Buffer.from(`logwarden:${PASSWORD}`).toString('base64')}`;
  if (req.headers.authorization !== expected) return ['401 User Not Authenticated'];
  return /^application\/json/.test(req.headers['content-type'] ?? '') ? [] : ['415'];
}

describe('servicenow against a Table API peer', () => {
  it("creates an incident with ElastAlert2's fields, impact, urgency and servicenow_arg_ fields", async () => {
    const p = await peer();
    await kit
      .alerter(options(p, { servicenow_impact: 1, servicenow_urgency: 2, servicenow_arg_u_source: 'siem', servicenow_arg_priority: 1 }))
      .send(alertOf(MATCH));
    expect(p.requests[0]?.path).toBe('/api/now/table/incident');
    expect(snowProblems(p.requests[0]!)).toEqual([]);
    expect(JSON.parse(p.requests[0]?.body ?? '')).toEqual({
      description: 'SSH brute force\n\nuser: bob\n',
      short_description: 'SSH brute force',
      comments: 'From LogWarden',
      assignment_group: 'SOC',
      category: 'security',
      subcategory: 'intrusion',
      cmdb_ci: 'bastion',
      caller_id: 'logwarden',
      impact: 1,
      urgency: 2,
      u_source: 'siem',
      priority: 1,
    });
  });

  it('the description loses controls and is cut at 4,000 characters', async () => {
    const p = await peer();
    await kit.alerter(options(p)).send(alertWith(`\u202E[code]<script>${'s'.repeat(1024 * 1024)}`));
    const { description } = JSON.parse(p.requests[0]?.body ?? '') as { description: string };
    expect(description.length).toBeLessThanOrEqual(4000);
    expect(description.startsWith('user: [code]<script>s')).toBe(true);
    expect(description).toMatch(/\[… truncated: \d+ more characters not shown\]$/);
  });

  it('401 is permanent and shows neither the password nor the basic credentials; 429 waits for Retry-After', async () => {
    const p = await peer();
    const a = kit.alerter(options(p));
    const basic = Buffer.from(`logwarden:${PASSWORD}`).toString('base64');
    p.replies.push({
      status: 401,
      body: `{"error":{"message":"User Not Authenticated","detail":"Basic ${basic} / ${PASSWORD}"},"status":"failure"}`,
    });
    const denied = await thrown(() => a.send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).toContain('User Not Authenticated');
    expect(denied.message).not.toContain(PASSWORD);
    expect(denied.message).not.toContain(basic);
    p.replies.push({ status: 429, headers: { 'Retry-After': '15' }, body: '{"error":{"message":"Rate limit exceeded"}}' });
    expect(await thrown(() => a.send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 15_000 });
  });

  it('refuses, by option, a missing required field and a servicenow_arg_ value that is not a scalar', () => {
    const base = options({ url: 'http://snow' } as Peer);
    expect(() => kit.alerter({ ...base, caller_id: undefined })).toThrow('caller_id');
    expect(() => kit.alerter({ ...base, servicenow_arg_x: { a: 1 } })).toThrow('servicenow_arg_x: must name an incident field');
  });
});
