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
    req.on('timeout', () => { req.destroy(); resolve(false); });
    req.on('error', () => resolve(false));
    req.end();
  });
}

/** Starts the official image through testcontainers; Ryuk removes it even if we are killed. */
export async function startDocker(version: string, log: ProvisionLog): Promise<ProvisionedCluster> {
  // testcontainers is a development dependency: imported only when Docker is the chosen way.
  const { ElasticsearchContainer } = await import('@testcontainers/elasticsearch');
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
    stop: async () => { stopped ??= container.stop(); await stopped; },
  };
}
