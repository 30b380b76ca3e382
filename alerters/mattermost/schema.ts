import type { AlerterSchema } from '../kit/contract.ts';
import { bool, secretOrList, str, strList, strOrList, transportSchema } from '../kit/schema-types.ts';

/** The mattermost alerter's options (ElastAlert2's names; lint and the alerter read this). */
export const mattermostSchema: AlerterSchema = {
  name: 'mattermost',
  required: ['mattermost_webhook_url'],
  options: {
    // The webhook URL is the credential: whoever has it can post.
    mattermost_webhook_url: secretOrList,
    mattermost_username_override: str,
    mattermost_channel_override: strOrList,
    mattermost_emoji_override: str,
    mattermost_icon_url_override: str,
    mattermost_msg_pretext: str,
    mattermost_msg_color: str,
    mattermost_msg_fields: {
      type: 'array',
      items: { type: 'object', properties: { title: str, value: str, short: bool, args: strList }, additionalProperties: false },
    },
    mattermost_title: str,
    mattermost_title_link: str,
    mattermost_footer: str,
    mattermost_footer_icon: str,
    mattermost_image_url: str,
    mattermost_thumb_url: str,
    mattermost_author_name: str,
    mattermost_author_link: str,
    mattermost_author_icon: str,
    mattermost_attach_kibana_discover_url: bool,
    mattermost_kibana_discover_color: str,
    mattermost_kibana_discover_title: str,
    ...transportSchema('mattermost'),
  },
};
