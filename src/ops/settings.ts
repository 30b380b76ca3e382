import { createHash, timingSafeEqual } from 'node:crypto';
import type { LogWardenConfig } from '../config/load-config.ts';

/**
 * Not 9090 (the Prometheus server's own port) nor 9093/9100/9114 (Alertmanager, node_exporter,
 * the Elasticsearch exporter) nor 9095 (Loki's and Tempo's gRPC): those often share a host with
 * LogWarden (docker compose, host networking), where a clash would stop one of them.
 */
export const DEFAULT_OPS_PORT = 9477;

/** The ops server's settings with defaults applied. */
export interface OpsSettings {
  /** `logwarden run` (not --once) starts the server unless `ops_enabled: false`. */
  enabled: boolean;
  /** 0: the kernel picks a free port (logged); tests use it. */
  port: number;
  /** Loopback by default: nothing is reachable from the network until an operator says so. */
  bind: string;
  /** The HTML page and /api/*; off leaves /metrics, /healthz and /readyz. */
  statusPage: boolean;
  /** Silence and unsilence from the page: needs this switch AND the bearer token. */
  actions: boolean;
  token: string | undefined;
}

export function opsSettings(config: LogWardenConfig): OpsSettings {
  return {
    enabled: config.opsEnabled ?? true,
    port: config.opsPort ?? DEFAULT_OPS_PORT,
    bind: config.opsBind ?? '127.0.0.1',
    statusPage: config.statusPage ?? true,
    actions: config.statusPageActions ?? false,
    token: config.statusPageToken,
  };
}

export type WriteAuth = { ok: true } | { ok: false; status: 401 | 403; reason: string };

/**
 * May this request change anything? Only with `status_page_actions: true`, a configured token,
 * and `Authorization: Bearer <that token>`. The token travels in a header a browser never adds
 * by itself (no cookie), so another site cannot make a visitor's browser send a write (CSRF).
 */
export function authorizeWrite(settings: Pick<OpsSettings, 'actions' | 'token'>, authorization: string | undefined): WriteAuth {
  if (!settings.actions || settings.token === undefined)
    return { ok: false, status: 403, reason: 'write actions are disabled (status_page_actions)' };
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization ?? '');
  if (!match?.[1]) return { ok: false, status: 401, reason: 'a bearer token is required' };
  if (!tokenMatches(match[1], settings.token)) return { ok: false, status: 401, reason: 'the bearer token is wrong' };
  return { ok: true };
}

/**
 * Constant-time comparison. Both sides are hashed first so their lengths are equal (timingSafeEqual
 * requires it) and the time taken says nothing about the length or any prefix of the token.
 */
export function tokenMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** Is this bind address loopback-only? Then the Host header must name loopback too (DNS rebinding). */
export function isLoopback(bind: string): boolean {
  return bind === 'localhost' || bind === '::1' || /^127\.\d+\.\d+\.\d+$/.test(bind);
}

/**
 * A browser on the operator's machine can be made to send requests to 127.0.0.1 under another
 * site's name (DNS rebinding) and read the answers, i.e. the alert texts. Such a request names
 * the other site in Host; a loopback-bound server answers only to loopback names.
 */
export function hostAllowed(bind: string, host: string | undefined): boolean {
  if (!isLoopback(bind)) return true;
  if (!host) return false;
  const name = host.startsWith('[') ? host.slice(0, host.indexOf(']') + 1) : host.replace(/:\d+$/, '');
  return name === 'localhost' || name === '[::1]' || /^127\.\d+\.\d+\.\d+$/.test(name);
}
