import { esCall, type EsHandle } from '../es/client.ts';
import { WRITEBACK_KINDS, WRITEBACK_MAPPINGS, writebackIndexName } from './mappings.ts';
import { mappingProblems, settingsProblems } from './verify.ts';

export interface WritebackHealth {
  missing: string[];
  /** Indices that exist but cannot be written safely, with what is wrong. */
  wrong: { index: string; problems: string[] }[];
}

/** One sentence per fault, for logs and /readyz. */
export function describeHealth(h: WritebackHealth): string[] {
  return [
    ...(h.missing.length > 0 ? [`writeback indices missing: ${h.missing.join(', ')} (run logwarden init)`] : []),
    ...h.wrong.map(
      (w) => `writeback index ${w.index} is wrongly mapped or blocked: ${w.problems.join('; ')} (run logwarden init for details)`,
    ),
  ];
}

/**
 * Checks all writeback indices in two requests (mappings, settings): which are missing, and which
 * have mappings or settings LogWarden cannot write to safely. Throws a classified EsError when
 * Elasticsearch does not answer.
 */
export async function checkWriteback(
  es: EsHandle,
  base: string,
  transport: { requestTimeout?: number; maxRetries?: number } = {},
): Promise<WritebackHealth> {
  const names = WRITEBACK_KINDS.map((kind) => writebackIndexName(base, kind));
  const options = { index: names, ignore_unavailable: true, allow_no_indices: true };
  const mappings = await esCall(es, 'checking the writeback indices', (c) => c.indices.getMapping(options, transport));
  const settings = await esCall(es, 'checking the writeback index settings', (c) =>
    c.indices.getSettings({ ...options, flat_settings: true }, transport),
  );
  const health: WritebackHealth = { missing: [], wrong: [] };
  for (const kind of WRITEBACK_KINDS) {
    const index = writebackIndexName(base, kind);
    const mapping = mappings[index];
    if (!mapping) {
      // An alias of that name answers under its concrete index: it exists, it is not checked.
      if (!(await esCall(es, `checking ${index}`, (c) => c.indices.exists({ index }, transport)))) health.missing.push(index);
      continue;
    }
    const problems = [
      ...mappingProblems(WRITEBACK_MAPPINGS[kind], mapping.mappings),
      ...settingsProblems(settings[index]?.settings as Record<string, unknown> | undefined),
    ];
    if (problems.length > 0) health.wrong.push({ index, problems });
  }
  return health;
}
