// Development helper: `node scripts/es.ts fetch` caches the distribution; `start` runs a cluster
// in the foreground and prints how to reach it, until Ctrl-C.
import { provisionElasticsearch } from '../src/es/provision/index.ts';
import { defaultCacheDir, ensureDistribution } from '../src/es/provision/distribution.ts';
import { DEFAULT_ES_VERSION } from '../src/es/provision/types.ts';

const command = process.argv[2] ?? 'start';
const version = process.argv[3] ?? process.env.LOGWARDEN_ES_VERSION ?? DEFAULT_ES_VERSION;
const log = { info: (m: string) => process.stderr.write(`[elasticsearch] ${m}\n`) };

if (command === 'fetch') {
  const home = await ensureDistribution({
    version,
    cacheDir: defaultCacheDir(process.env),
    log,
    interactive: Boolean(process.stderr.isTTY),
  });
  process.stdout.write(`${home}\n`);
} else if (command === 'start') {
  const cluster = await provisionElasticsearch({ version, log });
  const c = cluster.connection;
  process.stdout.write(`ES_URL=${c.url}\n${c.username ? `ES_USERNAME=${c.username}\nES_PASSWORD=${c.password}\n` : ''}`);
  const stop = async (): Promise<void> => {
    await cluster.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop());
  process.on('SIGTERM', () => void stop());
  setInterval(() => {}, 1 << 30);
} else {
  process.stderr.write('usage: node scripts/es.ts fetch|start [version]\n');
  process.exit(2);
}
