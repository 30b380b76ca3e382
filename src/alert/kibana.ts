/**
 * ElastAlert2's Kibana Discover link (generate_kibana_discover_url): Discover opened on the
 * rule's index pattern, around the match time, filtered by the rule's filter and the match's
 * query_key values, as `<kibana_discover_app_url>?_g=<rison>&_a=<rison>` with each rison
 * value percent-encoded. The link is the same, character for character, as ElastAlert2's for
 * the same rule and match, with two deliberate exceptions:
 *
 * - A string that rison could take as a bare word is quoted unless ALL of it is one: the
 *   Python encoder ElastAlert2 uses checks with a multi-line regular expression, so a value
 *   like "ok\n,evil:(x" goes out bare and rewrites the link's filters. Here it is quoted.
 * - kibana_discover_version: besides ElastAlert2's 7.0-7.17 and 8.0-8.12, later 8.x and 9.x are
 *   accepted (Discover reads the same _g/_a state there).
 *
 * The query_key values come from documents: rison quoting and then percent-encoding every byte
 * outside [A-Za-z0-9_.~/-] mean no value can end a rison string, add a parameter or leave the URL.
 */
import { durationMs } from '../rules/checks.ts';
import type { RuleDefinition } from '../rules/types.ts';
import {
  compareCodePoints,
  formatEsTimestamp,
  isPlainObject,
  lookupField,
  pyJsonDumps,
  pyQuote,
  pyStr,
  risonEncode,
} from '../pycompat/index.ts';

const DEFAULT_TIMEDELTA_MS = 10 * 60_000;
const KIBANA_VERSION = /^(?:7\.(?:\d|1[0-7])|8\.\d{1,2}|9\.\d{1,2})$/;

/**
 * The Discover link for one match, or undefined when the rule does not ask for one
 * (generate_kibana_discover_url) or lacks kibana_discover_app_url, a known
 * kibana_discover_version or kibana_discover_index_pattern_id (ElastAlert2 logs a warning and
 * sends no link). The window is the match time minus kibana_discover_from_timedelta to plus
 * kibana_discover_to_timedelta, each defaulting to the rule's timeframe, else 10 minutes.
 * `$VAR` / `${VAR}` in the app URL are replaced from `env` as ElastAlert2 does (os.path.expandvars).
 */
export function kibanaDiscoverUrl(
  rule: RuleDefinition,
  match: Readonly<Record<string, unknown>>,
  matchTimeMs: number,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const opts = rule.options;
  if (opts['generate_kibana_discover_url'] !== true) return undefined;
  const appUrl = opts['kibana_discover_app_url'];
  const version = opts['kibana_discover_version'];
  const index = opts['kibana_discover_index_pattern_id'];
  if (typeof appUrl !== 'string' || appUrl === '') return undefined;
  if (typeof version !== 'string' || !KIBANA_VERSION.test(version)) return undefined;
  if (typeof index !== 'string' || index === '') return undefined;

  const columns = Array.isArray(opts['kibana_discover_columns']) ? opts['kibana_discover_columns'] : ['_source'];
  const timeframeMs = durationMs(opts['timeframe']) ?? DEFAULT_TIMEDELTA_MS;
  const fromMs = durationMs(opts['kibana_discover_from_timedelta']) ?? timeframeMs;
  const toMs = durationMs(opts['kibana_discover_to_timedelta']) ?? timeframeMs;

  const globalState = {
    filters: [],
    refreshInterval: { pause: true, value: 0 },
    time: { from: formatEsTimestamp(matchTimeMs - fromMs), to: formatEsTimestamp(matchTimeMs + toMs) },
  };
  const appState = {
    columns,
    filters: appFilters(index, rule.filter, rule.queryKey ?? [], match),
    index,
    interval: 'auto',
  };
  return `${expandVars(appUrl, env)}?_g=${pyQuote(risonEncode(globalState))}&_a=${pyQuote(risonEncode(appState))}`;
}

function appFilters(
  index: string,
  ruleFilter: readonly Record<string, unknown>[],
  queryKeys: readonly string[],
  match: Readonly<Record<string, unknown>>,
): unknown[] {
  const filters: unknown[] = [];
  if (ruleFilter.length > 0) {
    // ElastAlert2 unwraps {query: {...}} clauses, whose outer key Kibana 8 refuses.
    const must = ruleFilter.map((clause) => (Object.hasOwn(clause, 'query') ? clause['query'] : clause));
    const boolFilter = { must };
    filters.push({
      $state: { store: 'appState' },
      bool: boolFilter,
      meta: {
        alias: 'filter',
        disabled: false,
        index,
        key: 'bool',
        negate: false,
        type: 'custom',
        value: pyJsonDumps(boolFilter, { compact: true }),
      },
    });
  }
  for (const key of queryKeys) {
    const value = lookupField(match, key);
    if (value === undefined) {
      // No value (or null): Kibana shows the documents that lack the field.
      filters.push({
        $state: { store: 'appState' },
        exists: { field: key },
        meta: { alias: null, disabled: false, index, key, negate: true, type: 'exists', value: 'exists' },
      });
    } else {
      filters.push({
        $state: { store: 'appState' },
        meta: {
          alias: null,
          disabled: false,
          index,
          key,
          negate: false,
          params: { query: value, type: 'phrase' },
          type: 'phrase',
          value: pyStr(value),
        },
        query: { match: { [key]: { query: value, type: 'phrase' } } },
      });
    }
  }
  return filters;
}

/** os.path.expandvars: $NAME and ${NAME} from the environment; unknown names stay as written. */
function expandVars(text: string, env: NodeJS.ProcessEnv): string {
  return text.replace(/\$(\w+|\{[^}]*\})/g, (whole, ref: string) => {
    const name = ref.startsWith('{') ? ref.slice(1, -1) : ref;
    const value = env[name];
    return value === undefined ? whole : value;
  });
}
