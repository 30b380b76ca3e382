import { loadConfig } from '../../config/load-config.ts';
import { clusterVersion, createEsClient, settingsFromConnection } from '../../es/client.ts';
import { provisionElasticsearch, type ProvisionedCluster } from '../../es/provision/index.ts';
import { initWriteback } from '../../writeback/init.ts';
import type { CliIO } from '../io.ts';

export interface InitOptions {
  config?: string;
  provision?: boolean;
}

/**
 * Connects, creates the writeback indices (idempotent) and reports the cluster version. With
 * --provision it first starts an Elasticsearch the way the tests do, and stops it at the end.
 */
export async function initCommand(opts: InitOptions, io: CliIO): Promise<number> {
  const config = loadConfig({ file: opts.config, env: io.env });
  let cluster: ProvisionedCluster | undefined;
  let settings = config.es;
  if (opts.provision) {
    cluster = await provisionElasticsearch({ env: io.env, log: { info: (m) => io.err(`[elasticsearch] ${m}`) } });
    io.onStop(() => cluster?.stop());
    settings = settingsFromConnection(cluster.connection);
  }
  if (!settings) {
    io.err('No Elasticsearch configured: set es_url (or es_host and es_port) in config.yaml, or the ES_URL environment variable, or pass --provision.');
    return 2;
  }
  const es = createEsClient(settings);
  try {
    const version = await clusterVersion(es);
    io.out(`Connected to Elasticsearch ${version} at ${es.url}`);
    for (const r of await initWriteback(es, config.writebackIndex)) io.out(`  ${r.index.padEnd(32)} ${r.action}`);
    io.out(`Writeback indices ready (base name "${config.writebackIndex}").`);
    return 0;
  } finally {
    await es.close();
    await cluster?.stop();
  }
}
