// Starts one Elasticsearch for the whole integration run (or uses ES_URL) and hands its
// address to the test workers through the environment, which they inherit.
import { provisionElasticsearch, type ProvisionedCluster } from '../../src/es/provision/index.ts';
import { prepareTestRun } from './test-run.ts';

declare global {
  var __LOGWARDEN_CLUSTER__: ProvisionedCluster | undefined;
}

export default async function globalSetup(): Promise<void> {
  prepareTestRun();
  const cluster = await provisionElasticsearch();
  globalThis.__LOGWARDEN_CLUSTER__ = cluster;
  const c = cluster.connection;
  process.env.ES_URL = c.url;
  if (c.username) process.env.ES_USERNAME = c.username;
  if (c.password) process.env.ES_PASSWORD = c.password;
  if (c.apiKey) process.env.ES_API_KEY = c.apiKey;
  if (c.caCertPath) process.env.ES_CA_CERT = c.caCertPath;
  process.env.LOGWARDEN_TEST_ES_METHOD = cluster.method;
  process.stderr.write(`\n[integration] Elasticsearch ${cluster.version} via ${cluster.method} at ${c.url}\n`);
}
