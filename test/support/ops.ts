import type { estypes } from '@elastic/elasticsearch';
import { Engine } from '../../src/engine.ts';
import type { EsHandle } from '../../src/es/client.ts';
import { silentLogger } from '../../src/log.ts';
import { Metrics } from '../../src/ops/metrics.ts';
import { startOpsServer, type OpsServer } from '../../src/ops/server.ts';
import type { OpsSettings } from '../../src/ops/settings.ts';
import { ManualClock } from '../../src/schedule/clock.ts';
import { initWriteback } from '../../src/writeback/init.ts';
import { rulesFolder, testConfig } from './engine.ts';

export interface OpsFixture {
  engine: Engine;
  metrics: Metrics;
  clock: ManualClock;
  server: OpsServer;
  printed: string[];
  close(): Promise<void>;
}

/**
 * An engine wired as `logwarden run` wires it (metrics observer, Elasticsearch error counting,
 * pending-deliveries gauge) plus its ops server on a kernel-chosen loopback port.
 */
export async function opsFixture(
  es: EsHandle,
  options: { rules: Record<string, string>; writeback: string; nowMs: number; settings?: Partial<OpsSettings>; init?: boolean },
): Promise<OpsFixture> {
  const config = testConfig(rulesFolder(options.rules), options.writeback);
  if (options.init !== false) await initWriteback(es, config.writebackIndex);
  const clock = new ManualClock(options.nowMs);
  const printed: string[] = [];
  const metrics = new Metrics({ defaultMetrics: false, pendingCacheMs: 0 });
  const engine = new Engine({ config, es, log: silentLogger(), clock, env: {}, out: (t) => printed.push(t), observer: metrics });
  engine.loadRules();
  metrics.initRules(engine.ruleNames());
  const stopWatching = metrics.watchElasticsearch(es);
  metrics.setPendingSource(() => engine.stores.outbox.pendingCount());
  const server = await startOpsServer({
    settings: { enabled: true, port: 0, bind: '127.0.0.1', statusPage: true, actions: false, token: undefined, ...options.settings },
    engine,
    metrics,
    log: silentLogger(),
    readinessCacheMs: 0,
  });
  return {
    engine,
    metrics,
    clock,
    server,
    printed,
    close: async () => {
      stopWatching();
      await server.close();
      await engine.stop();
    },
  };
}

/** The value of one series in a Prometheus text exposition. */
export function metricValue(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

/** A log index whose strings are keywords, so term filters and query_key work on any field. */
export async function keywordIndex(es: EsHandle, index: string, properties: Record<string, estypes.MappingProperty> = {}): Promise<void> {
  await es.client.indices.create({
    index,
    mappings: {
      dynamic_templates: [{ s: { match_mapping_type: 'string', mapping: { type: 'keyword' } } }],
      properties: { '@timestamp': { type: 'date' }, ...properties },
    },
  });
}
