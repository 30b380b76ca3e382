/**
 * Every implemented alerter's option schema, as pure data: the rule schema (src/rules) imports
 * this without importing the alerters' code. alerters/index.ts pairs each with its factory; a
 * test checks both lists name the same alerters.
 */
import type { AlerterSchema } from './kit/contract.ts';
import { alertmanagerSchema } from './alertmanager/schema.ts';
import { commandSchema } from './command/schema.ts';
import { datadogSchema } from './datadog/schema.ts';
import { debugSchema } from './debug/schema.ts';
import { discordSchema } from './discord/schema.ts';
import { emailSchema } from './email/schema.ts';
import { gelfSchema } from './gelf/schema.ts';
import { hivealerterSchema } from './hivealerter/schema.ts';
import { mattermostSchema } from './mattermost/schema.ts';
import { msPowerAutomateSchema } from './ms_power_automate/schema.ts';
import { opsgenieSchema } from './opsgenie/schema.ts';
import { pagerdutySchema } from './pagerduty/schema.ts';
import { post2Schema, postSchema } from './post/schema.ts';
import { slackSchema } from './slack/schema.ts';
import { stdoutSchema } from './stdout/schema.ts';
import { telegramSchema } from './telegram/schema.ts';
import { victoropsSchema } from './victorops/schema.ts';
import { zabbixSchema } from './zabbix/schema.ts';
import { googlechatSchema } from './googlechat/schema.ts';
import { rocketchatSchema } from './rocketchat/schema.ts';
import { webexWebhookSchema } from './webex_webhook/schema.ts';
import { workwechatSchema } from './workwechat/schema.ts';
import { larkSchema } from './lark/schema.ts';
import { yzjSchema } from './yzj/schema.ts';
import { matrixhookshotSchema } from './matrixhookshot/schema.ts';
import { pagertreeSchema } from './pagertree/schema.ts';
import { gitterSchema } from './gitter/schema.ts';
import { alertaSchema } from './alerta/schema.ts';
import { servicenowSchema } from './servicenow/schema.ts';
import { lineSchema } from './line/schema.ts';
import { flashdutySchema } from './flashduty/schema.ts';
import { smseagleSchema } from './smseagle/schema.ts';
import { dingtalkSchema } from './dingtalk/schema.ts';
import { chatworkSchema } from './chatwork/schema.ts';
import { twilioSchema } from './twilio/schema.ts';
import { exotelSchema } from './exotel/schema.ts';
import { irisSchema } from './iris/schema.ts';
import { jiraSchema } from './jira/schema.ts';
import { snsSchema } from './sns/schema.ts';
import { sqsSchema } from './sqs/schema.ts';
import { sesSchema } from './ses/schema.ts';
import { tencentSmsSchema } from './tencent_sms/schema.ts';
import { stompSchema } from './stomp/schema.ts';

export const ALERTER_SCHEMAS: readonly AlerterSchema[] = [
  debugSchema,
  stdoutSchema,
  slackSchema,
  emailSchema,
  postSchema,
  post2Schema,
  pagerdutySchema,
  hivealerterSchema,
  alertmanagerSchema,
  discordSchema,
  telegramSchema,
  mattermostSchema,
  commandSchema,
  opsgenieSchema,
  victoropsSchema,
  gelfSchema,
  msPowerAutomateSchema,
  datadogSchema,
  zabbixSchema,
  googlechatSchema,
  rocketchatSchema,
  webexWebhookSchema,
  workwechatSchema,
  larkSchema,
  yzjSchema,
  matrixhookshotSchema,
  pagertreeSchema,
  gitterSchema,
  alertaSchema,
  servicenowSchema,
  lineSchema,
  flashdutySchema,
  smseagleSchema,
  dingtalkSchema,
  chatworkSchema,
  twilioSchema,
  exotelSchema,
  irisSchema,
  jiraSchema,
  snsSchema,
  sqsSchema,
  sesSchema,
  tencentSmsSchema,
  stompSchema,
];
