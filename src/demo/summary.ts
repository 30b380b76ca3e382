import type { Manifest } from '../generator/generate.ts';

export interface DemoAlert {
  /** Rule id: the rule file's name without .yaml, as the generator's manifest names rules. */
  ruleId: string;
  key: string | undefined;
}

export interface ScenarioResult {
  scenario: string;
  expected: { rule: string; key: string; caught: boolean }[];
}

export interface DemoSummary {
  scenarios: ScenarioResult[];
  alertsPerRule: Record<string, number>;
  /** Alerts no scenario explains: false positives on the benign background. */
  unexpected: DemoAlert[];
  caughtAll: boolean;
}

/** Which injected scenarios the alerts caught, and which alerts nothing explains. */
export function summarise(manifest: Pick<Manifest, 'scenarios'>, alerts: readonly DemoAlert[]): DemoSummary {
  const has = (rule: string, key: string): boolean => alerts.some((a) => a.ruleId === rule && a.key === key);
  const explained = new Set<string>();
  const scenarios = manifest.scenarios.map((s) => {
    for (const e of [...s.expect, ...s.alsoMayFire]) explained.add(JSON.stringify([e.rule, e.key]));
    return { scenario: s.scenario, expected: s.expect.map((e) => ({ rule: e.rule, key: e.key, caught: has(e.rule, e.key) })) };
  });
  const alertsPerRule: Record<string, number> = {};
  for (const a of alerts) alertsPerRule[a.ruleId] = (alertsPerRule[a.ruleId] ?? 0) + 1;
  const unexpected = alerts.filter((a) => !explained.has(JSON.stringify([a.ruleId, a.key])));
  return { scenarios, alertsPerRule, unexpected, caughtAll: scenarios.every((s) => s.expected.every((e) => e.caught)) };
}

/** The closing table a person reads at the end of the demo. */
export function formatSummary(summary: DemoSummary, rulesRun: number, seconds: number): string {
  const lines = [
    '',
    '═'.repeat(72),
    `Demo summary: ${rulesRun} rules run in ${seconds.toFixed(1)} s`,
    '═'.repeat(72),
    '',
    'Injected attack scenarios:',
  ];
  for (const s of summary.scenarios) {
    for (const e of s.expected) lines.push(`  ${e.caught ? '✓ caught ' : '✗ MISSED '} ${s.scenario.padEnd(28)} → ${e.rule} (${e.key})`);
  }
  lines.push('', 'Alerts per rule:');
  const ranked = Object.entries(summary.alertsPerRule).sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  for (const [rule, n] of ranked) lines.push(`  ${String(n).padStart(4)}  ${rule}`);
  if (ranked.length === 0) lines.push('  (none)');
  lines.push(
    '',
    summary.unexpected.length === 0 ? 'No alert on the benign background.' : `Alerts no scenario explains (${summary.unexpected.length}):`,
  );
  for (const u of summary.unexpected) lines.push(`  ${u.ruleId} (${u.key ?? 'no key'})`);
  const missed = summary.scenarios.flatMap((s) => s.expected).filter((e) => !e.caught).length;
  lines.push('', missed === 0 ? 'Every injected scenario was caught.' : `${missed} expected detections were missed.`);
  return lines.join('\n');
}
