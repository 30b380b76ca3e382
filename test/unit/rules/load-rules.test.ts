import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { formatProblem } from '../../../src/config/errors.ts';
import { findRuleFiles, loadRuleFile, loadRules } from '../../../src/rules/load-rules.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import { configFor, FIXTURES, REPO_ROOT, tempFolder } from './helpers.ts';

const MINUTE = 60_000;

function byName(rules: RuleDefinition[], name: string): RuleDefinition {
  const rule = rules.find((r) => r.name === name);
  if (!rule) throw new Error(`rule ${name} not loaded; got ${rules.map((r) => r.name).join(', ')}`);
  return rule;
}

describe('loading good rules', () => {
  it('normalises an ElastAlert2 frequency rule with a compound query_key and both alert forms', () => {
    const { rule, problems } = loadRuleFile(path.join(FIXTURES, 'good/frequency-compound-key.yaml'), configFor(FIXTURES), {});
    expect(problems).toEqual([]);
    expect(rule).toMatchObject({
      name: 'Failed logins per user and host',
      file: 'good/frequency-compound-key.yaml',
      type: 'frequency',
      index: 'logs-*',
      useStrftimeIndex: false,
      filter: [{ query: { query_string: { query: 'event.outcome:failure' } } }, { term: { 'event.category': 'authentication' } }],
      timestampField: '@timestamp',
      timestampType: 'iso',
      queryKey: ['user.name', 'host.name'],
      runEveryMs: MINUTE,
      bufferTimeMs: 15 * MINUTE,
      queryDelayMs: 0,
      realertMs: 15 * MINUTE,
      exponentialRealertMs: undefined,
      maxQuerySize: 10_000,
      isEnabled: true,
      // Rule-level alerter options stay in `options`; an entry carries only its own.
      alert: [
        { type: 'debug', options: {} },
        { type: 'slack', options: { slack_channel_override: '#security' } },
      ],
    });
    expect(rule?.options).toMatchObject({ num_events: 5, timeframe: { minutes: 5 }, slack_webhook_url: 'https://hooks.slack.example/services/T000/B000/XXXX' });
  });

  it('applies imports: relative to the importing file or to the rule, later imports and the rule win, filters are ANDed', () => {
    const { rule, problems } = loadRuleFile(path.join(FIXTURES, 'imports/rule-with-import.yaml'), configFor(FIXTURES), {});
    expect(problems).toEqual([]);
    expect(rule?.index).toBe('logs-auth-*');
    expect(rule?.timestampField).toBe('event.created');
    expect(rule?.realertMs).toBe(MINUTE);
    expect(rule?.filter).toEqual([{ exists: { field: 'source.ip' } }, { term: { 'event.category': 'authentication' } }, { term: { 'event.outcome': 'failure' } }]);
    expect(rule?.options).toMatchObject({ owner: 'from-rule-folder', alert_missing_value: '-', category: 'auth', timeframe: '10m' });
    expect(rule?.options).not.toHaveProperty('import');
  });

  it('does not load imported fragments or *.test.yaml fixtures as rules', () => {
    const files = findRuleFiles(FIXTURES).map((f) => path.relative(FIXTURES, f));
    expect(files).not.toContain('good/fixture.test.yaml');
    const { rules, problems } = loadRules(configFor(path.join(FIXTURES, 'imports')), {});
    expect(rules.map((r) => r.name)).toEqual(['Imported options']);
    // base.yaml, nested/*.yaml and from-rule-folder.yaml have no name or type; as rules they would fail.
    expect(new Set(problems.map((p) => p.file))).toEqual(new Set(['cycle-b.yaml', 'missing-import.yaml', 'bad-fragment.inc']));
  });

  it('returns disabled rules, marked so the scheduler skips them', () => {
    const { rule } = loadRuleFile(path.join(FIXTURES, 'good/disabled.yaml'), configFor(FIXTURES), {});
    expect(rule?.isEnabled).toBe(false);
  });

  it('fills what a rule leaves out from the global config, and lets the rule override it', () => {
    const dir = tempFolder({
      'defaults.yaml': 'name: Defaults\ntype: any\nindex: logs-*\nalert: debug\n',
      'own.yaml': [
        'name: Own values', 'type: any', 'index: logs-*', 'alert: debug', 'run_every: {minutes: 2}', 'buffer_time: {minutes: 20}',
        'query_delay: 30s', 'realert: {minutes: 0}', 'timestamp_field: "@timestamp"', 'max_query_size: 50', 'exponential_realert: {hours: 1}',
      ].join('\n'),
      'aggregated.yaml': 'name: Aggregated\ntype: any\nindex: logs-*\nalert: debug\naggregation: {minutes: 10}\n',
    });
    const config = configFor(dir, {
      runEveryMs: 30_000,
      bufferTimeMs: 5 * MINUTE,
      maxQuerySize: 500,
      ruleDefaults: { query_delay: { minutes: 2 }, realert: { minutes: 10 }, timestamp_field: 'event.created' },
    });
    const { rules, problems } = loadRules(config, {});
    expect(problems).toEqual([]);
    expect(byName(rules, 'Defaults')).toMatchObject({ runEveryMs: 30_000, bufferTimeMs: 5 * MINUTE, queryDelayMs: 2 * MINUTE, realertMs: 10 * MINUTE, timestampField: 'event.created', maxQuerySize: 500 });
    expect(byName(rules, 'Defaults').options).toMatchObject({ timestamp_field: 'event.created' });
    expect(byName(rules, 'Own values')).toMatchObject({ runEveryMs: 2 * MINUTE, bufferTimeMs: 20 * MINUTE, queryDelayMs: 30_000, realertMs: 0, timestampField: '@timestamp', maxQuerySize: 50, exponentialRealertMs: 60 * MINUTE });
    // As ElastAlert2: aggregation batches alerts, so realert defaults to 0 rather than the global value.
    expect(byName(rules, 'Aggregated').realertMs).toBe(0);
  });

  it('defaults realert to one minute', () => {
    const dir = tempFolder({ 'r.yaml': 'name: R\ntype: any\nindex: logs-*\nalert: debug\n' });
    expect(loadRules(configFor(dir), {}).rules[0]?.realertMs).toBe(MINUTE);
  });

  it('keeps a query_key string whole even with commas; a list is a compound key; an empty list is none', () => {
    const dir = tempFolder({
      'a.yaml': 'name: A\ntype: any\nindex: x\nalert: debug\nquery_key: "source.ip,user.name"\n',
      'b.yaml': 'name: B\ntype: any\nindex: x\nalert: debug\nquery_key: [source.ip]\n',
      'c.yaml': 'name: C\ntype: any\nindex: x\nalert: debug\nquery_key: []\n',
    });
    const { rules } = loadRules(configFor(dir), {});
    expect(rules.map((r) => r.queryKey)).toEqual([['source.ip,user.name'], ['source.ip'], undefined]);
  });

  it('expands ${VAR} from the environment', () => {
    const dir = tempFolder({ 'r.yaml': 'name: R\ntype: any\nindex: x\nalert: slack\nslack_webhook_url: ${HOOK}\n' });
    const { rules, problems } = loadRules(configFor(dir), { HOOK: 'https://hooks.slack.example/T/B/C' });
    expect(problems).toEqual([]);
    expect(rules[0]?.options.slack_webhook_url).toBe('https://hooks.slack.example/T/B/C');
  });

  it('reads timestamp_type case-insensitively, as ElastAlert2', () => {
    const dir = tempFolder({ 'r.yaml': 'name: R\ntype: any\nindex: x\nalert: debug\ntimestamp_type: " UNIX_MS"\n' });
    expect(loadRules(configFor(dir), {}).rules[0]?.timestampType).toBe('unix_ms');
  });

  it('accepts aggregation as a schedule and reports a schedule that is not cron', () => {
    const dir = tempFolder({
      'ok.yaml': 'name: Ok\ntype: any\nindex: x\nalert: debug\naggregation: {schedule: "2 4 * * mon,fri"}\n',
      'bad.yaml': 'name: Bad\ntype: any\nindex: x\nalert: debug\naggregation:\n  schedule: daily\n',
    });
    const { rules, problems } = loadRules(configFor(dir), {});
    expect(rules.map((r) => [r.name, r.realertMs])).toEqual([['Ok', 0]]);
    expect(problems.map(formatProblem)).toEqual(['bad.yaml:6: rule "Bad": aggregation.schedule: expected a cron expression such as "0 9 * * mon-fri", got "daily"']);
  });

  it('checks what ElastAlert2 checks across options', () => {
    const dir = tempFolder({
      'terms.yaml': 'name: Terms\ntype: frequency\nindex: x\nalert: debug\nnum_events: 3\ntimeframe: 5m\nuse_terms_query: true\n',
      // Disabled: a rule that is never run is still checked for its options.
      'metric.yaml': 'name: Metric\ntype: metric_aggregation\nis_enabled: false\nindex: x\nalert: debug\nmetric_agg_key: cpu\nmetric_agg_type: avg\n',
    });
    expect(loadRules(configFor(dir), {}).problems.map(formatProblem)).toEqual([
      'metric.yaml: rule "Metric": max_threshold: is required unless min_threshold is set',
      'terms.yaml:7: rule "Terms": query_key: is required when use_terms_query is true',
    ]);
  });

  it('reports a rule type it cannot run before that type\'s options', () => {
    const dir = tempFolder({
      'card.yaml': 'name: Card\nindex: x\nalert: debug\ntype: rules.spray.SprayRule\ncardinality_field: user\n',
    });
    expect(loadRules(configFor(dir), {}).problems.map(formatProblem)[0]).toMatch(/^card\.yaml:4: rule "Card": type: /);
  });

  it('refuses a global timestamp_type the rule cannot use', () => {
    const dir = tempFolder({ 'r.yaml': 'name: R\ntype: any\nindex: x\nalert: debug\n' });
    const { problems } = loadRules(configFor(dir, { ruleDefaults: { timestamp_type: 'epoch' } }), {});
    expect(problems.map(formatProblem)).toEqual(['r.yaml: rule "R": timestamp_type: "epoch" (the global default) is not supported; expected one of iso, unix, unix_ms, custom']);
  });

  it('keeps loading the other rules when one file is bad', () => {
    const dir = tempFolder({
      'a-good.yaml': 'name: Good\ntype: any\nindex: x\nalert: debug\n',
      'b-broken.yaml': 'name: Broken\ntype: any\n  index: x\n',
      'c-typo.yaml': 'name: Typo\ntype: any\nindex: x\nalert: debug\nrealrt: 5m\n',
      'sub/d-good.yaml': 'name: Also good\ntype: any\nindex: x\nalert: debug\n',
    });
    const { rules, problems } = loadRules(configFor(dir), {});
    expect(rules.map((r) => [r.name, r.file])).toEqual([['Good', 'a-good.yaml'], ['Also good', 'sub/d-good.yaml']]);
    expect(problems.map(formatProblem)).toEqual([
      'b-broken.yaml:3: invalid YAML: bad indentation of a mapping entry',
      'c-typo.yaml:5: rule "Typo": realrt: unknown option; did you mean "realert"?',
    ]);
  });

  it('reports a rules folder that does not exist', () => {
    const missing = path.join(tempFolder({}), 'rules');
    expect(loadRules(configFor(missing), {}, { displayRoot: path.dirname(missing) }).problems).toEqual([{ file: 'rules', message: 'the rules folder does not exist' }]);
  });

  it('loads the bundled rules cleanly, each with description, severity and an ATT&CK reference', () => {
    const { rules, problems } = loadRules(configFor(path.join(REPO_ROOT, 'rules')), {});
    expect(problems).toEqual([]);
    expect(rules.length).toBeGreaterThanOrEqual(45);
    for (const rule of rules) {
      expect(['any', 'frequency', 'spike', 'flatline', 'new_term', 'cardinality', 'metric_aggregation', 'whitelist']).toContain(rule.type);
      expect(rule.options.description).toEqual(expect.any(String));
      expect(rule.options.severity).toEqual(expect.any(String));
      expect(rule.options.references).toEqual(expect.arrayContaining([expect.stringMatching(/^https:\/\/attack\.mitre\.org\/techniques\/T\d{4}/)]));
    }
  });
});
