import type { RuleDefinition } from '../../src/rules/types.ts';
import { optionError } from '../types.ts';

const HOST_PORT = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * An option that names a host with an optional port (ElastAlert2's `iris_host`, `yzj_custom_loc`),
 * which becomes part of a URL: anything else (a path, a query, credentials) is refused.
 */
export function hostOption(rule: RuleDefinition, option: string, value: string): string {
  if (!HOST_PORT.test(value)) throw optionError(rule, option, 'must be a host name with an optional :port');
  return value;
}
