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
 * Connects, creates the writeback indices and their index templates (idempotent), verifies the
 * mappings and settings of existing ones (exit 1 when one is wrong) and reports the cluster version. With
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
    const warnings: string[] = [];
    const results = await initWriteback(es, config.writebackIndex, { warnings });
    for (const r of results) {
      io.out(`  ${r.index.padEnd(32)} ${r.action}`);
      for (const p of r.problems) io.out(`      ${p}`);
    }
    for (const w of warnings) io.err(`Warning: ${w}`);
    const wrong = results.filter((r) => r.action === 'wrong');
    if (wrong.length > 0) {
      // Changing a field's type needs a new index: say how, do not do it (it holds alert history).
      io.err(
        `${wrong.length} writeback ${wrong.length === 1 ? 'index is' : 'indices are'} not as LogWarden needs (above). Alerts may fail to be recorded. ` +
          'Fix: stop LogWarden, re-index what you want to keep elsewhere, delete the index and run logwarden init again (index templates now give any re-created index the right mapping).',
      );
      return 1;
    }
    io.out(`Writeback indices ready (base name "${config.writebackIndex}"); index templates installed so a deleted index is re-created with the right mappings.`);
    return 0;
  } finally {
    await es.close();
    await cluster?.stop();
  }
}
