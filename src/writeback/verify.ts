import type { estypes } from '@elastic/elasticsearch';

/**
 * Differences between a writeback index's mapping and the one LogWarden needs, one sentence per
 * field ("match_body: is long, must be object with enabled: false"). An index Elasticsearch
 * auto-created with dynamic mappings fails here: its first documents chose the field types, and a
 * later document of another shape would then fail to be recorded.
 */
export function mappingProblems(expected: estypes.MappingTypeMapping, actual: estypes.MappingTypeMapping | undefined): string[] {
  if (!actual) return ['no mapping'];
  const problems: string[] = [];
  if (expected.dynamic !== undefined && String(actual.dynamic ?? 'true') !== String(expected.dynamic)) {
    problems.push(
      `dynamic is ${String(actual.dynamic ?? 'true')}, must be ${String(expected.dynamic)} (an unknown field must be refused, not guessed)`,
    );
  }
  const have = actual.properties ?? {};
  for (const [field, want] of Object.entries(expected.properties ?? {})) {
    const got = have[field];
    if (!got) continue; // missing fields are added by init, not a fault of the index
    const problem = fieldProblem(want, got);
    if (problem) problems.push(`${field}: ${problem}`);
  }
  return problems;
}

/** Missing fields of an otherwise fine mapping: init adds these (a newer LogWarden's fields). */
export function missingFields(expected: estypes.MappingTypeMapping, actual: estypes.MappingTypeMapping | undefined): string[] {
  const have = actual?.properties ?? {};
  return Object.keys(expected.properties ?? {}).filter((field) => !(field in have));
}

function describe(p: estypes.MappingProperty): string {
  const type = p.type ?? 'object';
  const enabled = (p as { enabled?: boolean }).enabled;
  const index = (p as { index?: boolean }).index;
  return `${type}${enabled === false ? ' with enabled: false' : ''}${index === false ? ' with index: false' : ''}`;
}

function fieldProblem(want: estypes.MappingProperty, got: estypes.MappingProperty): string | undefined {
  const wantType = want.type ?? 'object';
  const gotType = got.type ?? 'object';
  const wantEnabled = (want as { enabled?: boolean }).enabled ?? true;
  const gotEnabled = (got as { enabled?: boolean }).enabled ?? true;
  if (wantType !== gotType || wantEnabled !== gotEnabled) return `is ${describe(got)}, must be ${describe(want)}`;
  return undefined;
}

const BLOCKS = ['index.blocks.write', 'index.blocks.read_only', 'index.blocks.read_only_allow_delete'] as const;

/** Settings that stop LogWarden from writing: a write block (set by hand, or by the disk flood-stage watermark). */
export function settingsProblems(settings: Record<string, unknown> | undefined): string[] {
  return BLOCKS.filter((name) => String(settings?.[name]) === 'true').map(
    (name) => `${name} is true: nothing can be recorded (disk full? remove the block when fixed)`,
  );
}
