import { HttpClient } from '../http.ts';
import type { AlerterDeps } from '../types.ts';
import type { Transport } from './webhook.ts';

/**
 * The kit's HTTP client for an alerter that builds its own requests (a signed URL per send, a
 * form body, a header per alert) instead of going through webhookAlerter.
 */
export function clientFor(type: string, transport: Transport, deps: AlerterDeps): HttpClient {
  return new HttpClient({
    alerter: type,
    timeoutMs: transport.timeoutMs,
    tls: transport.tls,
    tlsHint: transport.tlsHint,
    proxy: transport.proxy,
    clock: deps.clock,
  });
}
