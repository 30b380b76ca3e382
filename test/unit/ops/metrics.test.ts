import { describe, expect, it } from '@jest/globals';
import { errors } from '@elastic/elasticsearch';
import { EventEmitter } from 'node:events';
import type { EsHandle } from '../../../src/es/client.ts';
import type { RuleRunEvent } from '../../../src/observe.ts';
import { Metrics } from '../../../src/ops/metrics.ts';
import { backgroundClock } from '../../../src/schedule/clock.ts';

const run = (rule: string, extra: Partial<RuleRunEvent> = {}): RuleRunEvent => ({
  rule,
  type: 'any',
  runId: 'r1',
  startedMs: 0,
  durationMs: 1500,
  lagMs: 2500,
  hits: 7,
  matches: 2,
  errorKind: undefined,
  error: undefined,
  ...extra,
});

/** The value of one series in the text exposition, e.g. value(text, 'logwarden_rule_hits_total{rule="a"}'). */
function value(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('Metrics', () => {
  it('shows a rule whose index matches nothing until a run finds it; a failed run changes nothing', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.initRules(['typo']);
    const gauge = async (): Promise<number | undefined> => value(await m.registry.metrics(), 'logwarden_rule_index_missing{rule="typo"}');
    expect(await gauge()).toBe(0);
    m.ruleRun(run('typo', { hits: 0, matches: 0, indexMissing: true }));
    expect(await gauge()).toBe(1);
    m.ruleRun(run('typo', { errorKind: 'connection', error: 'down', hits: 0, matches: 0, indexMissing: undefined }));
    expect(await gauge()).toBe(1);
    m.ruleRun(run('typo', { indexMissing: false }));
    expect(await gauge()).toBe(0);
  });

  it('counts runs, hits, matches, outcomes, deliveries and skipped ticks with the documented names and labels', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.rulesLoaded(3, 1);
    m.ruleRun(run('a'));
    m.ruleRun(run('a', { errorKind: 'timeout', error: 'searching: request timed out', hits: 0, matches: 0, lagMs: undefined }));
    m.matchOutcome('a', 'sent');
    m.matchOutcome('a', 'suppressed_realert');
    m.matchOutcome('a', 'suppressed_realert');
    m.deliveryAttempt('a', 'slack', 'retry');
    m.deliveryAttempt('a', 'slack', 'sent');
    m.tickSkipped('a');
    const text = await m.registry.metrics();
    expect(value(text, 'logwarden_rule_runs_total{rule="a",outcome="success"}')).toBe(1);
    expect(value(text, 'logwarden_rule_runs_total{rule="a",outcome="error"}')).toBe(1);
    expect(value(text, 'logwarden_rule_run_errors_total{rule="a",kind="timeout"}')).toBe(1);
    expect(value(text, 'logwarden_rule_hits_total{rule="a"}')).toBe(7);
    expect(value(text, 'logwarden_rule_matches_total{rule="a"}')).toBe(2);
    expect(value(text, 'logwarden_alerts_total{rule="a",outcome="sent"}')).toBe(1);
    expect(value(text, 'logwarden_alerts_total{rule="a",outcome="suppressed_realert"}')).toBe(2);
    expect(value(text, 'logwarden_deliveries_total{rule="a",alerter="slack",status="retry"}')).toBe(1);
    expect(value(text, 'logwarden_deliveries_total{rule="a",alerter="slack",status="sent"}')).toBe(1);
    expect(value(text, 'logwarden_ticks_skipped_total{rule="a"}')).toBe(1);
    expect(value(text, 'logwarden_rules_loaded')).toBe(3);
    expect(value(text, 'logwarden_rules_invalid')).toBe(1);
    // Both runs are timed; only the scheduled one has a lag.
    expect(value(text, 'logwarden_rule_run_duration_seconds_count{rule="a"}')).toBe(2);
    expect(value(text, 'logwarden_rule_run_duration_seconds_sum{rule="a"}')).toBe(3);
    expect(value(text, 'logwarden_rule_run_duration_seconds_bucket{le="2.5",rule="a"}')).toBe(2);
    expect(value(text, 'logwarden_rule_schedule_lag_seconds_count{rule="a"}')).toBe(1);
    expect(value(text, 'logwarden_rule_schedule_lag_seconds_sum{rule="a"}')).toBe(2.5);
    expect(text).toContain('# TYPE logwarden_rule_runs_total counter');
    expect(text).toContain('# TYPE logwarden_rule_run_duration_seconds histogram');
    expect(text).toContain('# TYPE logwarden_pending_deliveries gauge');
    expect(text).toMatch(/^logwarden_build_info\{version="[^"]+"\} 1$/m);
    expect(m.lastRun('a')?.errorKind).toBe('timeout');
  });

  it('registers exactly the documented metric names', () => {
    const m = new Metrics({ defaultMetrics: false });
    expect(
      m.registry
        .getMetricsAsArray()
        .map((x) => x.name)
        .sort(),
    ).toEqual([
      'logwarden_alerts_total',
      'logwarden_build_info',
      'logwarden_deliveries_total',
      'logwarden_elasticsearch_request_errors_total',
      'logwarden_pending_deliveries',
      'logwarden_rule_hits_total',
      'logwarden_rule_index_missing',
      'logwarden_rule_matches_total',
      'logwarden_rule_run_duration_seconds',
      'logwarden_rule_run_errors_total',
      'logwarden_rule_runs_total',
      'logwarden_rule_schedule_lag_seconds',
      'logwarden_rules_invalid',
      'logwarden_rules_loaded',
      'logwarden_ticks_skipped_total',
      'logwarden_writeback_problems',
      'logwarden_writeback_recreated_total',
    ]);
  });

  it('adds the default process metrics unless told not to', async () => {
    const text = await new Metrics().registry.metrics();
    expect(text).toContain('process_cpu_user_seconds_total');
    expect(text).toContain('nodejs_eventloop_lag_seconds');
  });

  it("pre-creates a rule's series at zero", async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.initRules(['b']);
    const text = await m.registry.metrics();
    expect(value(text, 'logwarden_alerts_total{rule="b",outcome="suppressed_flood"}')).toBe(0);
    expect(value(text, 'logwarden_rule_runs_total{rule="b",outcome="error"}')).toBe(0);
  });

  it('escapes hostile rule names in label values', async () => {
    const m = new Metrics({ defaultMetrics: false });
    m.ruleRun(run('x"} 1\nfake_metric{a="b'));
    const text = await m.registry.metrics();
    expect(text).toContain('logwarden_rule_hits_total{rule="x\\"} 1\\nfake_metric{a=\\"b"} 7');
    expect(text.split('\n').some((l) => l.startsWith('fake_metric'))).toBe(false);
  });

  it("counts failed Elasticsearch requests by kind from the client's diagnostic events", async () => {
    const m = new Metrics({ defaultMetrics: false });
    const diagnostic = new EventEmitter();
    const stop = m.watchElasticsearch({ client: { diagnostic } } as unknown as EsHandle);
    diagnostic.emit('response', new errors.ConnectionError('connect ECONNREFUSED'), null);
    diagnostic.emit('response', new errors.ConnectionError('connect ECONNREFUSED'), null);
    diagnostic.emit('response', new errors.TimeoutError('timed out'), null);
    diagnostic.emit('response', null, { statusCode: 200 });
    stop();
    diagnostic.emit('response', new errors.TimeoutError('after stop'), null);
    const text = await m.registry.metrics();
    expect(value(text, 'logwarden_elasticsearch_request_errors_total{kind="connection"}')).toBe(2);
    expect(value(text, 'logwarden_elasticsearch_request_errors_total{kind="timeout"}')).toBe(1);
  });

  it('reads pending deliveries on scrape, reuses the count within the cache time, and keeps the last count when the read fails', async () => {
    let nowMs = 0;
    let calls = 0;
    let fail = false;
    const m = new Metrics({
      defaultMetrics: false,
      clock: { now: () => nowMs, setTimer: backgroundClock.setTimer },
      pendingCacheMs: 10_000,
    });
    m.setPendingSource(async () => {
      calls++;
      if (fail) throw new Error('cluster down');
      return 5 * calls;
    });
    expect(value(await m.registry.metrics(), 'logwarden_pending_deliveries')).toBe(5);
    nowMs = 9_999;
    expect(value(await m.registry.metrics(), 'logwarden_pending_deliveries')).toBe(5);
    expect(calls).toBe(1);
    nowMs = 10_000;
    expect(value(await m.registry.metrics(), 'logwarden_pending_deliveries')).toBe(10);
    fail = true;
    nowMs = 30_000;
    expect(value(await m.registry.metrics(), 'logwarden_pending_deliveries')).toBe(10);
    expect(calls).toBe(3);
  });

  it('does not let a hung count hold the scrape', async () => {
    const m = new Metrics({ defaultMetrics: false, pendingWaitMs: 0 });
    m.setPendingSource(() => new Promise<number>(() => undefined));
    const text = await m.registry.metrics();
    expect(text).toContain('# TYPE logwarden_pending_deliveries gauge');
    expect(value(text, 'logwarden_pending_deliveries')).toBe(0);
  });
});
