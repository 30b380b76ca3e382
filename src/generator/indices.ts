// Where each source's events go, named as the shippers name them, and the index templates that
// give them mappings. Rules are written against indexPattern(); indexName() is what the loader
// uses per event. Both take an optional prefix so that tests can load side by side.
import type { SourceName } from './types.ts';

/** UTC day as the Logstash/Fluentd logstash_format names daily indices: YYYY.MM.DD. */
function utcDay(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}.${String(d.getUTCMonth() + 1).padStart(2, '0')}.${String(d.getUTCDate()).padStart(2, '0')}`;
}

/**
 * The index an event of `source` at `tsMs` is written to:
 *   k8s-audit  logstash-k8s-audit-YYYY.MM.DD  (Fluentd, logstash_format, UTC days)
 *   auth       logstash-auth-YYYY.MM.DD
 *   cloudtrail cloudtrail-YYYY.MM.DD
 *   proxy      logs-proxy-default             (a data stream's name; a plain index here)
 */
export function indexName(source: SourceName, tsMs: number, prefix = ''): string {
  switch (source) {
    case 'k8s-audit':
      return `${prefix}logstash-k8s-audit-${utcDay(tsMs)}`;
    case 'auth':
      return `${prefix}logstash-auth-${utcDay(tsMs)}`;
    case 'cloudtrail':
      return `${prefix}cloudtrail-${utcDay(tsMs)}`;
    case 'proxy':
      return `${prefix}logs-proxy-default`;
  }
}

/** The pattern a rule's `index:` uses to search every index of `source`. */
export function indexPattern(source: SourceName, prefix = ''): string {
  switch (source) {
    case 'k8s-audit':
      return `${prefix}logstash-k8s-audit-*`;
    case 'auth':
      return `${prefix}logstash-auth-*`;
    case 'cloudtrail':
      return `${prefix}cloudtrail-*`;
    case 'proxy':
      return `${prefix}logs-proxy-default`;
  }
}

/** The same as a strftime pattern, for rules with use_strftime_index: true. */
export function strftimeIndex(source: SourceName, prefix = ''): string {
  return source === 'proxy' ? indexPattern(source, prefix) : indexPattern(source, prefix).replace('*', '%Y.%m.%d');
}

export interface IndexTemplate {
  name: string;
  body: {
    index_patterns: string[];
    priority: number;
    template: { settings: Record<string, string | number>; mappings: Mapping };
    _meta: { description: string; managed_by: string };
  };
}

/** An Elasticsearch mapping as written in a template (typed enough to catch typos in our own). */
export interface Mapping {
  dynamic?: boolean | 'strict';
  dynamic_templates?: Record<string, { match_mapping_type?: string; path_match?: string; mapping: FieldMapping }>[];
  properties: Record<string, FieldMapping>;
}
export type FieldMapping =
  | { type: 'keyword'; ignore_above?: number }
  | { type: 'text'; fields?: Record<string, FieldMapping> }
  | { type: 'date' | 'ip' | 'long' | 'integer' | 'boolean' }
  | { type: 'object'; dynamic?: boolean; enabled?: boolean; properties?: Record<string, FieldMapping> }
  | { properties: Record<string, FieldMapping>; dynamic?: boolean };

const keyword: FieldMapping = { type: 'keyword', ignore_above: 1024 };
const date: FieldMapping = { type: 'date' };
const ip: FieldMapping = { type: 'ip' };
const long: FieldMapping = { type: 'long' };
const bool: FieldMapping = { type: 'boolean' };
const obj = (properties: Record<string, FieldMapping>): FieldMapping => ({ properties });
/** Free-form JSON whose shape differs per call: indexed only where listed, kept whole in _source. */
const freeForm = (properties: Record<string, FieldMapping>): FieldMapping => ({ type: 'object', dynamic: false, properties });

/** Unlisted strings are keywords (ids, names and codes are searched whole); long ones stay unindexed. */
const STRINGS_AS_KEYWORDS = [{ strings: { match_mapping_type: 'string', mapping: keyword } }];

const MAPPINGS: Record<SourceName, Mapping> = {
  'k8s-audit': {
    dynamic_templates: STRINGS_AS_KEYWORDS,
    properties: {
      '@timestamp': date,
      requestReceivedTimestamp: date,
      stageTimestamp: date,
      auditID: keyword,
      level: keyword,
      stage: keyword,
      verb: keyword,
      requestURI: keyword,
      userAgent: keyword,
      sourceIPs: ip,
      user: obj({ username: keyword, uid: keyword, groups: keyword }),
      impersonatedUser: obj({ username: keyword, groups: keyword }),
      objectRef: obj({ resource: keyword, subresource: keyword, namespace: keyword, name: keyword, apiGroup: keyword, apiVersion: keyword }),
      responseStatus: obj({ code: { type: 'integer' }, status: keyword, reason: keyword, message: { type: 'text' } }),
      // Request and response bodies: only what detection rules look at is indexed.
      requestObject: freeForm({
        kind: keyword,
        metadata: obj({ name: keyword, namespace: keyword }),
        roleRef: obj({ kind: keyword, name: keyword }),
        subjects: obj({ kind: keyword, name: keyword, namespace: keyword }),
        rules: obj({ apiGroups: keyword, resources: keyword, verbs: keyword }),
        spec: obj({
          hostPID: bool,
          hostNetwork: bool,
          hostIPC: bool,
          serviceAccountName: keyword,
          containers: obj({ name: keyword, image: keyword, securityContext: obj({ privileged: bool, allowPrivilegeEscalation: bool, runAsUser: long }) }),
          volumes: obj({ name: keyword, hostPath: obj({ path: keyword }) }),
        }),
      }),
      responseObject: freeForm({ kind: keyword, metadata: obj({ name: keyword, namespace: keyword }) }),
    },
  },
  auth: {
    dynamic_templates: STRINGS_AS_KEYWORDS,
    properties: {
      '@timestamp': date,
      message: { type: 'text' },
      event: obj({ kind: keyword, module: keyword, dataset: keyword, category: keyword, type: keyword, action: keyword, outcome: keyword }),
      host: obj({ name: keyword, hostname: keyword, ip }),
      process: obj({ name: keyword, pid: long }),
      user: obj({ name: keyword, id: keyword, effective: obj({ name: keyword }) }),
      source: obj({ ip, port: long, address: keyword }),
      related: obj({ user: keyword, ip }),
      system: obj({ auth: obj({ ssh: obj({ event: keyword, method: keyword, signature: keyword }), sudo: obj({ tty: keyword, pwd: keyword, user: keyword, command: keyword }) }) }),
    },
  },
  cloudtrail: {
    dynamic_templates: STRINGS_AS_KEYWORDS,
    properties: {
      '@timestamp': date,
      eventTime: date,
      eventVersion: keyword,
      eventSource: keyword,
      eventName: keyword,
      eventType: keyword,
      eventCategory: keyword,
      eventID: keyword,
      requestID: keyword,
      awsRegion: keyword,
      // Not an ip field: CloudTrail writes service names ("config.amazonaws.com") here too.
      sourceIPAddress: keyword,
      userAgent: keyword,
      errorCode: keyword,
      errorMessage: { type: 'text' },
      readOnly: bool,
      managementEvent: bool,
      recipientAccountId: keyword,
      userIdentity: obj({
        type: keyword,
        principalId: keyword,
        arn: keyword,
        accountId: keyword,
        accessKeyId: keyword,
        userName: keyword,
        invokedBy: keyword,
        sessionContext: obj({ sessionIssuer: obj({ type: keyword, arn: keyword, userName: keyword }), attributes: obj({ creationDate: date, mfaAuthenticated: keyword }) }),
      }),
      // Shapes differ per API call (a field is a string in one, an object in another): index
      // the fields rules use and keep the rest unindexed so no record is ever rejected.
      requestParameters: freeForm({ userName: keyword, policyArn: keyword, name: keyword, bucketName: keyword, key: keyword, secretId: keyword, roleName: keyword, roleArn: keyword, instanceId: keyword }),
      responseElements: freeForm({ ConsoleLogin: keyword, accessKey: obj({ userName: keyword, accessKeyId: keyword, status: keyword }) }),
      additionalEventData: freeForm({ MFAUsed: keyword, LoginTo: keyword, bytesTransferredOut: long, bytesTransferredIn: long }),
      resources: obj({ ARN: keyword, type: keyword, accountId: keyword }),
    },
  },
  proxy: {
    dynamic_templates: STRINGS_AS_KEYWORDS,
    properties: {
      '@timestamp': date,
      data_stream: obj({ type: keyword, dataset: keyword, namespace: keyword }),
      event: obj({ kind: keyword, category: keyword, type: keyword, dataset: keyword, action: keyword, outcome: keyword, duration: long }),
      observer: obj({ name: keyword, type: keyword, vendor: keyword }),
      host: obj({ name: keyword }),
      source: obj({ ip, bytes: long }),
      destination: obj({ domain: keyword, port: long, bytes: long }),
      url: obj({ domain: keyword, original: keyword, scheme: keyword, path: keyword }),
      http: obj({ request: obj({ method: keyword, bytes: long }), response: obj({ status_code: long, bytes: long }) }),
      network: obj({ bytes: long, transport: keyword, protocol: keyword }),
      user: obj({ name: keyword }),
      user_agent: obj({ original: keyword }),
    },
  },
};

/**
 * One composable template per source. Priority 200 puts them above the stock `logs` template
 * (logs-*-*, priority 100) of a default distribution, so logs-proxy-default stays a plain index
 * there too. No replicas: this is sample data, and a single-node cluster would stay yellow.
 */
export function indexTemplates(prefix = ''): IndexTemplate[] {
  return (Object.keys(MAPPINGS) as SourceName[]).map((source) => ({
    name: `${prefix}logwarden-sample-${source}`,
    body: {
      index_patterns: [indexPattern(source, prefix)],
      priority: 200,
      template: { settings: { number_of_shards: 1, number_of_replicas: 0 }, mappings: MAPPINGS[source] },
      _meta: { description: `LogWarden sample ${source} logs`, managed_by: 'logwarden generate-logs' },
    },
  }));
}
