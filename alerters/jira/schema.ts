import type { AlerterSchema } from '../kit/contract.ts';
import { bool, int, str, strOrList, transportSchema } from '../kit/schema-types.ts';

/**
 * The jira alerter's options (ElastAlert2's names; lint and the alerter read this). Any other
 * `jira_<field>` names a Jira field by name or id (accepted by pattern in
 * src/rules/alerter-options.ts, resolved against Jira's field list when the first alert is sent).
 */
export const jiraSchema: AlerterSchema = {
  name: 'jira',
  required: ['jira_server', 'jira_account_file', 'jira_project', 'jira_issuetype'],
  options: {
    jira_server: str,
    // An absolute path to a YAML file with `user` and `password`, or `apikey`.
    jira_account_file: str,
    jira_project: str,
    jira_issuetype: str,
    jira_parent: str,
    jira_assignee: str,
    jira_component: strOrList,
    jira_components: strOrList,
    jira_description: str,
    jira_label: strOrList,
    jira_labels: strOrList,
    // An index into Jira's priority list (0 is the first).
    jira_priority: int,
    jira_watchers: strOrList,
    jira_bump_tickets: bool,
    jira_ignore_in_title: str,
    jira_max_age: { type: 'number', minimum: 0 },
    jira_bump_not_in_statuses: strOrList,
    jira_bump_in_statuses: strOrList,
    jira_bump_only: bool,
    jira_transition_to: str,
    jira_bump_after_inactivity: { type: 'number', minimum: 0 },
    ...transportSchema('jira'),
  },
};
