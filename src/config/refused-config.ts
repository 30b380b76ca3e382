import { ALL_TERMS, NO_MISFIRE, refusalOf, REFUSED_RULE_OPTIONS, STATSD } from '../rules/refused-options.ts';
import type { ConfigProblem } from './errors.ts';
import type { YamlSource } from './yaml.ts';

/**
 * ElastAlert2 global keys that config.yaml accepts (so an ElastAlert2 config parses) but LogWarden
 * cannot honour: each is refused by name with the reason. `when` limits a refusal to some values.
 */
export const REFUSED_CONFIG_KEYS: Readonly<Record<string, { reason: string; when?: (value: unknown) => boolean }>> = {
  statsd_instance_tag: { reason: STATSD },
  statsd_host: { reason: STATSD },
  misfire_grace_time: { reason: NO_MISFIRE },
  max_aggregation: { reason: 'LogWarden keeps every match of an aggregation until it is sent and has no cap to set yet; remove it' },
  string_multi_field_name: {
    reason: 'LogWarden finds the aggregatable field from the mapping (x.keyword, else x); only ".keyword" is supported',
    when: (v) => v !== '.keyword',
  },
  terms_size: { reason: ALL_TERMS },
};

/** Refused keys present in a parsed config.yaml, rule options given as defaults included. */
export function refusedConfigProblems(
  config: Readonly<Record<string, unknown>>,
  file: string,
  source: YamlSource | undefined,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const [key, value] of Object.entries(config)) {
    const own = Object.hasOwn(REFUSED_CONFIG_KEYS, key) ? REFUSED_CONFIG_KEYS[key] : undefined;
    // Connection keys are the cluster of config.yaml here: only their rule-level use is refused.
    const asRuleOption = own || Object.hasOwn(CONFIG_CONNECTION_KEYS, key) ? undefined : refusalOf(key, value);
    const refusal = own && (!own.when || own.when(value)) ? own : asRuleOption;
    if (refusal) problems.push({ file, line: source?.lineOf([key]), field: key, message: refusal.reason });
  }
  return problems;
}

/** Keys that rules may not set but config.yaml must: the cluster's connection. */
const CONFIG_CONNECTION_KEYS: Readonly<Record<string, true>> = Object.fromEntries(
  Object.entries(REFUSED_RULE_OPTIONS)
    .filter(([key]) => /^(es_|use_ssl|verify_certs|ssl_show_warn|ca_certs|client_)/.test(key))
    .map(([key]) => [key, true as const]),
);
