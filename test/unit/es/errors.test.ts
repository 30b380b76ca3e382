import { describe, expect, it } from '@jest/globals';
import { errors } from '@elastic/elasticsearch';
import { classifyEsError, EsError, type EsErrorKind } from '../../../src/es/errors.ts';

type Diagnostic = ConstructorParameters<typeof errors.ResponseError>[0];

const PASSWORD = 'hunter2-Secret';
const API_KEY = 'VnVhQ2ZHY0JDZGJrUW0tZTVhT3g6dWkybHAyYXhUTm1zeWFrdzl0dk5udw==';

/** Diagnostic metadata as the transport fills it in, with the credentials it would have sent. */
function diagnostic(statusCode: number | undefined, body: unknown): Diagnostic {
  return {
    body,
    statusCode,
    headers: {},
    warnings: null,
    meta: {
      context: null,
      name: 'elasticsearch-js',
      request: {
        params: { method: 'POST', path: '/logs-*/_search', headers: { authorization: `ApiKey ${API_KEY}` } },
        options: {},
        id: 1,
      },
      connection: null,
      attempts: 0,
      aborted: false,
    },
  };
}

const responseError = (statusCode: number, body: unknown): errors.ResponseError => new errors.ResponseError(diagnostic(statusCode, body));
const esBody = (status: number, type: string, reason: string, extra: Record<string, unknown> = {}) => ({
  error: { type, reason, root_cause: [{ type, reason }], ...extra },
  status,
});

