/**
 * ElastAlert2's `gelf` alerter: one GELF message per alert to Graylog, over HTTP (`gelf_endpoint`),
 * TCP (`gelf_host`, `gelf_port`) or, ours, UDP. As ElastAlert2 the message is
 * `{version, host, short_message, level}` whose `short_message` is JSON of `{"Title": <rule name>}`
 * plus each `gelf_payload` key with its document field's value.
 *
 * Differences, on purpose: HTTPS certificates are verified unless `gelf_http_ignore_ssl_errors`
 * (ElastAlert2 turns verification off when no `gelf_ca_cert` is given); `gelf_ca_cert` with TCP
 * makes a TLS connection that verifies the server with that CA; payload fields may be dotted
 * paths; `gelf_timeout` also bounds TCP. UDP has no acknowledgement: a datagram sent is counted
 * as delivered.
 */
import os from 'node:os';
import { readFileSync } from 'node:fs';
import { lookupField, pyJsonDumps } from '../../src/pycompat/index.ts';
import { headersOption, httpUrl, setOwn, tlsOptions } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { webhookAlerter } from '../kit/webhook.ts';
import { AlerterError, optionError, type Alerter, type AlerterFactory, type AlertPayload } from '../types.ts';
import { gelfSchema } from './schema.ts';
import { sendTcp, sendUdp } from './transport.ts';

interface GelfOptions {
  gelf_type: 'http' | 'tcp' | 'udp';
  gelf_endpoint?: string;
  gelf_host?: string;
  gelf_port?: number;
  gelf_payload?: Record<string, string>;
  gelf_version?: string;
  gelf_log_level?: number;
  gelf_ca_cert?: string;
  gelf_timeout?: number;
}

export const createGelfAlerter: AlerterFactory = (ref, rule, deps): Alerter => {
  const o = readOptions<GelfOptions>(gelfSchema, ref, rule);
  const timeoutMs = Math.round((o.gelf_timeout ?? 30) * 1000);
  const host = os.hostname();
  const message = (alert: AlertPayload): Record<string, unknown> => {
    const fields: Record<string, unknown> = { Title: rule.name };
    for (const [key, field] of Object.entries(o.gelf_payload ?? {})) setOwn(fields, key, lookupField(alert.match, field) ?? null);
    return { version: o.gelf_version ?? '1.1', host, short_message: pyJsonDumps(fields), level: o.gelf_log_level ?? 5 };
  };

  if (o.gelf_type === 'http') {
    if (!o.gelf_endpoint) throw optionError(rule, 'gelf_endpoint', 'is required with gelf_type: http');
    const headers = headersOption(rule, o, 'gelf_http_headers');
    return webhookAlerter(
      {
        type: 'gelf',
        urls: [httpUrl(rule, 'gelf_endpoint', o.gelf_endpoint)],
        transport: {
          timeoutMs,
          tls: tlsOptions(rule, o, 'gelf_ca_cert', 'gelf_http_ignore_ssl_errors'),
          proxy: undefined,
          tlsHint: 'gelf_ca_cert / gelf_http_ignore_ssl_errors',
        },
        render: message,
        headers,
        secrets: Object.values(headers),
      },
      deps,
    );
  }
  const option = o.gelf_host ? 'gelf_port' : 'gelf_host';
  if (!o.gelf_host || o.gelf_port === undefined) throw optionError(rule, option, `is required with gelf_type: ${o.gelf_type}`);
  if (o.gelf_type === 'udp' && o.gelf_ca_cert) throw optionError(rule, 'gelf_ca_cert', 'applies to http and tcp: GELF over UDP has no TLS');
  let ca: string[] | undefined;
  if (o.gelf_ca_cert) {
    try {
      ca = [readFileSync(o.gelf_ca_cert, 'utf8')];
    } catch (error) {
      throw optionError(
        rule,
        'gelf_ca_cert',
        `cannot read ${JSON.stringify(o.gelf_ca_cert)}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`,
      );
    }
  }
  const { gelf_host: target, gelf_port: port } = o;
  return {
    type: 'gelf',
    async send(alert: AlertPayload): Promise<void> {
      const bytes = Buffer.from(JSON.stringify(message(alert)), 'utf8');
      try {
        if (o.gelf_type === 'tcp') await sendTcp(target, port, bytes, timeoutMs, ca);
        else await sendUdp(target, port, bytes);
      } catch (error) {
        const e = error as NodeJS.ErrnoException;
        // Too many chunks will not shrink: permanent. Network trouble may pass: retryable.
        const permanent = /GELF chunks/.test(e.message);
        throw new AlerterError('gelf', `${o.gelf_type.toUpperCase()} to ${target}:${port} failed: ${e.code ?? e.message}`, !permanent);
      }
    },
  };
};
