/** Where a configuration problem is: every message names the file, and when known the line, rule and field. */
export interface ConfigProblem {
  file: string;
  line?: number | undefined;
  rule?: string | undefined;
  field?: string | undefined;
  message: string;
}

/** `rules/ssh.yaml:7: rule "SSH brute force": num_events: expected an integer >= 1, got "ten"` */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  const rule = p.rule !== undefined ? ` rule ${JSON.stringify(p.rule)}:` : '';
  const field = p.field ? ` ${p.field}:` : '';
  return `${where}:${rule}${field} ${p.message}`;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: readonly ConfigProblem[];
  constructor(problems: readonly ConfigProblem[]) {
    super(problems.map(formatProblem).join('\n'));
    this.problems = problems;
  }
}
