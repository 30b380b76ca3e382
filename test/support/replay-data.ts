import type { EsHandle } from '../../src/es/client.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';
import { indexDocs } from './engine.ts';

/**
 * Known authentication events over three UTC days (2026-01-01 … 2026-01-03) for the test-rule
 * and backtest integration tests, with the counts a frequency rule (3 failures of one user in
 * 10 minutes, realert 1 hour) must give per day:
 *
 * day 1: alice 3 failures at 10:00 (match, alert), 3 at 10:20 (match, suppressed by realert),
 *        3 at 12:00 (match, alert: the hour passed); bob 2 (no match); carol 2 at 23:58/23:59;
 *        dave 1 success (not a failure: filtered out)            → hits 13, matches 3, alerts 2, suppressed 1
 * day 2: carol 1 at 00:01: with the 2 of day 1 a match, so state carried over midnight
 *                                                                 → hits 1, matches 1, alerts 1
 * day 3: alice 3 at 09:00 (match, alert); HOSTILE_USER 3 at 09:30 (match, alert)
 *                                                                 → hits 6, matches 2, alerts 2
 */
export const HOSTILE_USER = 'mallory\u001b[2J\u001b]0;owned\u0007<img src=x onerror=alert(1)>';

export const EXPECTED_DAYS = [
  { day: '2026-01-01', hits: 13, matches: 3, alerts: 2, suppressed: 1 },
  { day: '2026-01-02', hits: 1, matches: 1, alerts: 1, suppressed: 0 },
  { day: '2026-01-03', hits: 6, matches: 2, alerts: 2, suppressed: 0 },
];

const at = (iso: string): string => `2026-01-${iso}Z`;

function event(time: string, user: string, outcome: 'failure' | 'success' = 'failure'): Record<string, unknown> {
  return {
    '@timestamp': at(time),
    event: { category: 'authentication', outcome },
    user: { name: user },
    source: { ip: '203.0.113.7' },
    message: `ssh login ${outcome} for ${user}`,
  };
}

export function knownEvents(): Record<string, unknown>[] {
  return [
    event('01T10:00:00', 'alice'),
    event('01T10:01:00', 'alice'),
    event('01T10:02:00', 'alice'),
    event('01T10:20:00', 'alice'),
    event('01T10:21:00', 'alice'),
    event('01T10:22:00', 'alice'),
    event('01T12:00:00', 'alice'),
    event('01T12:01:00', 'alice'),
    event('01T12:02:00', 'alice'),
    event('01T14:00:00', 'bob'),
    event('01T14:03:00', 'bob'),
    event('01T23:58:00', 'carol'),
    event('01T23:59:00', 'carol'),
    event('01T15:00:00', 'dave', 'success'),
    event('02T00:01:00', 'carol'),
    event('03T09:00:00', 'alice'),
    event('03T09:01:00', 'alice'),
    event('03T09:02:00', 'alice'),
    event('03T09:30:00', HOSTILE_USER),
    event('03T09:31:00', HOSTILE_USER),
    event('03T09:32:00', HOSTILE_USER),
  ];
}

export async function indexKnownEvents(es: EsHandle, index: string): Promise<void> {
  await es.client.indices.create({
    index,
    mappings: {
      properties: {
        '@timestamp': { type: 'date' },
        user: { properties: { name: { type: 'keyword' } } },
        event: { properties: { outcome: { type: 'keyword' }, category: { type: 'keyword' } } },
      },
    },
  });
  await indexDocs(es, index, knownEvents());
}

export const frequencyRule = (index: string, name = 'SSH brute force', extra = ''): string => `
name: ${JSON.stringify(name)}
type: frequency
index: ${index}
num_events: 3
timeframe:
  minutes: 10
query_key: user.name
realert:
  hours: 1
filter:
  - term:
      event.outcome: failure
alert_subject: "Brute force against {0}"
alert_subject_args: [user.name]
alert:
  - stdout
${extra}`;

/** Whether any index of a writeback namespace exists. */
export async function writebackExists(es: EsHandle, base: string): Promise<boolean> {
  for (const kind of WRITEBACK_KINDS) {
    if (await es.client.indices.exists({ index: writebackIndexName(base, kind) })) return true;
  }
  return false;
}
