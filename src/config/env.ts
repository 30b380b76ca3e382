const REFERENCE = /\$\{([A-Za-z_][A-Za-z0-9_]*)\}|\$\$\{/g;

/**
 * Replaces `${NAME}` in every string of a parsed YAML value with the environment variable, so
 * secrets need not be written into files that are reviewed and committed. `$${` stays literal.
 * An unset variable is a problem naming the field, never a silent empty string.
 */
export function expandEnv(
  value: unknown,
  env: NodeJS.ProcessEnv,
  report: (field: (string | number)[], message: string) => void,
  path: (string | number)[] = [],
): unknown {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (whole, name: string | undefined) => {
      if (name === undefined) return '${';
      const resolved = env[name];
      if (resolved === undefined) {
        report(path, `environment variable ${name} is not set`);
        return whole;
      }
      return resolved;
    });
  }
  if (Array.isArray(value)) return value.map((item, i) => expandEnv(item, env, report, [...path, i]));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = expandEnv(v, env, report, [...path, k]);
    return out;
  }
  return value;
}

export function fieldName(path: readonly (string | number)[]): string {
  return path.reduce<string>((acc, p) => (typeof p === 'number' ? `${acc}[${p}]` : acc ? `${acc}.${p}` : p), '');
}
