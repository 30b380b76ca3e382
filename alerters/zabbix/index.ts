/**
 * ElastAlert2's `zabbix` alerter: the value "1" for item `zbx_key` of host `zbx_host` (or, with
 * `zbx_host_from_field`, of the host named by that document field), with the match time as its
 * clock, sent to a Zabbix server or proxy (`zbx_sender_host`, default localhost;
 * `zbx_sender_port`, default 10051) with the sender protocol (sender.ts).
 *
 * Differences, on purpose: a value the server did not process ("failed: 1": unknown host or
 * item) is a permanent failure with the server's words, where ElastAlert2 logs a warning and
 * counts the alert as sent; a missing host field fails the same way. The exchange is bounded by
 * 10 seconds (ElastAlert2's zabbix_utils default); connection problems are retryable.
 */
import { displayText } from '../../src/alert/display.ts';
import { lookupField, pyStr } from '../../src/pycompat/index.ts';
import { DEFAULT_TIMEOUT_MS } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { AlerterError, type Alerter, type AlerterFactory, type AlertPayload } from '../types.ts';
import { zabbixSchema } from './schema.ts';
import { send } from './sender.ts';

interface ZabbixOptions {
  zbx_sender_host?: string;
  zbx_sender_port?: number;
  zbx_host_from_field?: boolean;
  zbx_host: string;
  zbx_key: string;
}

export const createZabbixAlerter: AlerterFactory = (ref, rule): Alerter => {
  const o = readOptions<ZabbixOptions>(zabbixSchema, ref, rule);
  const server = o.zbx_sender_host ?? 'localhost';
  const port = o.zbx_sender_port ?? 10051;
  return {
    type: 'zabbix',
    async send(alert: AlertPayload): Promise<void> {
      const found = o.zbx_host_from_field ? lookupField(alert.match, o.zbx_host) : o.zbx_host;
      if (found === undefined || found === '')
        throw new AlerterError('zabbix', `the match has no ${o.zbx_host} field to name the Zabbix host`, false);
      const host = displayText(pyStr(found));
      let answer: { response?: unknown; info?: unknown };
      try {
        answer = await send(
          server,
          port,
          [{ host, key: o.zbx_key, value: '1', clock: Math.floor(alert.matchTimeMs / 1000) }],
          DEFAULT_TIMEOUT_MS,
        );
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        throw new AlerterError('zabbix', `sending to ${server}:${port} failed: ${e.code ?? e.message}`, true);
      }
      const info = typeof answer.info === 'string' ? answer.info.slice(0, 200) : '';
      if (answer.response !== 'success')
        throw new AlerterError('zabbix', `${server}:${port} answered ${JSON.stringify(answer.response)}${info ? `: ${info}` : ''}`, false);
      if (!/\bfailed: 0\b/.test(info))
        throw new AlerterError(
          'zabbix',
          `${server}:${port} did not process the value for host ${JSON.stringify(host.slice(0, 100))}, item ${JSON.stringify(o.zbx_key)} (${info}): check that both exist`,
          false,
        );
    },
  };
};
