import { describe, expect, it } from '@jest/globals';
import { createLogger } from '../../../src/log.ts';
import { ManualClock } from '../../../src/schedule/clock.ts';

/** A logger on a manual clock whose JSON lines are collected as objects. */
function capture(windowMs = 60_000): { log: ReturnType<typeof createLogger>; clock: ManualClock; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const clock = new ManualClock(0);
  const log = createLogger({
    level: 'info',
    clock,
    repeatWindowMs: windowMs,
    destination: { write: (s: string) => lines.push(JSON.parse(s) as Record<string, unknown>) },
  });
  return { log, clock, lines };
}

const view = (lines: Record<string, unknown>[]): unknown[] =>
  lines.map((l) => ({ level: l.level, msg: l.msg, ...(l.rule ? { rule: l.rule } : {}), ...(l.repeated ? { repeated: l.repeated } : {}) }));

describe('repeated identical warnings', () => {
  it('writes the first, counts the rest for a minute, then writes how many there were', () => {
    const { log, clock, lines } = capture();
    for (let i = 0; i < 1_000; i++) {
      log.warn({ rule: 'R' }, 'rule "R" is still running from its previous tick; this tick is skipped');
      clock.advance(25);
    }
    // 1,000 warnings in 25 seconds: one line, then nothing until the window ends.
    expect(view(lines)).toEqual([{ level: 40, rule: 'R', msg: 'rule "R" is still running from its previous tick; this tick is skipped' }]);
    clock.advance(35_000);
    expect(view(lines)).toEqual([
      { level: 40, rule: 'R', msg: 'rule "R" is still running from its previous tick; this tick is skipped' },
      {
        level: 40,
        rule: 'R',
        repeated: 999,
        msg: 'rule "R" is still running from its previous tick; this tick is skipped (repeated 999 more times in 1m)',
      },
    ]);
    // A new window starts with the next one.
    log.warn({ rule: 'R' }, 'rule "R" is still running from its previous tick; this tick is skipped');
    expect(lines).toHaveLength(3);
  });

  it('keeps different messages, levels and objects apart, and never holds back info', () => {
    const { log, clock, lines } = capture();
    for (let i = 0; i < 3; i++) {
      log.warn('disk is slow');
      log.error('disk is slow');
      log.warn({ rule: 'A' }, 'failed');
      log.warn({ rule: 'B' }, 'failed');
      log.info('rules reloaded');
    }
    expect(view(lines)).toEqual([
      { level: 40, msg: 'disk is slow' },
      { level: 50, msg: 'disk is slow' },
      { level: 40, rule: 'A', msg: 'failed' },
      { level: 40, rule: 'B', msg: 'failed' },
      { level: 30, msg: 'rules reloaded' },
      { level: 30, msg: 'rules reloaded' },
      { level: 30, msg: 'rules reloaded' },
    ]);
    clock.advance(60_000);
    expect(view(lines.slice(7))).toEqual([
      { level: 40, repeated: 2, msg: 'disk is slow (repeated 2 more times in 1m)' },
      { level: 50, repeated: 2, msg: 'disk is slow (repeated 2 more times in 1m)' },
      { level: 40, rule: 'A', repeated: 2, msg: 'failed (repeated 2 more times in 1m)' },
      { level: 40, rule: 'B', repeated: 2, msg: 'failed (repeated 2 more times in 1m)' },
    ]);
  });

  it('counts lines of child loggers alike when only the run id differs', () => {
    const { log, clock, lines } = capture();
    for (let run = 1; run <= 5; run++) log.child({ rule: 'R', run_id: `run-${run}` }).warn('query failed: index_not_found_exception');
    log.child({ rule: 'S', run_id: 'run-6' }).warn('query failed: index_not_found_exception');
    clock.advance(60_000);
    expect(view(lines)).toEqual([
      { level: 40, rule: 'R', msg: 'query failed: index_not_found_exception' },
      { level: 40, rule: 'S', msg: 'query failed: index_not_found_exception' },
      { level: 40, rule: 'R', repeated: 4, msg: 'query failed: index_not_found_exception (repeated 4 more times in 1m)' },
    ]);
  });

  it('writes no summary when a warning was not repeated', () => {
    const { log, clock, lines } = capture();
    log.warn('once');
    clock.advance(120_000);
    expect(view(lines)).toEqual([{ level: 40, msg: 'once' }]);
  });

  it('writes every line when the window is 0', () => {
    const { log, lines } = capture(0);
    log.warn('again');
    log.warn('again');
    expect(lines).toHaveLength(2);
  });
});
