import { fileURLToPath } from 'node:url';
import { describe, expect, it } from '@jest/globals';
import { lintCommand } from '../../../src/cli/commands/lint.ts';
import { captureIO, REPO_ROOT } from '../rules/helpers.ts';

// The rule files in test/conformance/examples are LogWarden's own, each modelled on one of
// ElastAlert2's examples/rules files (same type, same option set, own values and text): the
// originals may not be copied, and ElastAlert2's PyPI package does not ship them.
// docs/conformance.md has the table this test keeps true.
const EXAMPLES = fileURLToPath(new URL('../../conformance/examples/', import.meta.url));

interface LintReport {
  ok: boolean;
  rules: { file: string; name: string; type: string }[];
  problems: { file: string; rule?: string; field?: string; message: string }[];
}

describe("ElastAlert2's example rules", () => {
  it('lint: every rule type and option is accepted; an alerter this version lacks is refused by name', async () => {
    const io = captureIO();
    const code = await lintCommand({ paths: [EXAMPLES], cwd: REPO_ROOT, json: true }, io);
    const report = JSON.parse(io.stdout.join('\n')) as LintReport;
    const base = (file: string): string => file.replace(/^.*\//, '');
    expect(Object.fromEntries(report.rules.map((r) => [base(r.file), r.type]))).toEqual({
      'example_cardinality.yaml': 'cardinality',
      'example_opsgenie_frequency.yaml': 'frequency',
      'exemple_discord_any.yaml': 'any',
      'example_change.yaml': 'change',
      'example_frequency.yaml': 'frequency',
      'example_iris_alert_any.yaml': 'any',
      'example_new_term.yaml': 'new_term',
      'example_percentage_match.yaml': 'percentage_match',
      'example_single_metric_agg.yaml': 'metric_aggregation',
      'example_spike.yaml': 'spike',
      'example_spike_single_metric_agg.yaml': 'spike_aggregation',
      'ssh-repeat-offender.yaml': 'frequency',
    });
    expect(report.problems.map((p) => [base(p.file), p.field, p.message]).sort()).toEqual([
      // ElastAlert2's own ssh.yaml sets it; LogWarden's strict writeback mapping cannot take match fields at the root.
      ['ssh.yaml', 'include_match_in_root', expect.stringContaining('strict mapping')],
    ]);
    expect(code).toBe(1);
  });
});
