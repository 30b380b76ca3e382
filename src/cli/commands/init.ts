import { loadConfig } from '../../config/load-config.ts';
import { clusterVersion, createEsClient, settingsFromConnection } from '../../es/client.ts';
import { provisionElasticsearch, type ProvisionedCluster } from '../../es/provision/index.ts';
import { initWriteback } from '../../writeback/init.ts';
import { copyWriteback, deleteWriteback } from '../../writeback/recreate.ts';
import type { CliIO } from '../io.ts';

export interface InitOptions {
  config?: string;
  provision?: boolean;
  /** elastalert-create-index --recreate: delete the writeback indices first (their data is lost). */
  recreate?: boolean;
  /** elastalert-create-index --old-index: copy the writeback of this older base name into the new one. */
  oldIndex?: string;
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
    io.err(
      'No Elasticsearch configured: set es_url (or es_host and es_port) in config.yaml, or the ES_URL environment variable, or pass --provision.',
    );
    return 2;
  }
  const es = createEsClient(settings);
  try {
    const version = await clusterVersion(es);
    io.out(`Connected to Elasticsearch ${version} at ${es.url}`);
    if (opts.oldIndex !== undefined && opts.oldIndex === config.writebackIndex) {
      io.err(`--old-index ${opts.oldIndex} is the writeback index itself; give the old base name to copy from.`);
      return 2;
    }
    if (opts.recreate) for (const index of await deleteWriteback(es, config.writebackIndex)) io.out(`  ${index.padEnd(32)} deleted`);
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
          'Fix: stop LogWarden, copy what you want to keep with `logwarden init --old-index`, or re-create them with `logwarden init --recreate` (this deletes their history); index templates now give any re-created index the right mapping.',
      );
      return 1;
    }
    if (opts.oldIndex !== undefined) {
      const copies = await copyWriteback(es, opts.oldIndex, config.writebackIndex);
      if (copies.length === 0) io.err(`No writeback index of "${opts.oldIndex}" found; nothing copied.`);
      for (const c of copies)
        io.out(`  ${c.to.padEnd(32)} ${c.copied} copied from ${c.from}${c.failed ? `, ${c.failed} refused by the mapping` : ''}`);
      if (copies.some((c) => c.failed > 0)) return 1;
    }
    io.out(
      `Writeback indices ready (base name "${config.writebackIndex}"); index templates installed so a deleted index is re-created with the right mappings.`,
    );
    return 0;
  } finally {
    await es.close();
    await cluster?.stop();
  }
}
