/** The jira alerter against a local Jira speaking REST API v2 (test/peers/jira-peer.ts). */
import { ManualClock } from '../../src/schedule/clock.ts';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from '@jest/globals';
import { createJiraAlerter } from '../../alerters/jira/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { silentLogger } from '../../src/log.ts';
import { alertOf, httpRule, MATCH, refOf, T0 } from '../unit/alerters/http-fixtures.ts';
import { thrown } from './http-peer.ts';
import { JIRA_PASSWORD, JIRA_USER, startJira, type JiraPeer } from './jira-peer.ts';
import { alertWith } from './kit-support.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'logwarden-jira-'));
const ACCOUNT = path.join(dir, 'jira_acct.yaml');
writeFileSync(ACCOUNT, `user: ${JIRA_USER}\npassword: ${JIRA_PASSWORD}\n`);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const open: { peers: JiraPeer[]; alerters: Alerter[] } = { peers: [], alerters: [] };
afterEach(async () => {
  await Promise.all(open.alerters.splice(0).map((a) => a.close?.()));
  await Promise.all(open.peers.splice(0).map((p) => p.close()));
});
async function jira(): Promise<JiraPeer> {
  const p = await startJira();
  open.peers.push(p);
  return p;
}
function alerter(p: JiraPeer, options: Record<string, unknown> = {}, now = T0 + 60_000): Alerter {
  const rule = httpRule('jira', { jira_server: p.url, jira_account_file: ACCOUNT, jira_project: 'SEC', jira_issuetype: 'Bug', ...options });
  const a = createJiraAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined, clock: new ManualClock(now) });
  open.alerters.push(a);
  return a;
}

