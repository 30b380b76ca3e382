import type { AlertKey, ConformanceCase, DeclaredDifference } from './case.ts';

export type Verdict = 'same' | 'declared' | 'DIFFERENT' | 'ERROR';

export interface CaseResult {
  name: string;
  verdict: Verdict;
  elastalert2: number;
  logwarden: number;
  /** Alerts only one tool sent that no declared difference covers. */
  unexpectedOnlyElastalert2: AlertKey[];
  unexpectedOnlyLogwarden: AlertKey[];
  /** Declared differences that did not happen (the declaration is stale). */
  staleDeclarations: string[];
  error?: string;
}

type Unrulied = Omit<AlertKey, 'rule'>;

/**
 * Pairs the two tools' alerts: same rule and key, match times within `toleranceMs`, each
 * alert used once (so two alerts against one is a difference, not a match). Greedy on time
 * order, which is exact for tolerance 0 and good enough for the small tolerances cases use.
 */
export function pairAlerts(a: readonly AlertKey[], b: readonly AlertKey[], toleranceMs: number): { onlyA: AlertKey[]; onlyB: AlertKey[] } {
  const byTime = (x: AlertKey, y: AlertKey): number => x.time.localeCompare(y.time) || x.key.localeCompare(y.key);
  const rest = [...b].sort(byTime);
  const onlyA: AlertKey[] = [];
  for (const alert of [...a].sort(byTime)) {
    const t = Date.parse(alert.time);
    let best = -1;
    let bestGap = Infinity;
    rest.forEach((other, i) => {
      if (other.rule !== alert.rule || other.key !== alert.key) return;
      const gap = Math.abs(Date.parse(other.time) - t);
      if (gap <= toleranceMs && gap < bestGap) {
        best = i;
        bestGap = gap;
      }
    });
    if (best >= 0) rest.splice(best, 1);
    else onlyA.push(alert);
  }
  return { onlyA, onlyB: rest };
}

/** Removes the declared alerts from `found`; returns what is left and the declared ones not found. */
function consume(found: AlertKey[], declared: readonly Unrulied[]): { left: AlertKey[]; missing: Unrulied[] } {
  const left = [...found];
  const missing: Unrulied[] = [];
  for (const d of declared) {
    const i = left.findIndex((f) => f.key === d.key && Date.parse(f.time) === Date.parse(d.time));
    if (i >= 0) left.splice(i, 1);
    else missing.push(d);
  }
  return { left, missing };
}

/** The verdict for one case: same, only declared differences, or a difference nobody declared. */
export function judgeCase(
  c: Pick<ConformanceCase, 'name' | 'timeToleranceMs' | 'differences'>,
  elastalert2: readonly AlertKey[],
  logwarden: readonly AlertKey[],
): CaseResult {
  const { onlyA, onlyB } = pairAlerts(elastalert2, logwarden, c.timeToleranceMs);
  const declaredEa2 = c.differences.flatMap((d: DeclaredDifference) => d.onlyElastalert2);
  const declaredLw = c.differences.flatMap((d: DeclaredDifference) => d.onlyLogwarden);
  const ea2 = consume(onlyA, declaredEa2);
  const lw = consume(onlyB, declaredLw);
  const stale = [
    ...ea2.missing.map((m) => `only_elastalert2 ${m.key} ${m.time}`),
    ...lw.missing.map((m) => `only_logwarden ${m.key} ${m.time}`),
  ];
  const differs = ea2.left.length > 0 || lw.left.length > 0 || stale.length > 0;
  return {
    name: c.name,
    verdict: differs ? 'DIFFERENT' : c.differences.length > 0 ? 'declared' : 'same',
    elastalert2: elastalert2.length,
    logwarden: logwarden.length,
    unexpectedOnlyElastalert2: ea2.left,
    unexpectedOnlyLogwarden: lw.left,
    staleDeclarations: stale,
  };
}

/** A plain-text table of the results, then the details of every case that is not as declared. */
export function formatResults(results: readonly CaseResult[]): string {
  const header = ['case', 'ElastAlert2', 'LogWarden', 'verdict'];
  const rows = results.map((r) => [r.name, String(r.elastalert2), String(r.logwarden), r.verdict]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  const out = [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
  for (const r of results) {
    if (r.verdict !== 'DIFFERENT' && r.verdict !== 'ERROR') continue;
    out.push('', `${r.name}: ${r.verdict}`);
    if (r.error) out.push(`  error: ${r.error}`);
    for (const a of r.unexpectedOnlyElastalert2) out.push(`  only ElastAlert2: key=${a.key} time=${a.time}`);
    for (const a of r.unexpectedOnlyLogwarden) out.push(`  only LogWarden:   key=${a.key} time=${a.time}`);
    for (const s of r.staleDeclarations) out.push(`  declared but did not happen: ${s}`);
  }
  return out.join('\n');
}
