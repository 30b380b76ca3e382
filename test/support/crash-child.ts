// Runs every rule once with the real engine, and kills itself with SIGKILL at the delivery step
// named in CRASH_AT: the crash tests then start this again without CRASH_AT and count deliveries.
import { resolveConfig } from '../../src/config/load-config.ts';
import { createEsClient, settingsFromConnection } from '../../src/es/client.ts';
import { connectionFromEnv } from '../../src/es/provision/index.ts';
import { Engine } from '../../src/engine.ts';
import { silentLogger } from '../../src/log.ts';
import { ManualClock } from '../../src/schedule/clock.ts';
import { initWriteback } from '../../src/writeback/init.ts';

const env = process.env;
const connection = connectionFromEnv(env);
if (!connection) throw new Error('ES_URL is not set');
const es = createEsClient(settingsFromConnection(connection));
const config = resolveConfig(
  { rules_folder: env.RULES ?? '', writeback_index: env.WB ?? '', buffer_time: { minutes: 30 } },
  { file: undefined, env: {}, cwd: process.cwd() },
);
await initWriteback(es, config.writebackIndex);
const die = (step: string) => (): void => {
  if (env.CRASH_AT === step) process.kill(process.pid, 'SIGKILL');
};
const engine = new Engine({
  config,
  es,
  log: silentLogger(),
  clock: new ManualClock(Number(env.NOW)),
  env: {},
  out: (text) => process.stdout.write(`${text}\n`),
  hooks: {
    afterAlertRecorded: die('afterAlertRecorded'),
    afterPeerAccepted: die('afterPeerAccepted'),
    afterDeliveryMarked: die('afterDeliveryMarked'),
  },
});
engine.loadRules();
await engine.runAllOnce();
die('afterRun')();
await es.close();
