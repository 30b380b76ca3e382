/**
 * What the jira alerter writes: Jira wiki markup with every document value escaped, the issue
 * title as ElastAlert2 makes it, and the JQL that finds an issue to bump.
 */
import { displayText } from '../../src/alert/display.ts';

/**
 * A document value in Jira wiki markup: each character that starts markup (`* _ - + ^ ~ ? { } [ ]
 * | ! #` and the backslash) is backslash-escaped, so a log line cannot format, link (`[x|url]`),
 * mention (`[~user]`), embed (`!image!`) or open a `{code}` / `{noformat}` block.
 */
export function escapeJira(value: string): string {
  return displayText(value).replace(/[\\*_\-+^~?{}[\]|!#]/g, '\\$&');
}

/** ElastAlert2's default title: "ElastAlert: <key> matched <rule>", or "ElastAlert: <rule>". */
export function defaultTitle(ruleName: string, queryKeyValue: string | undefined): string {
  return queryKeyValue ? `ElastAlert: ${queryKeyValue} matched ${ruleName}` : `ElastAlert: ${ruleName}`;
}

/** A JQL string literal: quotes and backslashes escaped, and the text search's operators removed. */
export function jqlText(text: string): string {
  // summary ~ "..." is a Lucene-style text search: its operators only change what matches.
  const words = displayText(text)
    .replace(/[+\-&|!(){}[\]^~*?:\\/"]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return `"${words}"`;
}

/** A JQL value: quoted when it holds anything but letters, digits and underscores. */
export function jqlValue(value: string): string {
  return /^\w+$/.test(value) ? value : `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

export interface BumpSearch {
  project: string;
  title: string;
  maxAgeDays: number;
  nowMs: number;
  inStatuses?: readonly string[] | undefined;
  notInStatuses?: readonly string[] | undefined;
}

/** ElastAlert2's search for an issue to bump: same project and title, recent, in (or not in) statuses. */
export function bumpJql(s: BumpSearch): string {
  const since = new Date(s.nowMs - s.maxAgeDays * 86_400_000).toISOString().slice(0, 10);
  let jql = `project=${jqlValue(s.project)} AND summary~${jqlText(s.title)} and created >= "${since}"`;
  if (s.inStatuses && s.inStatuses.length > 0) jql += ` and status in (${s.inStatuses.map(jqlValue).join(',')})`;
  if (s.notInStatuses && s.notInStatuses.length > 0) jql += ` and status not in (${s.notInStatuses.map(jqlValue).join(',')})`;
  return jql;
}
