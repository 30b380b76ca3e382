import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';

export interface JavaHome {
  home: string;
  major: number;
}

export const DEFAULT_JVM_DIR = '/usr/lib/jvm';

/** The Java major version an Elasticsearch release needs: 8.x runs on 17, 9.x needs 21. */
export function requiredJavaMajor(esVersion: string): number {
  const major = Number.parseInt(esVersion.split('.')[0] ?? '', 10);
  return major >= 9 ? 21 : 17;
}

/** Reads the major version from a JDK's `release` file (JAVA_VERSION="17.0.15"). */
export function javaMajorOf(home: string): number | undefined {
  const releaseFile = path.join(home, 'release');
  if (!existsSync(path.join(home, 'bin', 'java')) || !existsSync(releaseFile)) return undefined;
  const match = /^JAVA_VERSION="(\d+)(?:\.(\d+))?/m.exec(readFileSync(releaseFile, 'utf8'));
  if (!match) return undefined;
  const first = Number(match[1]);
  // Java 8 and older report "1.8.0".
  return first === 1 ? Number(match[2]) : first;
}

/**
 * Picks a JDK for Elasticsearch: ES_JAVA_HOME, then JAVA_HOME, then the JDKs under /usr/lib/jvm
 * from the oldest that is new enough, so 8.x keeps running on the Java 17 it is tested with most.
 */
export function findJava(minMajor: number, env: NodeJS.ProcessEnv, jvmDir = DEFAULT_JVM_DIR): JavaHome | undefined {
  const explicit = [env.ES_JAVA_HOME, env.JAVA_HOME].filter((h): h is string => Boolean(h));
  const discovered = existsSync(jvmDir) ? readdirSync(jvmDir).map((name) => path.join(jvmDir, name)) : [];
  const candidates: JavaHome[] = [];
  for (const home of [...explicit, ...discovered]) {
    const major = javaMajorOf(home);
    if (major !== undefined && major >= minMajor) candidates.push({ home, major });
  }
  const fromEnv = candidates.find((c) => explicit.includes(c.home));
  if (fromEnv) return fromEnv;
  return candidates.sort((a, b) => a.major - b.major)[0];
}