describe('jira against a Jira REST API v2 peer', () => {
  it("creates ElastAlert2's issue: title, description, components, labels, priority, custom fields by name, assignee, watchers", async () => {
    const p = await jira();
    await alerter(p, {
      jira_components: ['SOC'],
      jira_labels: 'ssh',
      jira_priority: 1,
      jira_description: 'Raised by LogWarden',
      jira_assignee: 'alice',
      jira_watchers: ['bob'],
      jira_affected_host: '#host.name',
      jira_severity_level: 'High',
      jira_teams: ['Blue', 'Red'],
      jira_score: '7',
      jira_parent: 'SEC-0',
    }).send(alertOf({ ...MATCH, host: { name: 'bastion' } }, { queryKey: 'bob' }));
    const [issue] = p.issues;
    expect(issue?.fields).toEqual({
      project: { key: 'SEC' },
      issuetype: { name: 'Bug' },
      parent: { key: 'SEC-0' },
      components: [{ name: 'SOC' }],
      labels: ['ssh'],
      priority: { id: '2' },
      customfield_10010: 'bastion',
      customfield_10011: { value: 'High' },
      customfield_10012: [{ value: 'Blue' }, { value: 'Red' }],
      customfield_10013: 7,
      summary: 'ElastAlert: bob matched SSH brute force - 2024-05-01 12:00 UTC',
      description: 'Raised by LogWarden\nSSH brute force\n\nuser: bob\n',
    });
    expect(issue?.assignee).toBe('alice');
    expect(issue?.watchers).toEqual(['bob']);
  });

  it('a document value cannot format, link, mention or open a code block in the description', async () => {
    const p = await jira();
    await alerter(p).send(alertWith('[~admin] [x|https://evil.example] *b* {code}!img.png!\u202E'));
    expect(p.issues[0]?.fields['description']).toBe(
      '\nuser: \\[\\~admin\\] \\[x\\|https://evil.example\\] \\*b\\* \\{code\\}\\!img.png\\!\n',
    );
  });

  it('jira_bump_tickets comments on and transitions a stale issue with the same title; a fresh one is left alone; the JQL stays a query', async () => {
    const p = await jira();
    const day = 86_400_000;
    await alerter(p).send(alertOf(MATCH, { alertId: 'first' }));
    const later = Date.now() + 3 * day;
    const bumping = alerter(
      p,
      { jira_bump_tickets: true, jira_bump_after_inactivity: 1, jira_transition_to: 'In Progress', jira_bump_not_in_statuses: ['Done'] },
      later,
    );
    await bumping.send(alertOf(MATCH, { alertId: 'second' }));
    expect(p.issues).toHaveLength(1);
    expect(p.issues[0]?.comments[0]).toMatch(/^This alert was triggered again at 2024-05-01T12:00:00.000Z\nSSH brute force/);
    expect(p.issues[0]?.status).toBe('In Progress');
    const search = p.log.find((l) => l.path.startsWith('search/jql'))?.path ?? '';
    expect(new URL(search, 'http://x').searchParams.get('jql')).toBe(
      `project=SEC AND summary~"ElastAlert SSH brute force" and created >= "${new Date(later - 30 * day).toISOString().slice(0, 10)}" and status not in (Done)`,
    );
    // Updated within jira_bump_after_inactivity: nothing new, nothing commented.
    await alerter(p, { jira_bump_tickets: true, jira_bump_after_inactivity: 10 }, later).send(alertOf(MATCH, { alertId: 'third' }));
    expect(p.issues).toHaveLength(1);
    expect(p.issues[0]?.comments).toHaveLength(1);
    // A title from a document cannot close the JQL string or add clauses.
    await alerter(p, { jira_bump_tickets: true, alert_subject: 'x' }, later).send(
      alertOf(MATCH, { alertId: 'fourth', subject: 'a" OR project=OPS OR summary~"b\\' }),
    );
    const last = p.log.filter((l) => l.path.startsWith('search/jql')).at(-1)?.path ?? '';
    expect(new URL(last, 'http://x').searchParams.get('jql')).toMatch(
      /^project=SEC AND summary~"a OR project=OPS OR summary b" and created/,
    );
  });

  it('a watcher Jira does not know fails the alert; the retry adds the rest without a second issue', async () => {
    const p = await jira();
    const a = alerter(p, { jira_watchers: ['alice', 'mallory'] });
    const failed = await thrown(() => a.send(alertOf(MATCH)));
    expect(failed.retryable).toBe(false);
    expect(failed.message).toContain('HTTP 404');
    p.failNext.set('issue/SEC-1/watchers', { status: 503, body: '' });
    await thrown(() => a.send(alertOf(MATCH)));
    expect(p.issues).toHaveLength(1);
    expect(p.issues[0]?.watchers).toEqual(['alice']);
    expect(p.log.filter((l) => l.method === 'POST' && l.path === 'issue')).toHaveLength(1);
  });

  it('401 is permanent and shows neither the password nor the basic credentials; 429 waits for Retry-After; unknown field and priority are refused by option', async () => {
    const p = await jira();
    const basic = Buffer.from(`${JIRA_USER}:${JIRA_PASSWORD}`).toString('base64');
    p.failNext.set('issue', { status: 401, body: `{"errorMessages":["bad ${basic} ${JIRA_PASSWORD}"]}` });
    const denied = await thrown(() => alerter(p).send(alertOf(MATCH, { alertId: 'a1' })));
    expect(denied.retryable).toBe(false);
    expect(denied.message).not.toContain(JIRA_PASSWORD);
    expect(denied.message).not.toContain(basic);
    p.failNext.set('issue', { status: 429, headers: { 'Retry-After': '11' }, body: '' });
    expect(await thrown(() => alerter(p).send(alertOf(MATCH, { alertId: 'a2' })))).toMatchObject({ retryable: true, retryAfterMs: 11_000 });
    expect(await thrown(() => alerter(p, { jira_no_such_thing: 'x' }).send(alertOf(MATCH, { alertId: 'a3' })))).toMatchObject({
      retryable: false,
      message: expect.stringContaining('jira_no_such_thing: Jira has no field named "no such thing"'),
    });
    expect(await thrown(() => alerter(p, { jira_priority: 9 }).send(alertOf(MATCH, { alertId: 'a4' })))).toMatchObject({
      retryable: false,
      message: expect.stringContaining('jira_priority: Jira has 3 priorities'),
    });
    expect(() => alerter(p, { jira_account_file: 'jira_acct.yaml' })).toThrow('jira_account_file: must be an absolute path');
  });
});
