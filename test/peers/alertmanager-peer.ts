/** What Alertmanager's v2 API checks in `POST /api/v2/alerts`, for the peer tests of the alertmanager alerter. */
import type { Received } from './http-peer.ts';

const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const RFC3339 = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)$/;

/** What Alertmanager's v2 API would refuse in a request (empty when it would accept it). */
export function alertmanagerProblems(req: Received): string[] {
  const problems: string[] = [];
  if (req.method !== 'POST') problems.push(`method ${req.method}`);
  if (!/^application\/json/.test(req.headers['content-type'] ?? '')) problems.push('content-type is not JSON');
  let body: unknown;
  try {
    body = JSON.parse(req.body);
  } catch {
    return [...problems, 'body is not JSON'];
  }
  if (!Array.isArray(body)) return [...problems, 'body is not a list of alerts'];
  for (const alert of body as Record<string, unknown>[]) {
    const labels = alert['labels'] as Record<string, unknown> | undefined;
    if (!labels || typeof labels !== 'object' || Object.keys(labels).length === 0) problems.push('at least one label pair required');
    for (const [name, value] of Object.entries(labels ?? {})) {
      if (!LABEL.test(name)) problems.push(`invalid label name ${JSON.stringify(name)}`);
      if (typeof value !== 'string') problems.push(`label ${name} is not a string`);
    }
    for (const [name, value] of Object.entries((alert['annotations'] as Record<string, unknown> | undefined) ?? {})) {
      if (!LABEL.test(name)) problems.push(`invalid annotation name ${JSON.stringify(name)}`);
      if (typeof value !== 'string') problems.push(`annotation ${name} is not a string`);
    }
    for (const t of ['startsAt', 'endsAt'] as const)
      if (alert[t] !== undefined && !RFC3339.test(String(alert[t]))) problems.push(`${t} is not RFC 3339`);
    for (const key of Object.keys(alert))
      if (!['labels', 'annotations', 'startsAt', 'endsAt', 'generatorURL'].includes(key)) problems.push(`unknown field ${key}`);
  }
  return problems;
}
