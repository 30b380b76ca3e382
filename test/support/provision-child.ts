// Started by the provisioning test: provisions a local cluster, reports it, then waits to be killed.
import { provisionElasticsearch } from '../../src/es/provision/index.ts';

const cluster = await provisionElasticsearch({ log: { info: (m) => process.stdout.write(`LOG ${m}\n`) } });
process.stdout.write(`UP ${cluster.connection.url}\n`);
setInterval(() => {}, 1 << 30);
