// `node scripts/bench/es.ts [version] [--heap 1g]`: a local Elasticsearch for benchmarking, kept
// apart from the one tests use so neither disturbs the other's figures. Prints ES_URL and
// credentials, runs until Ctrl-C or SIGTERM. Same as scripts/es.ts start, with a heap size.
import { parseArgs } from 'node:util';
import { defaultCacheDir, startLocal } from '../../src/es/provision/local-distribution.ts';
import { DEFAULT_ES_VERSION } from '../../src/es/provision/types.ts';

const { positionals, values } = parseArgs({ allowPositionals: true, options: { heap: { type: 'string', default: '1g' } } });
const version = positionals[0] ?? process.env.LOGWARDEN_ES_VERSION ?? DEFAULT_ES_VERSION;
const log = { info: (m: string) => process.stderr.write(`[elasticsearch] ${m}\n`) };
const cluster = await startLocal({
  version,
  cacheDir: defaultCacheDir(process.env),
  env: process.env,
  log,
  interactive: false,
  heap: values.heap,
});
const c = cluster.connection;
process.stdout.write(`ES_URL=${c.url}\nES_USERNAME=${c.username ?? ''}\nES_PASSWORD=${c.password ?? ''}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => void cluster.stop().then(() => process.exit(0)));
setInterval(() => {}, 1 << 30);
