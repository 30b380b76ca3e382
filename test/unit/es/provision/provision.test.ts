import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { NoElasticsearchError, provisionElasticsearch, type ProvisionOptions } from '../../../../src/es/provision/index.ts';
import { commandExists, defaultCacheDir, isCached, localUnavailableReason } from '../../../../src/es/provision/local-distribution.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'logwarden-provision-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

let counter = 0;
const fresh = (name: string): string => {
  const dir = path.join(root, `${name}-${counter++}`);
  mkdirSync(dir, { recursive: true });
  return dir;
};

function fakeJdk(major: number): string {
  const home = fresh(`jdk-${major}`);
  mkdirSync(path.join(home, 'bin'));
  writeFileSync(path.join(home, 'release'), `JAVA_VERSION="${major}.0.1"\n`);
  writeFileSync(path.join(home, 'bin', 'java'), '#!/bin/sh\nexit 0\n');
  chmodSync(path.join(home, 'bin', 'java'), 0o755);
  return home;
}

/** A PATH folder holding only the given commands, each a script that does nothing. */
function binWith(...commands: string[]): string {
  const bin = fresh('bin');
  for (const command of commands) {
    writeFileSync(path.join(bin, command), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(bin, command), 0o755);
  }
  return bin;
}

const VERSION = '8.19.21';
const emptyJvm = fresh('jvm');
const noJava = (): NodeJS.ProcessEnv => ({ ES_JAVA_HOME: fresh('not-a-jdk'), JAVA_HOME: fresh('not-a-jdk-either') });
const noJavaMessage = (jvmDir: string, major = 17): string =>
  `a Java ${major}+ JDK (set ES_JAVA_HOME or JAVA_HOME, or install one under ${jvmDir})`;
const noMavenMessage = (cache: string): string => `Maven (\`mvn\`) to download the distribution, or a cached copy in ${cache}`;

describe('defaultCacheDir', () => {
  const cases: [reason: string, env: NodeJS.ProcessEnv, dir: string][] = [
    ['LOGWARDEN_CACHE_DIR wins', { LOGWARDEN_CACHE_DIR: '/data/cache', XDG_CACHE_HOME: '/xdg' }, '/data/cache'],
    ['XDG_CACHE_HOME is used next, with a logwarden folder', { XDG_CACHE_HOME: '/xdg' }, '/xdg/logwarden'],
    ['an empty LOGWARDEN_CACHE_DIR is ignored', { LOGWARDEN_CACHE_DIR: '', XDG_CACHE_HOME: '/xdg' }, '/xdg/logwarden'],
    ['an empty XDG_CACHE_HOME falls back to ~/.cache', { XDG_CACHE_HOME: '' }, path.join(os.homedir(), '.cache', 'logwarden')],
    ['with neither, ~/.cache/logwarden', {}, path.join(os.homedir(), '.cache', 'logwarden')],
  ];
  it.each(cases)('%s', (_reason, env, dir) => {
    expect(defaultCacheDir(env)).toBe(dir);
  });
});

