/**
 * The 44 alerter names of ElastAlert2 2.31 (loaders.py alerts_mapping) and the two it retired:
 * each one lints either as an implemented alerter or as a refusal that names it with a reason,
 * never as "unknown", and the refusal comes before anything about its options.
 */
import { describe, expect, it } from '@jest/globals';
import { AVAILABLE_ALERTERS } from '../../../alerters/index.ts';
import { REFUSED_ALERTERS } from '../../../alerters/refused.ts';
import { ALERTER_SCHEMAS } from '../../../alerters/schemas.ts';
import { lintCommand } from '../../../src/cli/commands/lint.ts';
import { captureIO, tempFolder } from '../rules/helpers.ts';

const ELASTALERT2_ALERTERS = [
  'alertmanager',
  'tencent_sms',
  'email',
  'jira',
  'opsgenie',
  'stomp',
  'debug',
  'command',
  'sns',
  'sqs',
  'ms_power_automate',
  'slack',
  'mattermost',
  'pagerduty',
  'exotel',
  'twilio',
  'victorops',
  'telegram',
  'googlechat',
  'gitter',
  'servicenow',
  'alerta',
  'post',
  'post2',
  'pagertree',
  'hivealerter',
  'zabbix',
  'discord',
  'dingtalk',
  'lark',
  'line',
  'webex_webhook',
  'workwechat',
  'chatwork',
  'datadog',
  'ses',
  'rocketchat',
  'gelf',
  'iris',
  'indexer',
  'matrixhookshot',
  'yzj',
  'flashduty',
  'smseagle',
];

async function lintAlert(name: string, extra = ''): Promise<string[]> {
  const cwd = tempFolder({ 'rules/r.yaml': `name: R\ntype: any\nindex: logs-*\nalert:\n  - ${name}\n${extra}` });
  const io = captureIO();
  await lintCommand({ paths: ['rules'], cwd }, io);
  return io.stdout.slice(0, -1);
}

describe('the alerter catalog', () => {
  it('has 44 ElastAlert2 names', () => {
    expect(new Set(ELASTALERT2_ALERTERS).size).toBe(44);
  });

  it('every implemented alerter has a schema beside it, and every schema an implementation', () => {
    expect([...AVAILABLE_ALERTERS].sort()).toEqual(ALERTER_SCHEMAS.map((s) => s.name).sort());
  });

  it('no name is both implemented and refused, and every refusal gives a reason', () => {
    for (const refused of REFUSED_ALERTERS) {
      expect(AVAILABLE_ALERTERS).not.toContain(refused.name);
      expect(refused.reason.length).toBeGreaterThan(20);
    }
  });

  it.each(ELASTALERT2_ALERTERS)('%s is implemented or refused by name with a reason', async (name) => {
    const problems = await lintAlert(name);
    if (AVAILABLE_ALERTERS.includes(name)) {
      // Implemented: what lint may say is about its options, never that the alerter is missing.
      for (const p of problems) expect(p).not.toMatch(/unknown alerter|not available/);
    } else {
      expect(problems).toEqual([
        expect.stringMatching(new RegExp(`^rules/r\\.yaml:5: rule "R": alert\\[0\\]: the "${name}" alerter is not available: .{20,}`)),
      ]);
    }
  });

  it.each([
    ['ms_teams', 'use ms_power_automate'],
    ['linenotify', 'use line'],
  ])('%s (retired in ElastAlert2) is refused pointing to its replacement', async (name, replacement) => {
    const problems = await lintAlert(name);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`the "${name}" alerter is not available: retired in ElastAlert2`);
    expect(problems[0]).toContain(replacement);
  });

  it('an unavailable alerter is reported before (and instead of) its missing or bad options', async () => {
    // ElastAlert2 requires indexer_alert_config; the rule is told first that indexer is not available.
    const bare = await lintAlert('indexer');
    expect(bare).toEqual([expect.stringContaining('the "indexer" alerter is not available')]);
    const withOptions = await lintAlert('indexer: {indexer_alert_config: 12}', 'indexer_connection: siem\n');
    expect(withOptions).toEqual([expect.stringContaining('the "indexer" alerter is not available')]);
    // An implemented alerter's missing option is reported as such.
    expect(await lintAlert('opsgenie')).toEqual([expect.stringContaining('opsgenie_key: is required by the opsgenie alerter')]);
  });
});

/**
 * For every refused name, options ElastAlert2 documents for it (docs/source/alerts.rst, schema.yaml),
 * given with a wrong type, at the top of the rule and under its `alert:` entry: lint still says
 * only that the alerter is not available.
 */
const REFUSED_OPTIONS: Readonly<Record<string, readonly string[]>> = {
  indexer: ['indexer_connection', 'indexer_alerts_name'],
  ms_teams: ['ms_teams_webhook_url', 'ms_teams_alert_facts'],
  linenotify: ['linenotify_access_token'],
};

describe('every refused alerter is reported before its options', () => {
  it('the table names every refused alerter', () => {
    expect(Object.keys(REFUSED_OPTIONS).sort()).toEqual(REFUSED_ALERTERS.map((r) => r.name).sort());
  });

  it.each(REFUSED_ALERTERS.map((r) => r.name))('%s: only the refusal, whatever its options say', async (name) => {
    const options = REFUSED_OPTIONS[name] ?? [];
    const wrong = options.map((o) => `${o}: {not: [a, value]}`);
    const topLevel = await lintAlert(name, `${wrong.join('\n')}\n`);
    expect(topLevel).toEqual([expect.stringContaining(`the "${name}" alerter is not available: `)]);
    const inEntry = await lintAlert(`${name}: {${wrong.join(', ')}}`);
    expect(inEntry).toEqual([expect.stringContaining(`the "${name}" alerter is not available: `)]);
  });
});
