import { afterAll, describe, expect, it } from '@jest/globals';
import { rmSync } from 'node:fs';
import { lint } from '../../../src/cli/commands/lint.ts';
import { formatProblem } from '../../../src/config/errors.ts';
import { tempFolder } from './helpers.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every problem lint reports for one rule file with `extra` options, and config.yaml `config`. */
function problems(extra: string, config = ''): string[] {
  // A rule that sets its own `alert` list has it at the end.
  const alert = /^alert:/m.test(extra) ? '' : 'alert: debug\n';
  const cwd = tempFolder({ 'config.yaml': `rules_folder: rules\n${config}`, 'rules/r.yaml': `name: R\ntype: frequency\nindex: logs-*\n${alert}${extra}` });
  dirs.push(cwd);
  return lint({ paths: [], cwd }, {}).problems.map(formatProblem);
}

const YEAR = 'no alerting window is longer than a year, and far beyond it dates leave the range JavaScript and Elasticsearch can hold';
const RUN_EVERY = 'each run queries Elasticsearch, so a rule runs at most once a second and at least once a week';
const BASE = 'num_events: 3\ntimeframe: {minutes: 5}\n';

describe('bounds on absurd values', () => {
  it.each([
    ['run_every of a millisecond', `${BASE}run_every: {milliseconds: 1}\n`, `rules/r.yaml:7: rule "R": run_every: 1ms is shorter than the minimum of 1 second: ${RUN_EVERY}`],
    ['run_every as text under a second', `${BASE}run_every: 500ms\n`, `rules/r.yaml:7: rule "R": run_every: 500ms is shorter than the minimum of 1 second: ${RUN_EVERY}`],
    ['run_every over a week', `${BASE}run_every: {days: 8}\n`, `rules/r.yaml:7: rule "R": run_every: 1w1d is longer than the maximum of 7 days: ${RUN_EVERY}`],
    ['num_events of 1e308 (an "integer" to JSON Schema)', 'num_events: 1e308\ntimeframe: {minutes: 5}\n', 'rules/r.yaml:5: rule "R": num_events: expected an integer >= 1 and <= 1000000000, got 1e+308'],
    ['a threshold over a billion', `${BASE}threshold: 10000000000\n`, 'rules/r.yaml:7: rule "R": threshold: expected an integer >= 0 and <= 1000000000, got 10000000000'],
    ['a timeframe of 99999999999 weeks', 'num_events: 3\ntimeframe: {weeks: 99999999999}\n', `rules/r.yaml:6: rule "R": timeframe: 99999999999w is longer than the maximum of 366 days: ${YEAR}`],
    ['a buffer_time over a year', `${BASE}buffer_time: 367d\n`, `rules/r.yaml:7: rule "R": buffer_time: 52w3d is longer than the maximum of 366 days: ${YEAR}`],
    ['a query_delay over a year', `${BASE}query_delay: {days: 400}\n`, `rules/r.yaml:7: rule "R": query_delay: 57w1d is longer than the maximum of 366 days: ${YEAR}`],
    ['a realert over a year', `${BASE}realert: {weeks: 60}\n`, `rules/r.yaml:7: rule "R": realert: 60w is longer than the maximum of 366 days: ${YEAR}`],
    ['an aggregation over a year', `${BASE}aggregation: {days: 400}\n`, `rules/r.yaml:7: rule "R": aggregation: 57w1d is longer than the maximum of 366 days: ${YEAR}`],
    ['a duration in an alerter entry', `${BASE}alert:\n  - debug: {realert: {weeks: 60}}\n`, `rules/r.yaml:7: rule "R": alert[0].debug.realert: 60w is longer than the maximum of 366 days: ${YEAR}`],
  ])('%s is refused naming file, rule and field', (_why, extra, expected) => {
    expect(problems(extra)).toEqual([expected]);
  });

  it.each([
    ['run_every of a second', 'run_every: {seconds: 1}\n'],
    ['run_every of a week', 'run_every: 7d\n'],
    ['windows of exactly 366 days', 'num_events: 1000000000\ntimeframe: {days: 366}\nbuffer_time: 366d\nrealert: {days: 366}\n'],
    ['what ElastAlert2 examples use', 'num_events: 50\ntimeframe: {hours: 4}\nrun_every: {seconds: 30}\nbuffer_time: {minutes: 15}\nquery_delay: {minutes: 2}\nrealert: {hours: 1}\n'],
  ])('%s is accepted', (_why, extra) => {
    expect(problems(extra.includes('num_events') ? extra : `${BASE}${extra}`)).toEqual([]);
  });

  it('bounds the global run_every and durations of config.yaml too', () => {
    expect(problems(BASE, 'run_every: {milliseconds: 10}\nold_query_limit: {weeks: 99999999999}\n')).toEqual([
      `config.yaml:2: run_every: 10ms is shorter than the minimum of 1 second: ${RUN_EVERY}`,
      `config.yaml:3: old_query_limit: 99999999999w is longer than the maximum of 366 days: ${YEAR}`,
    ]);
  });
});