describe('localUnavailableReason', () => {
  const cachedZip = (): string => {
    const cache = fresh('cache');
    mkdirSync(path.join(cache, 'dist'));
    writeFileSync(path.join(cache, 'dist', `elasticsearch-${VERSION}.zip`), 'zip');
    return cache;
  };
  const cachedHome = (): string => {
    const cache = fresh('cache');
    mkdirSync(path.join(cache, `elasticsearch-${VERSION}`));
    return cache;
  };

  const cases: [
    reason: string,
    setup: () => { version: string; env: NodeJS.ProcessEnv; cache: string },
    expected: (cache: string) => string | undefined,
  ][] = [
    [
      'no Java, no Maven and an empty cache: both are named',
      () => ({ version: VERSION, env: { ...noJava(), PATH: binWith() }, cache: fresh('cache') }),
      (cache) => `missing ${noJavaMessage(emptyJvm)} and ${noMavenMessage(cache)}`,
    ],
    [
      'Java but no Maven and an empty cache: Maven is named',
      () => ({ version: VERSION, env: { JAVA_HOME: fakeJdk(17), PATH: binWith() }, cache: fresh('cache') }),
      (cache) => `missing ${noMavenMessage(cache)}`,
    ],
    [
      'no Java, with Maven on the PATH: Java is named',
      () => ({ version: VERSION, env: { ...noJava(), PATH: binWith('mvn') }, cache: fresh('cache') }),
      () => `missing ${noJavaMessage(emptyJvm)}`,
    ],
    [
      'Java and Maven: nothing is missing',
      () => ({ version: VERSION, env: { JAVA_HOME: fakeJdk(17), PATH: binWith('mvn') }, cache: fresh('cache') }),
      () => undefined,
    ],
    [
      'Java and a cached zip need no Maven',
      () => ({ version: VERSION, env: { JAVA_HOME: fakeJdk(17), PATH: binWith() }, cache: cachedZip() }),
      () => undefined,
    ],
    [
      'Java and an unpacked cached copy need no Maven',
      () => ({ version: VERSION, env: { JAVA_HOME: fakeJdk(17), PATH: binWith() }, cache: cachedHome() }),
      () => undefined,
    ],
    [
      'a cached copy of another version does not count',
      () => ({ version: '9.5.4', env: { JAVA_HOME: fakeJdk(21), PATH: binWith() }, cache: cachedZip() }),
      (cache) => `missing ${noMavenMessage(cache)}`,
    ],
    [
      '9.x with only Java 17 names Java 21',
      () => ({ version: '9.5.4', env: { JAVA_HOME: fakeJdk(17), PATH: binWith('mvn') }, cache: fresh('cache') }),
      () => `missing ${noJavaMessage(emptyJvm, 21)}`,
    ],
    [
      'a PATH that is not set finds no Maven',
      () => ({ version: VERSION, env: { JAVA_HOME: fakeJdk(17) }, cache: fresh('cache') }),
      (cache) => `missing ${noMavenMessage(cache)}`,
    ],
  ];
  it.each(cases)('%s', (_reason, setup, expected) => {
    const { version, env, cache } = setup();
    expect(localUnavailableReason(version, env, cache, emptyJvm)).toBe(expected(cache));
  });

  it('looks for Maven on the PATH of the environment it is given, not on its own', () => {
    expect(commandExists('mvn', { PATH: binWith('mvn') })).toBe(true);
    expect(commandExists('mvn', { PATH: binWith('java') })).toBe(false);
  });

  const cached: [reason: string, setup: () => string, result: boolean][] = [
    ['a downloaded zip is cached', cachedZip, true],
    ['an empty cache folder is not', () => fresh('cache'), false],
    ['an unpacked folder without bin/elasticsearch is not complete', cachedHome, false],
  ];
  it.each(cached)('isCached: %s', (_reason, setup, result) => {
    expect(isCached(setup(), VERSION)).toBe(result);
  });
});

