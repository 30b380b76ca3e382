/**
 * Services that answer HTTP 200 with an error code in the body (WeCom, DingTalk, Lark, Yunzhijia):
 * a `check` for webhookAlerter that reads the code and turns anything but success into an
 * HttpFailure, retryable only for the service's documented rate-limit or busy codes.
 * ElastAlert2 only calls raise_for_status(), so it counts these refusals as sent.
 */
import { HttpFailure, quoteBody, type HttpResult } from '../http.ts';

export interface CodeAnswer {
  type: string;
  /** The body field holding the code (errcode, code). */
  field: string;
  /** The success value(s); an answer without the field is taken as success. */
  ok: readonly unknown[];
  /** Codes that mean "later" (rate limits, busy). */
  retryable?: readonly unknown[];
  /** The field with the service's message. */
  message?: string;
  secrets?: readonly string[];
}

/** A `check` that throws when the answer's `field` is not one of `ok`. */
export function codeCheck(spec: CodeAnswer): (result: HttpResult) => void {
  return (result) => {
    let answer: Record<string, unknown>;
    try {
      answer = JSON.parse(result.body) as Record<string, unknown>;
    } catch {
      return;
    }
    if (answer === null || typeof answer !== 'object' || !(spec.field in answer)) return;
    const code = answer[spec.field];
    if (spec.ok.includes(code)) return;
    const said = spec.message ? answer[spec.message] : undefined;
    const detail = `the service refused the alert: ${spec.field} ${quoteBody(String(code), spec.secrets ?? [])}${said === undefined ? '' : `: ${quoteBody(String(said), spec.secrets ?? [])}`}`;
    throw new HttpFailure(spec.type, detail, spec.retryable?.includes(code) ?? false, result.retryAfterMs, result.status);
  };
}
