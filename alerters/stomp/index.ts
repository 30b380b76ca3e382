/**
 * ElastAlert2's `stomp` alerter: publishes ElastAlert2's JSON message to a STOMP broker
 * (ActiveMQ, RabbitMQ's STOMP plugin, Artemis) at `stomp_destination` (`/queue/ALERT`), logging in
 * with `stomp_login` / `stomp_password`, over TLS with `stomp_ssl`. The message holds `alerts`
 * ("Alert for <rule>, <query_key value> at <time>:"), `match`, `rule`, `rule_file`, `matching`
 * and `body` (the alert text), `alertDate` and `matches`.
 *
 * Differences, on purpose:
 * - The SEND asks for a RECEIPT, and the alert counts as sent only when the broker gives it
 *   (ElastAlert2 sleeps a second after connecting and never learns whether the broker took the
 *   message). A broker ERROR frame (refused login, forbidden destination) is permanent; a closed
 *   or refused connection and the time limit (`stomp_timeout`, 10 s) are retryable.
 * - A small STOMP 1.2 client is written here (frames.ts) because the maintained STOMP packages
 *   speak WebSocket and reach plain TCP only through a wrapper without TLS, which `stomp_ssl`
 *   needs. `stomp_ca_certs` (ours) verifies the broker's certificate; it is verified by default.
 * - `alertDate` is the alert time in UTC ISO form; `matching` is the alert text.
 */
import { systemClock } from '../../src/schedule/clock.ts';
import net from 'node:net';
import tls from 'node:tls';
import { lookupField, pyStr } from '../../src/pycompat/index.ts';
import { quoteBody, timeoutOption, verifyOption } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { AlerterError, optionError, type AlerterFactory, type AlertPayload } from '../types.ts';
import { decodeFrames, encodeFrame, type Frame } from './frames.ts';
import { stompSchema } from './schema.ts';

type StompOptions = Readonly<Record<string, unknown>> & {
  stomp_hostname: string;
  stomp_hostport: string | number;
  stomp_login: string;
  stomp_password: string;
  stomp_destination?: string;
  stomp_ssl?: boolean;
};

export const createStompAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<StompOptions>(stompSchema, ref, rule);
  const port = Number(o.stomp_hostport);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw optionError(rule, 'stomp_hostport', 'must be a port number');
  const timeoutMs = timeoutOption(rule, o, 'stomp_timeout');
  // Always verified (ElastAlert2 has no option to turn the check off); a CA bundle may be given.
  const ca = o['stomp_ca_certs'];
  const verify = verifyOption(rule, 'stomp_ca_certs', ca === false ? undefined : ca, true);
  const secrets = [o.stomp_password];
  const now = (): number => (deps.clock ?? systemClock).now();

  const message = (alert: AlertPayload): string => {
    const qk = alert.queryKey;
    const at = pyStr(lookupField(alert.match, rule.timestampField) ?? null);
    const line = qk === undefined ? `Rule ${rule.name} generated an alert at ${at}:` : `Alert for ${rule.name}, ${qk} at ${at}:`;
    return JSON.stringify({
      match: qk ?? lookupField(alert.match, rule.timestampField) ?? null,
      alerts: [line],
      rule: rule.name,
      rule_file: rule.file,
      matching: alert.text,
      alertDate: new Date(now()).toISOString(),
      body: alert.text,
      matches: [alert.match],
    });
  };

  /** One exchange: CONNECT, SEND with a receipt, DISCONNECT. */
  const publish = (body: string, receipt: string): Promise<void> =>
    new Promise((resolve, reject) => {
      const socket = o.stomp_ssl
        ? tls.connect({
            host: o.stomp_hostname,
            port,
            servername: net.isIP(o.stomp_hostname) ? undefined : o.stomp_hostname,
            rejectUnauthorized: verify.rejectUnauthorized,
            ...(verify.ca ? { ca: verify.ca } : {}),
          })
        : net.connect({ host: o.stomp_hostname, port });
      let buffer: Buffer = Buffer.alloc(0);
      let settled = false;
      const finish = (error?: AlerterError): void => {
        if (settled) return;
        settled = true;
        cancelTimer();
        socket.destroy();
        if (error) reject(error);
        else resolve();
      };
      // A network timeout runs on real time, as the HTTP client's do; the injected clock stamps messages.
      const cancelTimer = systemClock.setTimer(
        () => finish(new AlerterError('stomp', `no receipt from ${o.stomp_hostname}:${port} within ${timeoutMs / 1000}s`, true)),
        timeoutMs,
      );
      socket.once(o.stomp_ssl ? 'secureConnect' : 'connect', () => {
        socket.write(
          encodeFrame({
            command: 'CONNECT',
            headers: {
              'accept-version': '1.2,1.1,1.0',
              host: o.stomp_hostname,
              login: o.stomp_login,
              passcode: o.stomp_password,
              'heart-beat': '0,0',
            },
            body: '',
          }),
        );
      });
      socket.on('data', (chunk: Buffer) => {
        const decoded = decodeFrames(Buffer.concat([buffer, chunk]));
        buffer = decoded.rest;
        for (const frame of decoded.frames) handle(frame);
      });
      const handle = (frame: Frame): void => {
        if (frame.command === 'CONNECTED') {
          socket.write(
            encodeFrame({
              command: 'SEND',
              headers: { destination: o.stomp_destination ?? '/queue/ALERT', 'content-type': 'application/json;charset=utf-8', receipt },
              body,
            }),
          );
        } else if (frame.command === 'RECEIPT' && frame.headers['receipt-id'] === receipt) {
          socket.write(encodeFrame({ command: 'DISCONNECT', headers: {}, body: '' }));
          finish();
        } else if (frame.command === 'ERROR') {
          finish(
            new AlerterError(
              'stomp',
              `the broker refused: ${quoteBody(`${frame.headers['message'] ?? ''} ${frame.body}`, secrets)}`,
              false,
            ),
          );
        }
      };
      socket.on('error', (error: NodeJS.ErrnoException) => {
        const certificate = /CERT|SELF_SIGNED|UNABLE_TO|HOSTNAME/.test(error.code ?? '');
        finish(
          new AlerterError(
            'stomp',
            `${o.stomp_hostname}:${port}: ${quoteBody(error.message, secrets)}${certificate ? ' (certificate not trusted: see stomp_ca_certs)' : ''}`,
            true,
          ),
        );
      });
      socket.on('close', () =>
        finish(new AlerterError('stomp', `${o.stomp_hostname}:${port} closed the connection before the receipt`, true)),
      );
    });

  return {
    type: 'stomp',
    async send(alert) {
      await publish(message(alert), `logwarden-${alert.alertId}`);
    },
  };
};
