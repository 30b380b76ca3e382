/**
 * A local Jira for the jira alerter's tests: the REST API v2 endpoints it calls, with basic auth,
 * Jira's error shape (`{"errorMessages": [], "errors": {}}`), issues kept in memory, and a way to
 * make the next request to a path fail.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface JiraIssue {
  key: string;
  fields: Record<string, unknown>;
  updated: string;
  comments: string[];
  watchers: string[];
  assignee?: string;
  status: string;
}

export interface JiraPeer {
  url: string;
  issues: JiraIssue[];
  /** Every request: method, path (with query) and body. */
  log: { method: string; path: string; body: string }[];
  /** The next request whose path starts with the key gets this answer instead. */
  failNext: Map<string, { status: number; body: string; headers?: Record<string, string> }>;
  close(): Promise<void>;
}

export const JIRA_USER = 'alerts@example.com';
export const JIRA_PASSWORD = 'jIrA-pA55-w0rd';
export const FIELDS = [
  { id: 'summary', name: 'Summary', schema: { type: 'string' } },
  {
    id: 'customfield_10010',
    name: 'Affected host',
    schema: { type: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:textfield' },
  },
  {
    id: 'customfield_10011',
    name: 'Severity level',
    schema: { type: 'option', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:select' },
  },
  {
    id: 'customfield_10012',
    name: 'Teams',
    schema: { type: 'array', items: 'string', custom: 'com.atlassian.jira.plugin.system.customfieldtypes:multiselect' },
  },
  { id: 'customfield_10013', name: 'Score', schema: { type: 'number' } },
];
const PRIORITIES = [
  { id: '1', name: 'Highest' },
  { id: '2', name: 'High' },
  { id: '3', name: 'Medium' },
];
const USERS = new Set(['alice', 'bob']);

export async function startJira(): Promise<JiraPeer> {
  const peer: JiraPeer = { url: '', issues: [], log: [], failNext: new Map(), close: async () => undefined };
  const auth = `Basic ${Buffer.from(`${JIRA_USER}:${JIRA_PASSWORD}`).toString('base64')}`;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://jira');
      const p = url.pathname.replace(/^\/rest\/api\/2\//, '');
      peer.log.push({ method: req.method ?? '', path: `${p}${url.search}`, body });
      const send = (status: number, value?: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
        res.end(value === undefined ? '' : typeof value === 'string' ? value : JSON.stringify(value));
      };
      const error = (status: number, ...messages: string[]): void => send(status, { errorMessages: messages, errors: {} });
      if (req.headers.authorization !== auth)
        return error(401, 'You are not authenticated. Authentication required to perform this operation.');
      for (const [prefix, reply] of peer.failNext) {
        if (p.startsWith(prefix)) {
          peer.failNext.delete(prefix);
          return send(reply.status, reply.body, reply.headers);
        }
      }
      const issue = peer.issues.find((i) => p.startsWith(`issue/${i.key}/`));
      if (req.method === 'GET' && p === 'field') return send(200, FIELDS);
      if (req.method === 'GET' && p === 'priority') return send(200, PRIORITIES);
      if (req.method === 'GET' && p === 'search/jql') {
        const jql = url.searchParams.get('jql') ?? '';
        const m = /summary~"([^"]*)"/.exec(jql);
        const words = (m?.[1] ?? '').toLowerCase().split(' ').filter(Boolean);
        const statusNotIn = /status not in \(([^)]*)\)/
          .exec(jql)?.[1]
          ?.split(',')
          .map((s) => s.replace(/"/g, ''));
        const hit = peer.issues.find(
          (i) => words.every((w) => String(i.fields['summary']).toLowerCase().includes(w)) && !(statusNotIn ?? []).includes(i.status),
        );
        return send(200, { issues: hit ? [{ id: '1', key: hit.key, fields: { updated: hit.updated } }] : [] });
      }
      if (req.method === 'POST' && p === 'issue') {
        const fields = (JSON.parse(body) as { fields: Record<string, unknown> }).fields;
        if (!fields['summary'] || String(fields['summary']).length > 255)
          return send(400, { errorMessages: [], errors: { summary: 'Summary must be less than 255 characters.' } });
        if ((fields['project'] as { key?: string } | undefined)?.key !== 'SEC')
          return send(400, { errorMessages: [], errors: { project: 'valid project is required' } });
        const key = `SEC-${peer.issues.length + 1}`;
        peer.issues.push({ key, fields, updated: new Date().toISOString(), comments: [], watchers: [], status: 'Open' });
        return send(201, { id: String(peer.issues.length), key, self: `${peer.url}/rest/api/2/issue/${key}` });
      }
      if (!issue) return error(404, 'Issue does not exist or you do not have permission to see it.');
      const rest = p.slice(`issue/${issue.key}/`.length);
      if (req.method === 'PUT' && rest === 'assignee') {
        const name = (JSON.parse(body) as { name?: string }).name ?? '';
        if (!USERS.has(name)) return send(400, { errorMessages: [], errors: { assignee: `User '${name}' does not exist.` } });
        issue.assignee = name;
        return send(204);
      }
      if (req.method === 'POST' && rest === 'watchers') {
        const name = JSON.parse(body) as string;
        if (!USERS.has(name)) return error(404, `The user "${name}" does not exist`);
        issue.watchers.push(name);
        return send(204);
      }
      if (req.method === 'POST' && rest === 'comment') {
        issue.comments.push((JSON.parse(body) as { body: string }).body);
        return send(201, { id: String(issue.comments.length) });
      }
      if (req.method === 'GET' && rest === 'transitions')
        return send(200, {
          transitions: [
            { id: '21', name: 'In Progress' },
            { id: '31', name: 'Done' },
          ],
        });
      if (req.method === 'POST' && rest === 'transitions') {
        const id = (JSON.parse(body) as { transition: { id: string } }).transition.id;
        issue.status = id === '21' ? 'In Progress' : 'Done';
        return send(204);
      }
      return error(404, 'Not found');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  peer.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  peer.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return peer;
}
