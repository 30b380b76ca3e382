import { describe, expect, it } from '@jest/globals';
import { collectingLogger, heldAtEndNote } from '../../../src/backtest/replay.ts';

describe('collectingLogger', () => {
  it('keeps warnings and errors once each with a count, drops lower levels and failed-run lines (the report has those)', () => {
    const { log, warnings } = collectingLogger();
    log.info('ran a rule');
    log.warn('more documents than max_query_size');
    log.child({ rule: 'x' }).warn('more documents than max_query_size');
    log.error('rules/x.yaml: rule "x": run failed (needs a fix): bad query');
    log.error('delivery through slack failed for good');
    expect(warnings()).toEqual([
      { message: 'more documents than max_query_size', count: 2 },
      { message: 'delivery through slack failed for good', count: 1 },
    ]);
  });
});

describe('heldAtEndNote', () => {
  it('says nothing when nothing was held, else how many alerts and on which day they are counted', () => {
    expect(heldAtEndNote(0, '2026-01-03')).toEqual([]);
    expect(heldAtEndNote(2, '2026-01-03')[0]?.message).toBe(
      '2 alerts were still held by an aggregation or the flood guard at the end of the range; counted on 2026-01-03, when a live LogWarden would send them later',
    );
  });
});
