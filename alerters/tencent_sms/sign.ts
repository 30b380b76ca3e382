/**
 * Tencent Cloud API 3.0 request signing, TC3-HMAC-SHA256
 * (https://www.tencentcloud.com/document/api/382/40675): the headers of a signed JSON POST.
 */
import { createHash, createHmac } from 'node:crypto';

const sha256 = (text: string): string => createHash('sha256').update(text, 'utf8').digest('hex');
const hmac = (key: string | Buffer, text: string): Buffer => createHmac('sha256', key).update(text, 'utf8').digest();

export interface Tc3Request {
  host: string;
  service: string;
  action: string;
  version: string;
  region: string;
  body: string;
  timestampSec: number;
  secretId: string;
  secretKey: string;
}

const CONTENT_TYPE = 'application/json; charset=utf-8';

/** The headers that make `r` a signed request (Host is set by the HTTP client from the URL). */
export function tc3Headers(r: Tc3Request): Record<string, string> {
  const date = new Date(r.timestampSec * 1000).toISOString().slice(0, 10);
  const canonical = ['POST', '/', '', `content-type:${CONTENT_TYPE}`, `host:${r.host}`, '', 'content-type;host', sha256(r.body)].join('\n');
  const scope = `${date}/${r.service}/tc3_request`;
  const toSign = ['TC3-HMAC-SHA256', String(r.timestampSec), scope, sha256(canonical)].join('\n');
  const key = hmac(hmac(hmac(`TC3${r.secretKey}`, date), r.service), 'tc3_request');
  const signature = createHmac('sha256', key).update(toSign, 'utf8').digest('hex');
  return {
    'Content-Type': CONTENT_TYPE,
    Authorization: `TC3-HMAC-SHA256 Credential=${r.secretId}/${scope}, SignedHeaders=content-type;host, Signature=${signature}`,
    'X-TC-Action': r.action,
    'X-TC-Version': r.version,
    'X-TC-Timestamp': String(r.timestampSec),
    'X-TC-Region': r.region,
    'X-TC-Language': 'en-US',
  };
}
