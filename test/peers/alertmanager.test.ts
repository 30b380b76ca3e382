/**
 * The alertmanager alerter against a real HTTP server that checks what Alertmanager's v2 API
 * checks for `POST /api/v2/alerts` (a JSON list of postable alerts; labels a non-empty map of
 * valid names to text; annotations text; RFC 3339 times; basic auth when configured), and
 * answers as Alertmanager does: 200 with an empty body, 400 with a JSON error.
 */
import { describe, expect, it } from '@jest/globals';
import { createAlertmanagerAlerter } from '../../alerters/alertmanager/index.ts';
import type { Alerter } from '../../alerters/types.ts';
import { alertOf, MATCH, T0 } from '../unit/alerters/http-fixtures.ts';
import { alertmanagerProblems } from './alertmanager-peer.ts';
import { thrown, type Peer, type Received } from './http-peer.ts';
import { kitHarness } from './kit-support.ts';

const PASSWORD = 'am-pAsSwOrD-31337';
const NOW = T0 + 60_000;

const kit = kitHarness('alertmanager', createAlertmanagerAlerter);
const peer = (): Promise<Peer> => kit.peer({ status: 200, body: '' });
const alerter = (options: Record<string, unknown>): Alerter => kit.alerter(options, NOW);

describe('alertmanager against an Alertmanager v2 API peer', () => {
  it("sends ElastAlert2's labels and annotations as one postable alert to /api/v2/alerts, with basic auth", async () => {
    const p = await peer();
    await alerter({
      alertmanager_hosts: [`${p.url}/am/`],
      alertmanager_labels: { severity: 'page', user: '{{ user.name }}', source: "{{ _data['source.ip'] }}" },
      alertmanager_fields: { hits: 'num_hits', who: 'user.name', tags: 'tags' },
      alertmanager_annotations: { runbook: 'https://wiki.example/ssh' },
      alertmanager_resolve_time: { minutes: 5 },
      alertmanager_basic_auth_login: 'logwarden',
      alertmanager_basic_auth_password: PASSWORD,
    }).send(alertOf(MATCH, { kibanaDiscoverUrl: 'https://kibana.example/app/discover#/x' }));
    expect(p.requests).toHaveLength(1);
    const [req] = p.requests as [Received];
    expect(req.path).toBe('/am/api/v2/alerts');
    expect(alertmanagerProblems(req)).toEqual([]);
    expect(req.headers.authorization).toBe(`Basic ${Buffer.from(`logwarden:${PASSWORD}`).toString('base64')}`);
    expect(JSON.parse(req.body)).toEqual([
      {
        labels: {
          severity: 'page',
          user: 'bob',
          source: '10.0.0.1',
          hits: '7',
          who: 'bob',
          tags: '["a", "b"]',
          alertname: 'SSH brute force',
          elastalert_rule: 'SSH brute force',
        },
        annotations: { runbook: 'https://wiki.example/ssh', summary: 'SSH brute force', description: 'SSH brute force\n\nuser: bob\n' },
        startsAt: new Date(T0).toISOString(),
        endsAt: new Date(NOW + 300_000).toISOString(),
        generatorURL: 'https://kibana.example/app/discover#/x',
      },
    ]);
  });

  it('api v1 when asked (same body), alertname and label names for subject/text as configured', async () => {
    const p = await peer();
    await alerter({
      alertmanager_hosts: [p.url],
      alertmanager_api_version: 'v1',
      alertmanager_alertname: 'SSHBrute',
      alertmanager_alert_subject_labelname: 'title',
      alertmanager_alert_text_labelname: 'body',
    }).send(alertOf(MATCH));
    const [req] = p.requests as [Received];
    expect(req.path).toBe('/api/v1/alerts');
    const [sent] = JSON.parse(req.body) as [{ labels: Record<string, string>; annotations: Record<string, string> }];
    expect(sent.labels).toEqual({ alertname: 'SSHBrute', elastalert_rule: 'SSH brute force' });
    expect(sent.annotations).toEqual({ title: 'SSH brute force', body: 'SSH brute force\n\nuser: bob\n' });
  });

  it('a document value is data in a label template, never template code', async () => {
    const p = await peer();
    await alerter({ alertmanager_hosts: [p.url], alertmanager_labels: { user: '{{ user.name }}' } }).send(
      alertOf({ user: { name: '{{7*7}}{% raw %}' } }),
    );
    const [sent] = JSON.parse(p.requests[0]?.body ?? '') as [{ labels: Record<string, string> }];
    expect(sent.labels['user']).toBe('{{7*7}}{% raw %}');
  });

  it('several hosts all get the alert; after one fails only that one is retried', async () => {
    const a = await peer();
    const b = await peer();
    b.replies.push({ status: 503, headers: { 'Retry-After': '7' }, body: 'unavailable' });
    const am = alerter({ alertmanager_hosts: [a.url, b.url] });
    const error = await thrown(() => am.send(alertOf(MATCH)));
    expect(error.retryable).toBe(true);
    expect(error.retryAfterMs).toBe(7000);
    await am.send(alertOf(MATCH));
    expect(a.requests).toHaveLength(1);
    expect(b.requests).toHaveLength(2);
  });

  it('400 (Alertmanager refused the alert) is permanent and quotes its message without the password', async () => {
    const p = await peer();
    p.replies.push({ status: 400, body: `{"code":400,"message":"bad alert from logwarden:${PASSWORD}"}` });
    const error = await thrown(() =>
      alerter({ alertmanager_hosts: [p.url], alertmanager_basic_auth_login: 'logwarden', alertmanager_basic_auth_password: PASSWORD }).send(
        alertOf(MATCH),
      ),
    );
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('alertmanager: POST to');
    expect(error.message).toContain('HTTP 400');
    expect(error.message).not.toContain(PASSWORD);
  });

  it('refuses at load, by option, what Alertmanager would refuse for every alert', () => {
    expect(() => alerter({ alertmanager_hosts: ['http://am:9093'], alertmanager_labels: { 'bad-name': 'x' } })).toThrow(
      'ssh.yaml: rule "SSH brute force": alertmanager_labels: "bad-name" is not a valid Alertmanager label name',
    );
    expect(() => alerter({ alertmanager_hosts: ['http://am:9093'], alertmanager_labels: { a: '{{ unclosed' } })).toThrow(
      'alertmanager_labels.a: ',
    );
    expect(() => alerter({ alertmanager_hosts: [] })).toThrow('alertmanager_hosts: ');
    expect(() => alerter({ alertmanager_hosts: ['ftp://am'] })).toThrow('alertmanager_hosts[0]: must be an http:// or https:// URL');
    expect(() => alerter({ alertmanager_hosts: ['http://am:9093'], alertmanager_api_version: 'v3' })).toThrow('alertmanager_api_version: ');
  });
});
