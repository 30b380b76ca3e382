import { splitDays, type DayWindow } from '../../../src/backtest/days.ts';
import type { CapturedAlert, DayRecord } from '../../../src/backtest/report.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';

export const START = Date.parse('2026-01-01T00:00:00Z');
export const END = Date.parse('2026-01-04T00:00:00Z');
export const DAYS: DayWindow[] = splitDays(START, END);

export function fakeRule(name: string, extra: Partial<RuleDefinition> = {}): RuleDefinition {
  return {
    name,
    file: `rules/${name}.yaml`,
    type: 'frequency',
    index: 'logs-*',
    useStrftimeIndex: false,
    filter: [],
    timestampField: '@timestamp',
    timestampType: 'iso',
    queryKey: ['user.name'],
    runEveryMs: 60_000,
    bufferTimeMs: 900_000,
    queryDelayMs: 0,
    realertMs: 60_000,
    exponentialRealertMs: undefined,
    maxQuerySize: 10_000,
    isEnabled: true,
    alert: [{ type: 'stdout', options: {} }],
    options: {},
    ...extra,
  };
}

/** Day records with the given alerts per day (hits = 10 × alerts, matches = 2 × alerts, half the extra matches suppressed by realert). */
export function records(alertsPerDay: number[]): DayRecord[] {
  return alertsPerDay.map((alerts, i) => ({
    window: DAYS[i] as DayWindow,
    hits: alerts * 10,
    run: { matches: alerts * 2, outcomes: alerts ? { sent: alerts, suppressed_realert: alerts } : {}, alerts },
    ms: 12.4,
  }));
}

export function alert(ruleName: string, n: number, extra: Partial<CapturedAlert> = {}): CapturedAlert {
  return {
    alertId: `${ruleName}-${n}`,
    ruleName,
    day: '2026-01-01',
    matchTimeMs: START + n * 60_000,
    queryKey: `user${n}`,
    alerters: ['stdout'],
    delivered: { stdout: 'captured' },
    subject: `${ruleName} #${n}`,
    text: `body ${n}\nsecond line\n`,
    ...extra,
  };
}