describe('provisionElasticsearch chooses a way without starting anything', () => {
  /** A Docker probe that says no and records that it was asked. */
  const probe = () => {
    const calls: NodeJS.ProcessEnv[] = [];
    return { calls, fn: async (env: NodeJS.ProcessEnv) => (calls.push(env), false) };
  };
  const quiet = { info: () => {} };
  const options = (env: NodeJS.ProcessEnv, p: ReturnType<typeof probe>): ProvisionOptions => ({
    env,
    log: quiet,
    probeDocker: p.fn,
    jvmDir: emptyJvm,
    interactive: false,
  });
  /** An environment where neither Java nor Maven nor a cached copy is found. */
  const bare = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
    ...noJava(),
    PATH: binWith(),
    LOGWARDEN_CACHE_DIR: fresh('cache'),
    ...extra,
  });

  const fromEnv: [reason: string, env: NodeJS.ProcessEnv, connection: Record<string, string>][] = [
    ['ES_URL alone', { ES_URL: 'https://es.example:9200' }, { url: 'https://es.example:9200' }],
    [
      'ES_URL with a username and password',
      { ES_URL: 'http://h:9200', ES_USERNAME: 'elastic', ES_PASSWORD: 'pw' },
      { url: 'http://h:9200', username: 'elastic', password: 'pw' },
    ],
    [
      'ES_URL with a username and no password',
      { ES_URL: 'http://h:9200', ES_USERNAME: 'elastic' },
      { url: 'http://h:9200', username: 'elastic', password: '' },
    ],
    [
      'ES_URL with an API key and a CA',
      { ES_URL: 'https://h', ES_API_KEY: 'k==', ES_CA_CERT: '/ca.pem' },
      { url: 'https://h', apiKey: 'k==', caCertPath: '/ca.pem' },
    ],
    ['ES_URL with LOGWARDEN_ES_PROVIDER=env', { ES_URL: 'http://h:9200', LOGWARDEN_ES_PROVIDER: 'env' }, { url: 'http://h:9200' }],
  ];
  it.each(fromEnv)('uses the cluster of %s, asks nothing of Docker, and never stops it', async (_reason, env, connection) => {
    const p = probe();
    const cluster = await provisionElasticsearch(options(bare(env), p));
    expect(cluster.method).toBe('env');
    expect(cluster.version).toBe('external');
    expect(cluster.connection).toEqual(connection);
    expect(p.calls).toHaveLength(0);
    await expect(cluster.stop()).resolves.toBeUndefined();
    await expect(cluster.stop()).resolves.toBeUndefined();
  });

  const failures: [reason: string, env: NodeJS.ProcessEnv, probed: boolean, expected: (cache: string) => string][] = [
    [
      'Docker forced and not answering: the three ways and what each needs',
      { LOGWARDEN_ES_PROVIDER: 'docker' },
      true,
      (cache) =>
        [
          'No Elasticsearch available (LOGWARDEN_ES_PROVIDER=docker). Provide one of:',
          '  1. ES_URL=https://host:9200 for an existing cluster (optional ES_API_KEY, or ES_USERNAME and ES_PASSWORD, and ES_CA_CERT): ES_URL is not set;',
          '  2. a running Docker engine, used through testcontainers: no Docker daemon answered;',
          `  3. Java and Maven, to run Elasticsearch ${VERSION} from Maven Central: missing ${noJavaMessage(emptyJvm)} and ${noMavenMessage(cache)}.`,
        ].join('\n'),
    ],
    [
      'nothing forced, no Docker, no Java, no Maven, empty cache: the missing Java is named',
      {},
      true,
      (cache) =>
        [
          'No Elasticsearch available. Provide one of:',
          '  1. ES_URL=https://host:9200 for an existing cluster (optional ES_API_KEY, or ES_USERNAME and ES_PASSWORD, and ES_CA_CERT): ES_URL is not set;',
          '  2. a running Docker engine, used through testcontainers: no Docker daemon answered;',
          `  3. Java and Maven, to run Elasticsearch ${VERSION} from Maven Central: missing ${noJavaMessage(emptyJvm)} and ${noMavenMessage(cache)}.`,
        ].join('\n'),
    ],
    [
      'an empty LOGWARDEN_ES_PROVIDER forces nothing: Docker is still asked',
      { LOGWARDEN_ES_PROVIDER: '' },
      true,
      (cache) =>
        [
          'No Elasticsearch available. Provide one of:',
          '  1. ES_URL=https://host:9200 for an existing cluster (optional ES_API_KEY, or ES_USERNAME and ES_PASSWORD, and ES_CA_CERT): ES_URL is not set;',
          '  2. a running Docker engine, used through testcontainers: no Docker daemon answered;',
          `  3. Java and Maven, to run Elasticsearch ${VERSION} from Maven Central: missing ${noJavaMessage(emptyJvm)} and ${noMavenMessage(cache)}.`,
        ].join('\n'),
    ],
    [
      'local forced with ES_URL set: the given cluster is not used and Docker not asked',
      { LOGWARDEN_ES_PROVIDER: 'local', ES_URL: 'http://h:9200' },
      false,
      (cache) =>
        [
          'No Elasticsearch available (LOGWARDEN_ES_PROVIDER=local). Provide one of:',
          '  1. ES_URL=https://host:9200 for an existing cluster (optional ES_API_KEY, or ES_USERNAME and ES_PASSWORD, and ES_CA_CERT);',
          '  2. a running Docker engine, used through testcontainers: not tried;',
          `  3. Java and Maven, to run Elasticsearch ${VERSION} from Maven Central: missing ${noJavaMessage(emptyJvm)} and ${noMavenMessage(cache)}.`,
        ].join('\n'),
    ],
    [
      'env forced without ES_URL: says ES_URL is not set',
      { LOGWARDEN_ES_PROVIDER: 'env', JAVA_HOME: fakeJdk(17), ES_JAVA_HOME: '', PATH: binWith('mvn') },
      false,
      () =>
        [
          'No Elasticsearch available (LOGWARDEN_ES_PROVIDER=env). Provide one of:',
          '  1. ES_URL=https://host:9200 for an existing cluster (optional ES_API_KEY, or ES_USERNAME and ES_PASSWORD, and ES_CA_CERT): ES_URL is not set;',
          '  2. a running Docker engine, used through testcontainers: not tried;',
          `  3. Java and Maven, to run Elasticsearch ${VERSION} from Maven Central: not tried.`,
        ].join('\n'),
    ],
    [
      'a misspelt LOGWARDEN_ES_PROVIDER is refused, naming the choices',
      { LOGWARDEN_ES_PROVIDER: 'dokcer' },
      false,
      () => 'LOGWARDEN_ES_PROVIDER must be one of env, docker, local, got "dokcer"',
    ],
  ];
  it.each(failures)('fails at once when %s', async (_reason, extra, probed, expected) => {
    const p = probe();
    const env = bare(extra);
    const error = await provisionElasticsearch(options(env, p)).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(NoElasticsearchError);
    expect((error as Error).message).toBe(expected(env.LOGWARDEN_CACHE_DIR ?? ''));
    expect(p.calls).toEqual(probed ? [env] : []);
  });

  it('with Docker answering but testcontainers not installed, names the optional package and starts nothing', async () => {
    const env = bare({ LOGWARDEN_ES_PROVIDER: 'docker' });
    let loads = 0;
    const notInstalled = async (): Promise<undefined> => {
      loads++;
      return undefined;
    };
    const docker = { ...options(env, probe()), probeDocker: async () => true, loadDocker: notInstalled };
    const error = (await provisionElasticsearch(docker).catch((e: unknown) => e)) as Error;
    expect(error).toBeInstanceOf(NoElasticsearchError);
    expect(error.message).toContain(
      '  2. a running Docker engine, used through testcontainers: Docker answers, but the optional package @testcontainers/elasticsearch is not installed (install without --omit=optional);',
    );
    expect(loads).toBe(1);
  });

  it('loads testcontainers, an optional dependency that a development install has', () => {
    // In a Node process of its own: undici, which testcontainers loads, does not start inside jest's VM.
    const root = fileURLToPath(new URL('../../../../', import.meta.url));
    const script =
      "const { loadDockerSupport } = await import('./src/es/provision/docker.ts'); console.log(typeof (await loadDockerSupport())?.ElasticsearchContainer);";
    expect(execFileSync(process.execPath, ['--input-type=module', '-e', script], { cwd: root, encoding: 'utf8' }).trim()).toBe('function');
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, Record<string, string> | undefined>;
    expect(Object.keys(pkg.optionalDependencies ?? {})).toEqual(
      expect.arrayContaining(['@testcontainers/elasticsearch', 'testcontainers']),
    );
    expect(Object.keys(pkg.devDependencies ?? {})).not.toContain('@testcontainers/elasticsearch');
  });

  it('names the Elasticsearch version it would start, and the Java that version needs', async () => {
    const env = bare({ LOGWARDEN_ES_VERSION: '9.5.4', LOGWARDEN_ES_PROVIDER: 'local' });
    const error = (await provisionElasticsearch(options(env, probe())).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain('to run Elasticsearch 9.5.4 from Maven Central: missing a Java 21+ JDK');
  });
});
