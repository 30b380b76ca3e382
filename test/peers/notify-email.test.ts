import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { resolveConfig } from '../../src/config/load-config.ts';
import { EsError } from '../../src/es/errors.ts';
import { silentLogger } from '../../src/log.ts';
import type { RuleDefinition } from '../../src/rules/types.ts';
import { errorNotifier } from '../../src/run/notify-errors.ts';
import { startSmtp, type TestSmtp } from './email-support.ts';

let smtp: TestSmtp;
const warnings: string[] = [];
beforeAll(async () => {
  // Plain SMTP: TLS to the relay is the email alerter's concern, tested there.
  smtp = await startSmtp({ hideSTARTTLS: true });
});
afterAll(() => smtp.close());

const rule = { name: 'Root login', file: 'root.yaml', options: { notify_email: 'owner@example.com' } } as unknown as RuleDefinition;

function notifier(extra: Record<string, unknown> = {}) {
  const config = resolveConfig(
    {
      notify_email: ['secops@example.com'],
      smtp_host: '127.0.0.1',
      smtp_port: smtp.port,
      smtp_starttls: false,
      from_addr: 'logwarden@example.com',
      ...extra,
    },
    { file: undefined, env: {}, cwd: '/srv' },
  );
  const notify = errorNotifier(config, { warn: (m: string) => warnings.push(m) } as unknown as ReturnType<typeof silentLogger>, {});
  if (!notify) throw new Error('expected a notifier');
  return notify;
}

describe('notify_email', () => {
  it("mails config.yaml's and the rule's recipients when a run fails", async () => {
    smtp.received.length = 0;
    await notifier()(rule, new Error('parsing_exception: bad query'), true);
    expect(warnings).toEqual([]);
    expect(smtp.received).toHaveLength(1);
    const mail = smtp.received[0];
    expect(mail?.mailFrom).toBe('logwarden@example.com');
    expect(mail?.rcptTo.sort()).toEqual(['owner@example.com', 'secops@example.com']);
    expect(mail?.raw).toContain('Subject: LogWarden: rule Root login failed');
    expect(mail?.raw).toContain('parsing_exception: bad query');
    expect(mail?.raw).toContain('disable_rules_on_error');
  });

  it('a passing cluster error is mailed only with notify_all_errors', async () => {
    smtp.received.length = 0;
    const outage = new EsError('connection', 'cannot connect to Elasticsearch');
    await notifier()(rule, outage, false);
    expect(smtp.received).toHaveLength(0);
    await notifier({ notify_all_errors: true })(rule, outage, false);
    expect(smtp.received).toHaveLength(1);
  });

  it('nothing is set up without notify_email', () => {
    expect(errorNotifier(resolveConfig({}, { file: undefined, env: {}, cwd: '/srv' }), silentLogger())).toBeUndefined();
  });
});
