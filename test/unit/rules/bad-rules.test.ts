import { describe, expect, it } from '@jest/globals';
import path from 'node:path';
import { formatProblem } from '../../../src/config/errors.ts';
import { loadRuleFiles } from '../../../src/rules/load-rules.ts';
import { configFor, FIXTURES } from './helpers.ts';

interface Row {
  /** Why the file must be refused. */
  reason: string;
  /** Files loaded together, relative to test/fixtures/rules. */
  files: string[];
  /** Every problem reported, formatted as the CLI prints it, in order. */
  expected: string[];
  /** Rules that still load. */
  loads?: string[];
}

const rows: Row[] = [
  {
    reason: 'ElastAlert2 ignores a misspelt option silently; we name it and suggest the real one',
    files: ['bad/typo-key.yaml'],
    expected: ['bad/typo-key.yaml:6: rule "Typo key": query_kye: unknown option; did you mean "query_key"?'],
  },
  {
    reason: 'num_events must be a positive integer',
    files: ['bad/num-events-ten.yaml'],
    expected: ['bad/num-events-ten.yaml:5: rule "SSH brute force": num_events: expected an integer >= 1 and <= 1000000000, got "ten"'],
  },
  {
    reason: 'a frequency rule cannot count without a timeframe',
    files: ['bad/frequency-without-timeframe.yaml'],
    expected: ['bad/frequency-without-timeframe.yaml: rule "No timeframe": timeframe: is required'],
  },
  {
    reason: 'a duration with an unknown unit, and one written as prose, are both refused',
    files: ['bad/bad-duration.yaml'],
    expected: [
      'bad/bad-duration.yaml:5: rule "Bad durations": timeframe: unknown duration unit "minuts" (expected one of weeks, days, hours, minutes, seconds, milliseconds)',
      'bad/bad-duration.yaml:7: rule "Bad durations": realert: expected a duration such as "5m", "1h30m" or {minutes: 5}, got "5 minutes"',
    ],
  },
  {
    reason: 'timestamp_type is one of the three the query builder understands',
    files: ['bad/bad-timestamp-type.yaml'],
    expected: ['bad/bad-timestamp-type.yaml:4: rule "Bad timestamp type": timestamp_type: expected one of iso, unix, unix_ms, custom, got "epoch"'],
  },
  {
    reason: 'an unset ${VAR} is reported once, naming the field, not as a schema error about "${...}"',
    files: ['bad/unset-env.yaml'],
    expected: ['bad/unset-env.yaml:5: rule "Unset variable": slack_webhook_url: environment variable LOGWARDEN_TEST_UNSET_WEBHOOK is not set'],
  },
  {
    reason: 'a YAML syntax error names the line where the parser stopped',
    files: ['bad/yaml-syntax.yaml'],
    expected: ['bad/yaml-syntax.yaml:6: invalid YAML: deficient indentation'],
  },
  {
    reason: 'files that import each other are reported once, in the file that closes the circle',
    files: ['imports/cycle-a.yaml', 'imports/cycle-b.yaml'],
    expected: ['imports/cycle-b.yaml:1: rule "Cycle": import: import cycle: imports/cycle-a.yaml -> imports/cycle-b.yaml -> imports/cycle-a.yaml'],
  },
  {
    reason: 'a missing import is reported on its list entry; the other import still applies',
    files: ['imports/missing-import.yaml'],
    expected: ['imports/missing-import.yaml:5: rule "Missing import": import[1]: imported file "nowhere.yaml" not found'],
  },
  {
    reason: 'a problem in an imported fragment names the fragment and its line',
    files: ['imports/uses-bad-fragment.yaml'],
    expected: ['imports/bad-fragment.inc:3: rule "Uses a bad fragment": num_event: unknown option; did you mean "num_events"?'],
  },
  {
    reason: 'rule names key the writeback index, so two files cannot share one; the first by path keeps it',
    files: ['bad/duplicate-a.yaml', 'bad/duplicate-b.yaml'],
    expected: ['bad/duplicate-b.yaml:1: rule "Duplicate": name: duplicate rule name; bad/duplicate-a.yaml uses it too'],
    loads: ['Duplicate'],
  },
  {
    reason: 'an unknown rule type lists the known ones',
    files: ['bad/unknown-type.yaml'],
    expected: [
      'bad/unknown-type.yaml:2: rule "Unknown type": type: expected one of any, frequency, spike, flatline, new_term, cardinality, metric_aggregation, spike_aggregation, percentage_match, blacklist, whitelist, change, got "frecuency"',
    ],
  },
  {
    reason: 'a misspelt alerter name gets a suggestion',
    files: ['bad/alerter-typo.yaml'],
    expected: ['bad/alerter-typo.yaml:5: rule "Alerter typo": alert[0]: "slak": unknown alerter; did you mean "slack"?'],
  },
  {
    reason: 'as in ElastAlert2, an alerter without its required option does not load',
    files: ['bad/email-without-recipients.yaml'],
    expected: ['bad/email-without-recipients.yaml:6: rule "Email without recipients": email: is required by the email alerter (alert[1])'],
  },
  {
    reason: 'options under an alerter entry are checked like top-level ones',
    files: ['bad/alerter-option-typo.yaml'],
    expected: ['bad/alerter-option-typo.yaml:7: rule "Alerter option typo": alert[0].slack.slack_chanel_override: unknown option; did you mean "slack_channel_override"?'],
  },
  {
    reason: 'a filter entry must be a query DSL mapping, not query-string text',
    files: ['bad/filter-not-mapping.yaml'],
    expected: ['bad/filter-not-mapping.yaml:5: rule "Filter entry is text": filter[0]: expected a mapping, got "event.outcome: failure"'],
  },
  {
    reason: 'name, index and alert are required for every rule (name is not taken from the file name)',
    files: ['bad/missing-common.yaml'],
    expected: ['bad/missing-common.yaml: name: is required', 'bad/missing-common.yaml: index: is required', 'bad/missing-common.yaml: alert: is required'],
  },
  {
    reason: 'an empty file is not a rule',
    files: ['bad/empty.yaml'],
    expected: ['bad/empty.yaml:1: the file is empty; expected a mapping of rule options'],
  },
  {
    reason: 'a rule file is one mapping of options',
    files: ['bad/not-a-mapping.yaml'],
    expected: ['bad/not-a-mapping.yaml:1: expected a mapping of rule options, got a list'],
  },
];

describe('bad rule files', () => {
  const config = configFor(FIXTURES);
  it.each(rows.map((row) => [row.reason, row] as const))('%s', (_reason, row) => {
    const result = loadRuleFiles(row.files.map((f) => path.join(FIXTURES, f)), config, {});
    expect(result.problems.map(formatProblem)).toEqual(row.expected);
    expect(result.rules.map((r) => r.name)).toEqual(row.loads ?? []);
  });
});
