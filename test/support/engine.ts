import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { resolveConfig, type LogWardenConfig } from '../../src/config/load-config.ts';
import { Engine } from '../../src/engine.ts';
import type { EsHandle } from '../../src/es/client.ts';
import { silentLogger } from '../../src/log.ts';
import { ManualClock } from '../../src/schedule/clock.ts';
import { initWriteback } from '../../src/writeback/init.ts';

/** A rules folder with the given files, in a fresh temp dir. */
export function rulesFolder(files: Record<string, string>): string {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'lw-rules-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

export function testConfig(rules: string, writebackIndex: string, extra: Record<string, unknown> = {}): LogWardenConfig {
  return resolveConfig(
    { rules_folder: rules, writeback_index: writebackIndex, ...extra },
    { file: undefined, env: {}, cwd: process.cwd() },
  );
}

export interface TestEngine {
  engine: Engine;
  clock: ManualClock;
  printed: string[];
}

/** An engine on a manual clock whose stdout alerter prints into `printed`. */
export async function testEngine(es: EsHandle, config: LogWardenConfig, nowMs: number): Promise<TestEngine> {
  await initWriteback(es, config.writebackIndex);
  const clock = new ManualClock(nowMs);
  const printed: string[] = [];
  const engine = new Engine({ config, es, log: silentLogger(), clock, env: {}, out: (t) => printed.push(t) });
  const { problems } = engine.loadRules();
  if (problems.length > 0) throw new Error(problems.join('\n'));
  return { engine, clock, printed };
}

/** Bulk-indexes documents and makes them searchable. */
export async function indexDocs(es: EsHandle, index: string, docs: Record<string, unknown>[]): Promise<void> {
  if (docs.length === 0) return;
  const res = await es.client.bulk({ refresh: true, operations: docs.flatMap((d) => [{ index: { _index: index } }, d]) });
  if (res.errors) throw new Error(`bulk failed: ${JSON.stringify(res.items.find((i) => i.index?.error))}`);
}
