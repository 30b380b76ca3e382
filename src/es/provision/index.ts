import { DOCKER_SUPPORT_PACKAGE, dockerReachable, loadDockerSupport, startDocker, type DockerSupport } from './docker.ts';
import { defaultCacheDir, localUnavailableReason, startLocal } from './local-distribution.ts';
import { DEFAULT_ES_VERSION, type EsConnection, type ProvisionedCluster, type ProvisionLog } from './types.ts';

export type { EsConnection, ProvisionedCluster, ProvisionLog, ProvisionMethod } from './types.ts';
export { DEFAULT_ES_VERSION } from './types.ts';

export interface ProvisionOptions {
  env?: NodeJS.ProcessEnv;
  /** Elasticsearch version to start when we start one; default $LOGWARDEN_ES_VERSION or DEFAULT_ES_VERSION. */
  version?: string;
  log?: ProvisionLog;
  interactive?: boolean;
  /** Injected in tests; defaults to pinging the Docker socket. */
  probeDocker?: (env: NodeJS.ProcessEnv) => Promise<boolean>;
  /** Injected in tests; defaults to importing the optional testcontainers package. */
  loadDocker?: () => Promise<DockerSupport | undefined>;
  /** Where installed JDKs are looked for; default /usr/lib/jvm. Injected in tests. */
  jvmDir?: string;
}

const PROVIDERS = ['env', 'docker', 'local'] as const;

export class NoElasticsearchError extends Error {
  override name = 'NoElasticsearchError';
}

/** Connection details from ES_URL and friends, or undefined when ES_URL is not set. */
export function connectionFromEnv(env: NodeJS.ProcessEnv): EsConnection | undefined {
  if (!env.ES_URL) return undefined;
  return {
    url: env.ES_URL,
    ...(env.ES_API_KEY ? { apiKey: env.ES_API_KEY } : {}),
    ...(env.ES_USERNAME ? { username: env.ES_USERNAME, password: env.ES_PASSWORD ?? '' } : {}),
    ...(env.ES_CA_CERT ? { caCertPath: env.ES_CA_CERT } : {}),
  };
}

/**
 * One way to get an Elasticsearch for tests, the demo and benchmarks, tried in this order:
 * ES_URL (an existing cluster, never stopped by us), a reachable Docker engine (testcontainers),
 * the integ-test-zip distribution from Maven Central run on a local JDK. With none available it
 * fails at once and says what each way needs. LOGWARDEN_ES_PROVIDER=env|docker|local forces one.
 */
export async function provisionElasticsearch(options: ProvisionOptions = {}): Promise<ProvisionedCluster> {
  const env = options.env ?? process.env;
  const log = options.log ?? { info: (m: string) => process.stderr.write(`[elasticsearch] ${m}\n`) };
  const version = options.version ?? env.LOGWARDEN_ES_VERSION ?? DEFAULT_ES_VERSION;
  // An empty value (`LOGWARDEN_ES_PROVIDER=`) forces nothing; a misspelt one must not silently skip every way.
  const forced = env.LOGWARDEN_ES_PROVIDER || undefined;
  if (forced !== undefined && !(PROVIDERS as readonly string[]).includes(forced)) {
    throw new NoElasticsearchError(`LOGWARDEN_ES_PROVIDER must be one of ${PROVIDERS.join(', ')}, got ${JSON.stringify(forced)}`);
  }
  const probeDocker = options.probeDocker ?? dockerReachable;

  const fromEnv = connectionFromEnv(env);
  if (fromEnv && (!forced || forced === 'env')) {
    return { method: 'env', connection: fromEnv, version: 'external', stop: async () => {} };
  }
  const cacheDir = defaultCacheDir(env);
  const localProblem = localUnavailableReason(version, env, cacheDir, options.jvmDir);
  const dockerUp = forced === undefined || forced === 'docker' ? await probeDocker(env) : false;
  const docker = dockerUp ? await (options.loadDocker ?? loadDockerSupport)() : undefined;
  if (docker) return startDocker(docker, version, log);
  const dockerProblem = dockerUp
    ? `Docker answers, but the optional package ${DOCKER_SUPPORT_PACKAGE} is not installed (install without --omit=optional)`
    : 'no Docker daemon answered';
  if (dockerUp && forced === undefined && localProblem === undefined) log.info(`${dockerProblem}: using the local distribution`);
  if ((forced === undefined || forced === 'local') && localProblem === undefined) {
    const interactive = options.interactive ?? Boolean(process.stderr.isTTY);
    return startLocal({ version, cacheDir, env, log, interactive, ...(options.jvmDir ? { jvmDir: options.jvmDir } : {}) });
  }
  throw new NoElasticsearchError(
    [
      `No Elasticsearch available${forced ? ` (LOGWARDEN_ES_PROVIDER=${forced})` : ''}. Provide one of:`,
      `  1. ES_URL=https://host:9200 for an existing cluster (optional ES_API_KEY, or ES_USERNAME and ES_PASSWORD, and ES_CA_CERT)${fromEnv ? '' : ': ES_URL is not set'};`,
      `  2. a running Docker engine, used through testcontainers: ${forced && forced !== 'docker' ? 'not tried' : dockerProblem};`,
      `  3. Java and Maven, to run Elasticsearch ${version} from Maven Central: ${localProblem ?? 'not tried'}.`,
    ].join('\n'),
  );
}