describe('classifyEsError', () => {
  const cases: [reason: string, error: unknown, kind: EsErrorKind, retryable: boolean, status: number | undefined, message: string][] = [
    [
      '429 is rate limiting, worth retrying later',
      responseError(429, esBody(429, 'es_rejected_execution_exception', 'rejected execution of search on thread pool')),
      'rate_limited',
      true,
      429,
      'searching logs-*: HTTP 429 es_rejected_execution_exception: rejected execution of search on thread pool',
    ],
    [
      '500 is the cluster failing, worth retrying',
      responseError(500, esBody(500, 'null_pointer_exception', 'boom')),
      'unavailable',
      true,
      500,
      'searching logs-*: HTTP 500 null_pointer_exception: boom',
    ],
    ['502 from a proxy without a body is retryable', responseError(502, undefined), 'unavailable', true, 502, 'searching logs-*: HTTP 502'],
    [
      '503 with no master is retryable',
      responseError(503, esBody(503, 'master_not_discovered_exception', 'no master')),
      'unavailable',
      true,
      503,
      'searching logs-*: HTTP 503 master_not_discovered_exception: no master',
    ],
    [
      '503 from a proxy in plain text keeps its text',
      responseError(503, 'Service Unavailable\n'),
      'unavailable',
      true,
      503,
      'searching logs-*: HTTP 503: Service Unavailable',
    ],
    [
      '400 is a query Elasticsearch rejects, permanent; the cause is quoted',
      responseError(
        400,
        esBody(400, 'search_phase_execution_exception', 'all shards failed', {
          caused_by: { type: 'parsing_exception', reason: 'unknown query [mtch]' },
        }),
      ),
      'bad_request',
      false,
      400,
      'searching logs-*: HTTP 400 search_phase_execution_exception: all shards failed: unknown query [mtch]',
    ],
    [
      '400 with only a root cause quotes the root cause',
      responseError(400, { error: { root_cause: [{ type: 'parsing_exception', reason: 'no [query] registered for [x]' }] }, status: 400 }),
      'bad_request',
      false,
      400,
      'searching logs-*: HTTP 400 parsing_exception: no [query] registered for [x]',
    ],
    [
      '400 with an error string quotes it',
      responseError(400, { error: 'Incorrect HTTP method', status: 400 }),
      'bad_request',
      false,
      400,
      'searching logs-*: HTTP 400: Incorrect HTTP method',
    ],
    [
      '401 is wrong credentials, permanent',
      responseError(401, esBody(401, 'security_exception', 'unable to authenticate user [elastic] for REST request [/_search]')),
      'auth',
      false,
      401,
      'searching logs-*: HTTP 401 security_exception: unable to authenticate user [elastic] for REST request [/_search]',
    ],
    [
      '403 is missing privileges, permanent',
      responseError(403, esBody(403, 'security_exception', 'action [indices:data/read/search] is unauthorized for user [reader]')),
      'forbidden',
      false,
      403,
      'searching logs-*: HTTP 403 security_exception: action [indices:data/read/search] is unauthorized for user [reader]',
    ],
    [
      '404 is a missing index, permanent',
      responseError(404, esBody(404, 'index_not_found_exception', 'no such index [logs-x]')),
      'not_found',
      false,
      404,
      'searching logs-*: HTTP 404 index_not_found_exception: no such index [logs-x]',
    ],
    [
      '409 is a version conflict, permanent',
      responseError(409, esBody(409, 'version_conflict_engine_exception', '[1]: version conflict')),
      'conflict',
      false,
      409,
      'searching logs-*: HTTP 409 version_conflict_engine_exception: [1]: version conflict',
    ],
    [
      'the status inside the body wins over the HTTP status, as the client reports it',
      responseError(200, esBody(429, 'x', 'y')),
      'rate_limited',
      true,
      429,
      'searching logs-*: HTTP 429 x: y',
    ],
    [
      'a timeout is retryable',
      new errors.TimeoutError('Request timed out', diagnostic(undefined, undefined)),
      'timeout',
      true,
      undefined,
      'searching logs-*: request timed out',
    ],
    [
      'a refused connection is retryable and keeps the cause',
      new errors.ConnectionError('connect ECONNREFUSED 127.0.0.1:9200', diagnostic(undefined, undefined)),
      'connection',
      true,
      undefined,
      'searching logs-*: cannot connect (connect ECONNREFUSED 127.0.0.1:9200)',
    ],
    [
      'https:// against a plain-http cluster says to try http://',
      new errors.ConnectionError(
        '40AD4BFB3B7F0000:error:0A00010B:SSL routines:tls_validate_record_header:wrong version number:../deps/openssl/openssl/ssl/record/methods/tlsany_meth.c:77:',
        diagnostic(undefined, undefined),
      ),
      'connection',
      true,
      undefined,
      'searching logs-*: cannot connect: the cluster does not speak TLS here — try http:// instead of https:// (or use_ssl: false)',
    ],
    [
      'no living connection is retryable',
      new errors.NoLivingConnectionsError('none', diagnostic(undefined, undefined)),
      'connection',
      true,
      undefined,
      'searching logs-*: no Elasticsearch node is reachable',
    ],
    [
      'a server that is not Elasticsearch is permanent',
      new errors.ProductNotSupportedError('Elasticsearch', diagnostic(200, {})),
      'not_elasticsearch',
      false,
      undefined,
      'searching logs-*: the server is not Elasticsearch',
    ],
    [
      'an aborted request counts as a timeout',
      new errors.RequestAbortedError('Request aborted', diagnostic(undefined, undefined)),
      'timeout',
      true,
      undefined,
      'searching logs-*: request aborted',
    ],
    [
      'a serialization failure is not retryable',
      new errors.SerializationError('cannot serialize', {}),
      'unknown',
      false,
      undefined,
      'searching logs-*: cannot serialize',
    ],
    [
      'a deserialization failure is not retryable',
      new errors.DeserializationError('Unexpected token <', '<html>'),
      'unknown',
      false,
      undefined,
      'searching logs-*: Unexpected token <',
    ],
    [
      'a configuration error is not retryable',
      new errors.ConfigurationError('bad node'),
      'unknown',
      false,
      undefined,
      'searching logs-*: bad node',
    ],
    [
      'any other Error keeps its message',
      new TypeError('x is not a function'),
      'unknown',
      false,
      undefined,
      'searching logs-*: x is not a function',
    ],
    ['a thrown string is kept', 'something odd', 'unknown', false, undefined, 'searching logs-*: something odd'],
  ];

  it.each(cases)('%s', (_reason, error, kind, retryable, status, message) => {
    const classified = classifyEsError(error, 'searching logs-*', [PASSWORD, API_KEY]);
    expect(classified).toBeInstanceOf(EsError);
    expect({ kind: classified.kind, retryable: classified.retryable, status: classified.status, message: classified.message }).toEqual({
      kind,
      retryable,
      status,
      message,
    });
  });

  it('keeps the Elasticsearch error type apart', () => {
    expect(classifyEsError(responseError(404, esBody(404, 'index_not_found_exception', 'no such index')), 'x').esType).toBe(
      'index_not_found_exception',
    );
  });

  it('returns an EsError it is given unchanged', () => {
    const original = new EsError('auth', 'already classified', 401);
    expect(classifyEsError(original, 'again')).toBe(original);
  });

  const leaks: [reason: string, error: unknown][] = [
    ['a reason that echoes the password', responseError(401, esBody(401, 'security_exception', `bad password ${PASSWORD}`))],
    [
      'a connection error that quotes a URL with credentials',
      new errors.ConnectionError(`connect ECONNREFUSED http://elastic:${PASSWORD}@127.0.0.1:9200`, diagnostic(undefined, undefined)),
    ],
    ['a message that quotes the Authorization header', new Error(`request failed: {"authorization":"ApiKey ${API_KEY}"}`)],
    ['a message that quotes the API key itself', new Error(`key ${API_KEY} rejected`)],
  ];
  it.each(leaks)('never shows a secret in %s', (_reason, error) => {
    const classified = classifyEsError(error, 'searching logs-*', [PASSWORD, API_KEY]);
    expect(classified.message).not.toContain(PASSWORD);
    expect(classified.message).not.toContain(API_KEY);
    expect(JSON.stringify(classified)).not.toContain(PASSWORD);
  });
});

describe('EsError', () => {
  const kinds: [kind: EsErrorKind, retryable: boolean][] = [
    ['connection', true],
    ['timeout', true],
    ['rate_limited', true],
    ['unavailable', true],
    ['auth', false],
    ['forbidden', false],
    ['not_found', false],
    ['bad_request', false],
    ['conflict', false],
    ['not_elasticsearch', false],
    ['unknown', false],
  ];
  it.each(kinds)('makes kind %s retryable=%s', (kind, retryable) => {
    const error = new EsError(kind, 'm');
    expect(error.retryable).toBe(retryable);
    expect(error.name).toBe('EsError');
  });
});
