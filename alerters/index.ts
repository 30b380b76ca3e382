import type { AlerterRef, RuleDefinition } from '../src/rules/types.ts';
import { createAlertmanagerAlerter } from './alertmanager/index.ts';
import { createCommandAlerter } from './command/index.ts';
import { createDatadogAlerter } from './datadog/index.ts';
import { createDebugAlerter } from './debug/index.ts';
import { createDiscordAlerter } from './discord/index.ts';
import { createEmailAlerter } from './email/index.ts';
import { createGelfAlerter } from './gelf/index.ts';
import { createHiveAlerter } from './hivealerter/index.ts';
import { createMattermostAlerter } from './mattermost/index.ts';
import { createPowerAutomateAlerter } from './ms_power_automate/index.ts';
import { createOpsgenieAlerter } from './opsgenie/index.ts';
import { createPagerDutyAlerter } from './pagerduty/index.ts';
import { createPostAlerter } from './post/index.ts';
import { createSlackAlerter } from './slack/index.ts';
import { createStdoutAlerter } from './stdout/index.ts';
import { createTelegramAlerter } from './telegram/index.ts';
import { createVictorOpsAlerter } from './victorops/index.ts';
import { createZabbixAlerter } from './zabbix/index.ts';
import { createGoogleChatAlerter } from './googlechat/index.ts';
import { createRocketChatAlerter } from './rocketchat/index.ts';
import { createWebexWebhookAlerter } from './webex_webhook/index.ts';
import { createWorkWechatAlerter } from './workwechat/index.ts';
import { createLarkAlerter } from './lark/index.ts';
import { createYzjAlerter } from './yzj/index.ts';
import { createMatrixHookshotAlerter } from './matrixhookshot/index.ts';
import { createPagerTreeAlerter } from './pagertree/index.ts';
import { createGitterAlerter } from './gitter/index.ts';
import { createAlertaAlerter } from './alerta/index.ts';
import { createServiceNowAlerter } from './servicenow/index.ts';
import { createLineAlerter } from './line/index.ts';
import { createFlashdutyAlerter } from './flashduty/index.ts';
import { createSmsEagleAlerter } from './smseagle/index.ts';
import { createDingTalkAlerter } from './dingtalk/index.ts';
import { createChatworkAlerter } from './chatwork/index.ts';
import { createTwilioAlerter } from './twilio/index.ts';
import { createExotelAlerter } from './exotel/index.ts';
import { createIrisAlerter } from './iris/index.ts';
import { createJiraAlerter } from './jira/index.ts';
import { createSnsAlerter } from './sns/index.ts';
import { createSqsAlerter } from './sqs/index.ts';
import { createSesAlerter } from './ses/index.ts';
import { createTencentSmsAlerter } from './tencent_sms/index.ts';
import { createStompAlerter } from './stomp/index.ts';
import { refusalOf } from './refused.ts';
import { optionError, type Alerter, type AlerterDeps, type AlerterFactory } from './types.ts';

export type { Alerter, AlerterDeps, AlertPayload } from './types.ts';
export { AlerterError } from './types.ts';

const FACTORIES: Record<string, AlerterFactory> = {
  debug: createDebugAlerter,
  stdout: createStdoutAlerter,
  slack: createSlackAlerter,
  email: createEmailAlerter,
  post: createPostAlerter,
  post2: createPostAlerter,
  pagerduty: createPagerDutyAlerter,
  hivealerter: createHiveAlerter,
  alertmanager: createAlertmanagerAlerter,
  discord: createDiscordAlerter,
  telegram: createTelegramAlerter,
  mattermost: createMattermostAlerter,
  command: createCommandAlerter,
  opsgenie: createOpsgenieAlerter,
  victorops: createVictorOpsAlerter,
  gelf: createGelfAlerter,
  ms_power_automate: createPowerAutomateAlerter,
  datadog: createDatadogAlerter,
  zabbix: createZabbixAlerter,
  googlechat: createGoogleChatAlerter,
  rocketchat: createRocketChatAlerter,
  webex_webhook: createWebexWebhookAlerter,
  workwechat: createWorkWechatAlerter,
  lark: createLarkAlerter,
  yzj: createYzjAlerter,
  matrixhookshot: createMatrixHookshotAlerter,
  pagertree: createPagerTreeAlerter,
  gitter: createGitterAlerter,
  alerta: createAlertaAlerter,
  servicenow: createServiceNowAlerter,
  line: createLineAlerter,
  flashduty: createFlashdutyAlerter,
  smseagle: createSmsEagleAlerter,
  dingtalk: createDingTalkAlerter,
  chatwork: createChatworkAlerter,
  twilio: createTwilioAlerter,
  exotel: createExotelAlerter,
  iris: createIrisAlerter,
  jira: createJiraAlerter,
  sns: createSnsAlerter,
  sqs: createSqsAlerter,
  ses: createSesAlerter,
  tencent_sms: createTencentSmsAlerter,
  stomp: createStompAlerter,
};

/** Alerter types this build can send with. */
export const AVAILABLE_ALERTERS: readonly string[] = Object.keys(FACTORIES);

/** Builds a rule's alerters; an alerter type not available yet is an error naming the rule file. */
export function createAlerters(rule: RuleDefinition, deps: AlerterDeps): Alerter[] {
  return rule.alert.map((ref: AlerterRef) => {
    const factory = FACTORIES[ref.type];
    if (!factory) {
      const why = refusalOf(ref.type) ?? `not an alerter of this version (available: ${AVAILABLE_ALERTERS.join(', ')})`;
      throw optionError(rule, 'alert', `the "${ref.type}" alerter is not available: ${why}`);
    }
    return factory(ref, rule, deps);
  });
}
