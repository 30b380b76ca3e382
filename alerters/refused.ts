import type { RefusedAlerter } from './kit/contract.ts';

const NOT_YET = 'not implemented in LogWarden yet';

/**
 * ElastAlert2 2.31's alerter names (loaders.py alerts_mapping) that this build does not send
 * with, each with the reason lint gives. A rule naming one is refused by name, before anything
 * is said about its options; its options are still accepted by lint so that nothing else in the
 * rule is reported as a typo. Remove an entry when its alerter is added to alerters/index.ts.
 */
export const REFUSED_ALERTERS: readonly RefusedAlerter[] = [
  { name: 'indexer', reason: `${NOT_YET} (writing alerts as documents to another Elasticsearch index)` },
  // Retired in ElastAlert2 itself: rules still naming them get the replacement.
  {
    name: 'ms_teams',
    reason: 'retired in ElastAlert2 (Microsoft retired Office 365 connectors for Teams): use ms_power_automate with a Teams workflow',
  },
  { name: 'linenotify', reason: 'retired in ElastAlert2 (LINE Notify was shut down): use line (the LINE Messaging API)' },
];

/** The reason `name` is refused, or undefined when it is not. */
export function refusalOf(name: string): string | undefined {
  return REFUSED_ALERTERS.find((r) => r.name === name)?.reason;
}
