import http from 'node:http';
import { randomBytes } from 'node:crypto';
import type { ProvisionedCluster, ProvisionLog } from './types.ts';

/** Docker answers /_ping within the timeout (the client binary alone is not enough). */
export function dockerReachable(env: NodeJS.ProcessEnv, timeoutMs = 1500): Promise<boolean> {
  const host = env.DOCKER_HOST ?? 'unix:///var/run/docker.sock';
  const target: http.RequestOptions = host.startsWith('unix://')
    ? { socketPath: host.slice('unix://'.length) }
    : (() => {
        const u = new URL(host.replace(/^tcp:/, 'http:'));
        return { host: u.hostname, port: u.port };
      })();
  return new Promise((resolve) => {
    const req = http.request({ ...target, path: '/_ping', method: 'GET', timeout: timeoutMs }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
    req.on('error', () => resolve(false));
    req.end();
  });
}

export type DockerSupport = typeof import('@testcontainers/elasticsearch');

/** The package named in messages when Docker answers but LogWarden cannot drive it. */
export const DOCKER_SUPPORT_PACKAGE = '@testcontainers/elasticsearch';

/**
 * testcontainers, or undefined when it is not installed. It is an optional dependency: `npm
 * install logwarden` brings it, so `logwarden demo` and `logwarden test` can start Elasticsearch
 * in Docker, while `--omit=optional` (the Docker image, which never provisions) leaves its large
 * tree out. Imported only when Docker is the chosen way, so nothing else pays for loading it.
 */
export async function loadDockerSupport(): Promise<DockerSupport | undefined> {
  try {
    return await import('@testcontainers/elasticsearch');
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_MODULE_NOT_FOUND') return undefined;
    throw error;
  }
}

/** Starts the official image through testcontainers; Ryuk removes it even if we are killed. */
export async function startDocker(support: DockerSupport, version: string, log: ProvisionLog): Promise<ProvisionedCluster> {
  const { ElasticsearchContainer } = support;
  log.info(`Starting docker.elastic.co/elasticsearch/elasticsearch:${version} with testcontainers`);
  const container = await new ElasticsearchContainer(`docker.elastic.co/elasticsearch/elasticsearch:${version}`)
    .withPassword(randomBytes(18).toString('base64url'))
    .withEnvironment({ ES_JAVA_OPTS: '-Xms512m -Xmx512m', 'action.destructive_requires_name': 'false' })
    .start();
  let stopped: Promise<unknown> | undefined;
  return {
    method: 'docker',
    connection: { url: container.getHttpUrl(), username: container.getUsername(), password: container.getPassword() },
    version,
    stop: async () => {
      stopped ??= container.stop();
      await stopped;
    },
  };
}
