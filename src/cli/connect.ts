import { loadConfig, type LogWardenConfig } from '../config/load-config.ts';
import { createEsClient, type EsHandle } from '../es/client.ts';
import { EsError } from '../es/errors.ts';
import { initWriteback } from '../writeback/init.ts';
import type { CliIO } from './io.ts';

/** Config plus a client for it; the writeback indices are created when missing. */
export async function connect(configFile: string | undefined, io: CliIO): Promise<{ config: LogWardenConfig; es: EsHandle }> {
  const { config, es } = openEs(configFile, io);
  for (const r of await initWriteback(es, config.writebackIndex)) {
    if (r.action === 'wrong') io.err(`writeback index ${r.index} is not as LogWarden needs: ${r.problems.join('; ')} (see logwarden init)`);
  }
  return { config, es };
}

/** Config plus a client for it, without a request yet (`run` waits for a cluster that is not up). */
export function openEs(configFile: string | undefined, io: CliIO): { config: LogWardenConfig; es: EsHandle } {
  const config = loadConfig({ file: configFile, env: io.env });
  if (!config.es) {
    throw new EsError(
      'bad_request',
      'No Elasticsearch configured: set es_url (or es_host and es_port) in config.yaml, or the ES_URL environment variable.',
    );
  }
  return { config, es: createEsClient(config.es) };
}

// Kept for importers from before the move; new code imports src/config/time.ts (the CLI is a user
// of backtest, so backtest must not import the CLI).
export { parseTime } from '../config/time.ts';
