import { afterAll, describe, expect, it } from '@jest/globals';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findJava, javaMajorOf, requiredJavaMajor } from '../../../../src/es/provision/java.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'logwarden-java-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder shaped like a JDK: a `release` file (when given) and an executable bin/java (when wanted). */
function fakeJdk(where: string, release: string | undefined, withJava = true): string {
  const home = path.join(root, where);
  mkdirSync(path.join(home, 'bin'), { recursive: true });
  if (release !== undefined) writeFileSync(path.join(home, 'release'), release);
  if (withJava) {
    writeFileSync(path.join(home, 'bin', 'java'), '#!/bin/sh\nexit 0\n');
    chmodSync(path.join(home, 'bin', 'java'), 0o755);
  }
  return home;
}
const release = (version: string): string => `IMPLEMENTOR="Eclipse Adoptium"\nJAVA_VERSION="${version}"\nOS_NAME="Linux"\n`;

describe('requiredJavaMajor', () => {
  const cases: [reason: string, esVersion: string, major: number][] = [
    ['8.x runs on Java 17', '8.19.21', 17],
    ['an early 8.x also on 17', '8.0.0', 17],
    ['7.x is given 17 as well', '7.17.0', 17],
    ['9.x needs Java 21', '9.5.4', 21],
    ['a later major needs at least 21', '10.0.0', 21],
    ['an unparsable version falls back to 17', 'latest', 17],
  ];
  it.each(cases)('%s', (_reason, esVersion, major) => {
    expect(requiredJavaMajor(esVersion)).toBe(major);
  });
});

describe('javaMajorOf', () => {
  const cases: [reason: string, home: () => string, major: number | undefined][] = [
    ['a modern version string gives its first number', () => fakeJdk('m-17', release('17.0.15')), 17],
    ['a bare major version', () => fakeJdk('m-21', release('21')), 21],
    ['a feature release', () => fakeJdk('m-25', release('25.0.1')), 25],
    ['Java 8 reports itself as 1.8', () => fakeJdk('m-8', release('1.8.0_392')), 8],
    ['a release file without JAVA_VERSION is not a JDK we can use', () => fakeJdk('m-none', 'IMPLEMENTOR="x"\n'), undefined],
    ['a folder without a release file is not a JDK', () => fakeJdk('m-norelease', undefined), undefined],
    ['a folder without bin/java is not a JDK', () => fakeJdk('m-nojava', release('17.0.1'), false), undefined],
    ['a folder that does not exist is not a JDK', () => path.join(root, 'does-not-exist'), undefined],
  ];
  it.each(cases)('%s', (_reason, home, major) => {
    expect(javaMajorOf(home())).toBe(major);
  });
});

describe('findJava', () => {
  // One folder of installed JDKs, as under /usr/lib/jvm.
  const jvm = path.join(root, 'jvm');
  fakeJdk('jvm/jdk-11', release('11.0.2'));
  const jdk17 = fakeJdk('jvm/jdk-17', release('17.0.15'));
  const jdk21 = fakeJdk('jvm/jdk-21', release('21.0.7'));
  const jdk25 = fakeJdk('jvm/jdk-25', release('25.0.1'));
  fakeJdk('jvm/broken', undefined);
  writeFileSync(path.join(jvm, 'README'), 'not a JDK');
  const own21 = fakeJdk('own/jdk-21', release('21.0.1'));
  const own17 = fakeJdk('own/jdk-17', release('17.0.2'));
  const own11 = fakeJdk('own/jdk-11', release('11.0.9'));
  const empty = path.join(root, 'empty-jvm');
  mkdirSync(empty);

  const cases: [
    reason: string,
    minMajor: number,
    env: NodeJS.ProcessEnv,
    jvmDir: string,
    found: { home: string; major: number } | undefined,
  ][] = [
    ['the oldest installed JDK that is new enough, so 8.x keeps its Java 17', 17, {}, jvm, { home: jdk17, major: 17 }],
    ['the oldest installed JDK new enough for 9.x', 21, {}, jvm, { home: jdk21, major: 21 }],
    ['nothing when every installed JDK is too old', 26, {}, jvm, undefined],
    ['ES_JAVA_HOME before the installed ones, even if newer', 17, { ES_JAVA_HOME: own21 }, jvm, { home: own21, major: 21 }],
    ['ES_JAVA_HOME before JAVA_HOME', 17, { ES_JAVA_HOME: own21, JAVA_HOME: own17 }, jvm, { home: own21, major: 21 }],
    ['JAVA_HOME when ES_JAVA_HOME is not set', 17, { JAVA_HOME: own17 }, jvm, { home: own17, major: 17 }],
    ['JAVA_HOME when ES_JAVA_HOME is too old', 17, { ES_JAVA_HOME: own11, JAVA_HOME: own21 }, jvm, { home: own21, major: 21 }],
    ['an installed JDK when both homes are too old', 21, { ES_JAVA_HOME: own11, JAVA_HOME: own17 }, jvm, { home: jdk21, major: 21 }],
    [
      'an installed JDK when the homes are not JDKs',
      17,
      { ES_JAVA_HOME: empty, JAVA_HOME: path.join(root, 'nowhere') },
      jvm,
      { home: jdk17, major: 17 },
    ],
    ['nothing when there are no homes and the JDK folder is empty', 17, {}, empty, undefined],
    ['nothing when the JDK folder does not exist', 17, {}, path.join(root, 'no-jvm-here'), undefined],
    [
      'the given home when the JDK folder does not exist',
      17,
      { JAVA_HOME: own17 },
      path.join(root, 'no-jvm-here'),
      { home: own17, major: 17 },
    ],
    ['empty home variables are ignored', 17, { ES_JAVA_HOME: '', JAVA_HOME: '' }, jvm, { home: jdk17, major: 17 }],
  ];
  it.each(cases)('picks %s', (_reason, minMajor, env, jvmDir, found) => {
    expect(findJava(minMajor, env, jvmDir)).toEqual(found);
  });

  it('uses a JDK 25 only when nothing older is new enough', () => {
    expect(findJava(22, {}, jvm)).toEqual({ home: jdk25, major: 25 });
  });
});
