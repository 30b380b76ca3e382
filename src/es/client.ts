import { Client, type ClientOptions } from '@elastic/elasticsearch';
import { readFileSync } from 'node:fs';
import type { EsSettings } from '../config/load-config.ts';
import { classifyEsError, EsError } from './errors.ts';
import { secretForms } from './secrets.ts';
import type { EsConnection } from './provision/types.ts';

export type { Client } from '@elastic/elasticsearch';

/** The client and the secrets its errors must never show. */
export interface EsHandle {
  client: Client;
  url: string;
  secrets: readonly string[];
  close(): Promise<void>;
}

/** Settings from a provisioned or ES_URL connection, with our defaults. */
export function settingsFromConnection(c: EsConnection): EsSettings {
  return {
    url: c.url,
    ...(c.username ? { username: c.username, password: c.password ?? '' } : {}),
    ...(c.apiKey ? { apiKey: c.apiKey } : {}),
    ...(c.caCertPath ? { caCertPath: c.caCertPath } : {}),
    verifyCerts: true,
    requestTimeoutMs: 20_000,
  };
}

/**
 * Builds the one client LogWarden uses. Auth: API key, else bearer token, else basic. TLS
 * verifies certificates unless `verifyCerts` is false; a CA file adds a trusted root. The
 * client retries a connection failure only once: retries of whole runs belong to the scheduler.
 */
export function createEsClient(settings: EsSettings, extra: Partial<ClientOptions> = {}): EsHandle {
  const secrets = secretForms(settings);
  let auth: ClientOptions['auth'];
  if (settings.apiKey) auth = { apiKey: settings.apiKey };
  else if (settings.bearer) auth = { bearer: settings.bearer };
  else if (settings.username) auth = { username: settings.username, password: settings.password ?? '' };

  // Named here: some errors (EISDIR) carry no path of their own.
  const read = (what: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? 'unreadable';
      throw new EsError('bad_request', `cannot read the ${what} file for Elasticsearch (${code}): ${file}`);
    }
  };
  const tls: ClientOptions['tls'] = {
    rejectUnauthorized: settings.verifyCerts,
    ...(settings.caCertPath ? { ca: read('CA certificate', settings.caCertPath) } : {}),
    ...(settings.clientCertPath ? { cert: read('client certificate', settings.clientCertPath) } : {}),
    ...(settings.clientKeyPath ? { key: read('client key', settings.clientKeyPath) } : {}),
  };

  let client: Client;
  try {
    client = new Client({
      // es_hosts: more nodes of the same cluster; the client spreads requests over them and skips dead ones.
      ...(settings.extraUrls?.length ? { nodes: [settings.url, ...settings.extraUrls] } : { node: settings.url }),
      ...(auth ? { auth } : {}),
      tls,
      requestTimeout: settings.requestTimeoutMs,
      maxRetries: 1,
      ...extra,
    });
  } catch (error) {
    throw classifyEsError(error, 'configuring the Elasticsearch client', secrets);
  }
  return { client, url: redactUrl(settings.url), secrets, close: () => client.close() };
}

function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = '***';
      u.password = '***';
    }
    return u.toString().replace(/\/$/, '');
  } catch {
    return '(invalid URL)';
  }
}

/** Runs one request and converts any failure into a classified, redacted EsError. */
export async function esCall<T>(handle: EsHandle, what: string, call: (client: Client) => Promise<T>): Promise<T> {
  try {
    return await call(handle.client);
  } catch (error) {
    throw classifyEsError(error, what, handle.secrets);
  }
}

/** The version of the node we talk to. `GET /` is not used: minimal distributions lack it. */
export async function clusterVersion(handle: EsHandle): Promise<string> {
  const info = await esCall(handle, 'reading the cluster version', (c) =>
    c.nodes.info({ node_id: '_local', metric: '_none', filter_path: 'nodes.*.version' }),
  );
  const nodes = (info as { nodes?: Record<string, { version?: string }> }).nodes ?? {};
  return Object.values(nodes)[0]?.version ?? 'unknown';
}
