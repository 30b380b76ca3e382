import { randomBytes } from 'node:crypto';
import { createEsClient, type EsHandle } from '../../src/es/client.ts';
import { connectionFromEnv } from '../../src/es/provision/index.ts';
import { settingsFromConnection } from '../../src/es/client.ts';

/** A client for the cluster the global setup provisioned. */
export function testEs(): EsHandle {
  const connection = connectionFromEnv(process.env);
  if (!connection) throw new Error('ES_URL is not set: integration tests run through the jest global setup');
  return createEsClient(settingsFromConnection(connection));
}

/** A unique, lowercase index or writeback name per test so tests never share state. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}
