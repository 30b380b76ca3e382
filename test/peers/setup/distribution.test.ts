import { afterAll, describe, expect, it } from '@jest/globals';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import { ensureDistribution } from '../../../src/es/provision/distribution.ts';

const root = mkdtempSync(path.join(os.tmpdir(), 'logwarden-distribution-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A zip archive (entries stored, not compressed) holding the given files. */
function zipOf(files: Record<string, string>): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text);
    const nameBytes = Buffer.from(name);
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(10, 4);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(nameBytes.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(0x031e, 4);
    central.writeUInt16LE(10, 6);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(data.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(nameBytes.length, 28);
    central.writeUInt32LE((0o100755 << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, nameBytes, data);
    centrals.push(central, nameBytes);
    offset += local.length + nameBytes.length + data.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  const count = Object.keys(files).length;
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(count, 8);
  end.writeUInt16LE(count, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

describe('the cached Elasticsearch distribution', () => {
  it('ends up in place once when several runs unpack it at the same moment, each in its own staging folder, none left behind', async () => {
    const version = '8.0.0-test';
    const cacheDir = path.join(root, 'cache');
    mkdirSync(path.join(cacheDir, 'dist'), { recursive: true });
    writeFileSync(
      path.join(cacheDir, 'dist', `elasticsearch-${version}.zip`),
      zipOf({
        [`elasticsearch-${version}/bin/elasticsearch`]: '#!/bin/sh\n',
        [`elasticsearch-${version}/config/elasticsearch.yml`]: 'cluster.name: test\n',
      }),
    );
    const logs: string[] = [];
    const opts = { version, cacheDir, log: { info: (m: string) => logs.push(m) }, interactive: false };
    const homes = await Promise.all([1, 2, 3, 4].map(() => ensureDistribution(opts)));
    const home = path.join(cacheDir, `elasticsearch-${version}`);
    expect(homes).toEqual([home, home, home, home]);
    expect(readFileSync(path.join(home, 'config', 'elasticsearch.yml'), 'utf8')).toBe('cluster.name: test\n');
    expect(readdirSync(cacheDir).sort()).toEqual(['dist', `elasticsearch-${version}`]);
    // Cached now: no further unpacking.
    const before = logs.length;
    await ensureDistribution(opts);
    expect(logs.length).toBe(before);
    expect(existsSync(path.join(home, 'bin', 'elasticsearch'))).toBe(true);
  });
});
