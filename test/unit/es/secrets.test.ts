import { describe, expect, it } from '@jest/globals';
import { bulkItemError } from '../../../src/es/errors.ts';
import { redact } from '../../../src/escape/index.ts';
import { secretForms } from '../../../src/es/secrets.ts';

const b64 = (s: string): string => Buffer.from(s).toString('base64');

describe('secretForms', () => {
  it('covers a password as written, URL-encoded and inside base64(user:password)', () => {
    const forms = secretForms({ url: 'http://es:9200', username: 'elastic', password: 'p@ss/w rd' });
    expect(forms).toEqual(expect.arrayContaining(['p@ss/w rd', 'p%40ss%2Fw%20rd', b64('elastic:p@ss/w rd')]));
  });

  it('covers user:pass@ in the URL in the form the client sends it (decoded, then base64)', () => {
    const forms = secretForms({ url: 'https://elastic:p%40ss%2Fword@es:9200' });
    expect(forms).toEqual(expect.arrayContaining(['p%40ss%2Fword', 'p@ss/word', b64('elastic:p@ss/word')]));
  });

  it('covers an encoded API key, its decoded id:key and the key', () => {
    const key = b64('my-id:the-secret-part');
    expect(secretForms({ url: 'http://es', apiKey: key })).toEqual(
      expect.arrayContaining([key, 'my-id:the-secret-part', 'the-secret-part']),
    );
  });

  it('lists longer forms first, so redaction never leaves part of one behind', () => {
    const forms = secretForms({ url: 'http://es', username: 'u', password: 'secret' });
    expect(forms.map((f) => f.length)).toEqual([...forms.map((f) => f.length)].sort((a, b) => b - a));
    const text = `auth=Basic ${b64('u:secret')} pw=secret`;
    expect(redact(text, forms)).toBe('auth=Basic *** pw=***');
  });

  it('has nothing to hide without credentials', () => {
    expect(secretForms({ url: 'http://es:9200' })).toEqual([]);
  });
});

describe('bulkItemError', () => {
  it('classifies an item by its own status: a mapping error is not retryable, a rejection is', () => {
    const mapping = bulkItemError('recording an alert', {
      status: 400,
      error: { type: 'document_parsing_exception', reason: 'failed to parse field [x] of type [long]' },
    });
    expect(mapping.kind).toBe('bad_request');
    expect(mapping.retryable).toBe(false);
    expect(mapping.message).toBe('recording an alert: HTTP 400 document_parsing_exception: failed to parse field [x] of type [long]');
    const rejected = bulkItemError('recording an alert', {
      status: 429,
      error: { type: 'es_rejected_execution_exception', reason: 'queue full' },
    });
    expect(rejected.retryable).toBe(true);
    expect(bulkItemError('x', { status: 403, error: { type: 'cluster_block_exception', reason: 'read-only' } }).kind).toBe('forbidden');
  });

  it('redacts what the item echoes', () => {
    expect(bulkItemError('x', { status: 500, error: { reason: 'auth=hunter22' } }, ['hunter22']).message).toBe('x: HTTP 500: auth=***');
  });
});
