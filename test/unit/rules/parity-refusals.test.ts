import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { formatProblem } from '../../../src/config/errors.ts';
import { loadRuleFile, loadRules } from '../../../src/rules/load-rules.ts';
import { compileRule } from '../../../src/rules/compile.ts';
import { configFor, tempFolder } from './helpers.ts';

const base = 'name: R\ntype: any\nindex: logs\nalert: [stdout]\n';

function problems(yaml: string, defaults: Record<string, unknown> = {}): string[] {
  const dir = tempFolder({ 'r.yaml': yaml });
  const config = configFor(dir, { ruleDefaults: defaults });
  return loadRuleFile(path.join(dir, 'r.yaml'), config, {}).problems.map(formatProblem);
}

describe('options lint refuses by name, with the reason', () => {
  it.each([
    ['match_enhancements: [my.Enhancement]\n', 'r.yaml:5: rule "R": match_enhancements: Python enhancement modules cannot run in LogWarden'],
    ['es_host: other-cluster\n', 'r.yaml:5: rule "R": es_host: a rule cannot name its own cluster in LogWarden'],
    ['statsd_host: localhost\n', 'r.yaml:5: rule "R": statsd_host: statsd is not supported: scrape the Prometheus endpoint /metrics'],
  ])('%s', (extra, expected) => {
    expect(problems(base + extra).some((p) => p.startsWith(expected))).toBe(true);
  });

  it('a value that LogWarden honours is accepted (use_local_time: false is what it does)', () => {
    expect(problems(`${base}use_local_time: false\nscan_entire_timeframe: false\n`)).toEqual([]);
  });

  it('a custom Python rule type points to the built-in types, once', () => {
    const found = problems('name: R\ntype: mymodule.MyRule\nindex: logs\nalert: [stdout]\n');
    expect(found).toEqual(['r.yaml:2: rule "R": type: "mymodule.MyRule" is a custom Python rule type, which LogWarden cannot load; the nearest built-in ways are a filter with type any, frequency or flatline for counts, cardinality or metric_aggregation for distinct values and sums, new_term for first-seen values, change, blacklist or whitelist for compared values, spike for changes in rate']);
  });

  it('an alerter option required by the alerter may come from config.yaml', () => {
    const rule = 'name: R\ntype: any\nindex: logs\nalert: [email]\n';
    expect(problems(rule)).toEqual(['r.yaml:4: rule "R": email: is required by the email alerter (alert[0])']);
    expect(problems(rule, { email: 'secops@example.com' })).toEqual([]);
  });

  it('compound_query_key gives the parts of the query key', () => {
    const dir = tempFolder({ 'r.yaml': `${base}query_key: "a,b"\ncompound_query_key: [a, b]\n` });
    expect(loadRuleFile(path.join(dir, 'r.yaml'), configFor(dir), {}).rule?.queryKey).toEqual(['a', 'b']);
  });

  it('every folder of a rules_folder list is loaded', () => {
    const one = tempFolder({ 'a.yaml': base });
    const two = tempFolder({ 'b.yaml': base.replace('name: R', 'name: S') });
    const loaded = loadRules(configFor(one, { rulesFolders: [one, two] }), {});
    expect(loaded.problems).toEqual([]);
    expect(loaded.rules.map((r) => r.name).sort()).toEqual(['R', 'S']);
  });
});

describe('timestamp_type: custom', () => {
  it('is accepted with a format it can read back', () => {
    expect(problems(`${base}timestamp_type: custom\ntimestamp_format: "%Y/%m/%d %H:%M:%S"\n`)).toEqual([]);
  });

  it('names a directive it cannot read back', () => {
    expect(problems(`${base}timestamp_type: custom\ntimestamp_format: "%Y %Q"\n`)).toEqual([
      'r.yaml:6: rule "R": timestamp_format: %Q cannot be read back from documents; use %Y %y %m %d %H %I %p %M %S %f %z %Z %j %b %B %a %A %T %F',
    ]);
  });

  it('refuses the Python expressions', () => {
    expect(problems(`${base}timestamp_type: custom\ntimestamp_format_expr: "ts.replace('x', 'y')"\n`)[0]).toContain('timestamp_format_expr: a Python expression, which LogWarden cannot evaluate');
  });
});

describe('summary_table_fields', () => {
  it('takes names and {path, header} entries', () => {
    expect(problems(`${base}aggregation: {minutes: 5}\nsummary_table_fields: [user.name, {path: source.ip, header: Source}]\n`)).toEqual([]);
  });

  it('names an entry without a path', () => {
    expect(problems(`${base}aggregation: {minutes: 5}\nsummary_table_fields: [{header: Source}]\n`).join('\n')).toContain('summary_table_fields[0]');
  });
});

describe('eql and esql filter entries', () => {
  it('a rule that reads documents takes one', () => {
    expect(problems(`${base}filter:\n  - term: {a: 1}\n  - eql: "process where true"\n`)).toEqual([]);
  });

  it('one per rule, alone in its entry, as text', () => {
    expect(problems(`${base}filter:\n  - eql: "any where true"\n  - esql: "FROM logs"\n  - {eql: "x", term: {a: 1}}\n  - eql: 5\n`)).toEqual([
      'r.yaml:7: rule "R": filter[1].esql: a rule can have one eql or esql entry; AND the conditions inside the query',
      'r.yaml:8: rule "R": filter[2].eql: must be the only key of its filter entry',
      'r.yaml:9: rule "R": filter[3].eql: expected the EQL query as text',
    ]);
  });

  it('a rule that counts in Elasticsearch cannot use one, and is told why', () => {
    const dir = tempFolder({ 'r.yaml': 'name: R\ntype: frequency\nindex: logs\nnum_events: 3\ntimeframe: {minutes: 5}\nuse_count_query: true\nfilter:\n  - eql: "any where true"\nalert: [stdout]\n' });
    const rule = loadRuleFile(path.join(dir, 'r.yaml'), configFor(dir), {}).rule;
    if (!rule) throw new Error('expected the rule to load');
    expect(compileRule(rule, { root: dir }).problems.map((p) => `${p.field}: ${p.message}`)).toEqual([
      'filter.eql: type "frequency" (as configured) counts in Elasticsearch, which needs query DSL; eql queries work with rules that read documents (any, or frequency without use_count_query/use_terms_query)',
    ]);
  });
});

describe('query_timezone', () => {
  it('must name a time zone', () => {
    expect(problems(`${base}query_timezone: Mars/Olympus\n`)).toEqual(['r.yaml:5: rule "R": query_timezone: "Mars/Olympus" is not a time zone; use an IANA name such as "Europe/Istanbul" or "UTC"']);
    expect(problems(`${base}query_timezone: Europe/Istanbul\nuse_local_time: true\ncustom_pretty_ts_format: "%H:%M"\n`)).toEqual([]);
  });
});
