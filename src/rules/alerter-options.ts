import type { Schema } from '../config/validate.ts';
import { refusalOf, REFUSED_ALERTERS } from '../../alerters/refused.ts';
import { ALERTER_SCHEMAS } from '../../alerters/schemas.ts';

// Alerter options may sit at the top level of a rule or under its `alert` entry, so they are rule
// properties as well as the schema of `alert: [{slack: {...}}]` entries. Each implemented
// alerter's options are in its own folder (alerters/<name>/schema.ts); this file joins them.

/** Options of the alerters LogWarden implements, with their types (ServiceNow's without a prefix too). */
export const alerterOptionProperties: Record<string, Schema> = Object.assign({}, ...ALERTER_SCHEMAS.map((s) => s.options));

/**
 * Options of ElastAlert2's alerters that LogWarden refuses (alerters/refused.ts) are accepted by
 * prefix, so that such a rule is told its alerter is not available rather than that every option
 * is unknown; their values are not checked.
 */
export const otherAlerterOptionPatterns: Record<string, Schema> = {
  // ServiceNow's extra incident fields and Jira's fields by name, any name: their alerters check them.
  '^jira_.+$': {},
  '^servicenow_arg_.+$': {},
  '^(aws|indexer|linenotify|ms_teams)_': {},
};

/** Every alerter name lint knows: the implemented ones, then ElastAlert2's that are refused with a reason. */
export const KNOWN_ALERTERS: readonly string[] = [...ALERTER_SCHEMAS.map((s) => s.name), ...REFUSED_ALERTERS.map((r) => r.name)];

/** Options an alerter cannot work without; ElastAlert2 refuses to load the rule when one is missing. */
export const REQUIRED_ALERTER_OPTIONS: Readonly<Record<string, readonly string[]>> = Object.fromEntries(
  ALERTER_SCHEMAS.filter((s) => s.required && s.required.length > 0).map((s) => [s.name, s.required ?? []]),
);

/** Why an ElastAlert2 alerter name is not available in this build, or undefined when it is. */
export const alerterRefusal: (name: string) => string | undefined = refusalOf;
