import type { Schema } from '../../src/config/validate.ts';
import type { AlerterSchema } from '../kit/contract.ts';
import { bool, certs, secret, secretOrList, str, strOrList } from '../kit/schema-types.ts';

// Slack's named colours, or any #rrggbb (the alerter accepts both).
const color: Schema = { anyOf: [{ enum: ['good', 'warning', 'danger'] }, { type: 'string', pattern: '^#[0-9a-fA-F]{6}$' }] };

/** The slack alerter's options (lint and the alerter read this). */
export const slackSchema: AlerterSchema = {
  name: 'slack',
  // slack needs a webhook or a token (which may come from SLACK_BOT_TOKEN): the alerter checks it.
  options: {
    // The webhook URL is the credential: whoever has it can post to the channel.
    slack_webhook_url: secretOrList,
    // Ours: the Web API with a bot token (also SLACK_BOT_TOKEN), instead of a webhook.
    slack_token: secret,
    slack_token_file: str,
    slack_channel: strOrList,
    slack_api_url: str,
    slack_thread_repeats: bool,
    slack_username_override: str,
    slack_channel_override: strOrList,
    slack_emoji_override: str,
    slack_icon_url_override: str,
    slack_msg_color: color,
    slack_parse_override: { enum: ['none', 'full'] },
    slack_text_string: str,
    slack_proxy: str,
    slack_alert_fields: {
      type: 'array',
      // As ElastAlert2: title and value (the match field shown) are required.
      items: {
        type: 'object',
        properties: { title: str, value: { type: 'string', minLength: 1 }, short: bool },
        required: ['title', 'value'],
        additionalProperties: false,
      },
    },
    slack_ignore_ssl_errors: bool,
    slack_title: str,
    slack_title_link: str,
    slack_timeout: { type: 'number', exclusiveMinimum: 0 },
    slack_attach_kibana_discover_url: bool,
    slack_kibana_discover_color: str,
    slack_kibana_discover_title: str,
    slack_attach_opensearch_discover_url: bool,
    slack_opensearch_discover_color: str,
    slack_opensearch_discover_title: str,
    slack_attach_jira_ticket_url: bool,
    slack_jira_ticket_color: str,
    slack_jira_ticket_title: str,
    slack_ca_certs: certs,
    slack_footer: str,
    slack_footer_icon: str,
    slack_image_url: str,
    slack_thumb_url: str,
    slack_author_name: str,
    slack_author_link: str,
    slack_author_icon: str,
    slack_msg_pretext: str,
  },
};
