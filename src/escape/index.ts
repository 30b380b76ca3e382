/**
 * Making attacker-controlled text inert for the medium it goes to (HTML, XML, Slack mrkdwn, the
 * Markdown dialects, JSON shown in HTML or a terminal), and removing secrets from text. A leaf
 * module: it imports nothing else of ours.
 */
export { displayText } from './display.ts';
export { escapeHtml, escapeHtmlDisplay, escapeHtmlMarkupSafe } from './html.ts';
export { escapeXml } from './xml.ts';
export { escapeMarkdown, escapeMattermost, escapeSafeCut, escapeTelegramMarkdown, escapeTelegramMarkdownV2 } from './markdown.ts';
export { escapeMentions, escapeMrkdwn, escapeTelegramHtml } from './mrkdwn.ts';
export { jsonForHtml, jsonForTerminal, jsonTextSafeInHtml } from './json.ts';
export { redact, REDACTED } from './redact.ts';
export { credentialForms, type Login } from './secret-forms.ts';
