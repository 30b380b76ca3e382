import { describe, expect, it } from '@jest/globals';
import { compilePost, createPostAlerter } from '../../../alerters/post/index.ts';
import { compileTemplate, renderTemplate } from '../../../alerters/post/template.ts';
import { silentLogger } from '../../../src/log.ts';
import { hostileValues, httpRule, MATCH, refOf } from './http-fixtures.ts';

const URL1 = 'https://hooks.example.com/webhook/s3cr3t-t0ken';

function body(type: 'post' | 'post2', options: Record<string, unknown>, match: Record<string, unknown> = MATCH): string {
  const rule = httpRule(type, { [type === 'post' ? 'http_post_url' : 'http_post2_url']: URL1, ...options });
  return JSON.stringify(compilePost(type, rule, rule.options).body(match));
}

function headers(type: 'post' | 'post2', options: Record<string, unknown>, match: Record<string, unknown> = MATCH): Record<string, string> {
  const rule = httpRule(type, { [type === 'post' ? 'http_post_url' : 'http_post2_url']: URL1, ...options });
  return compilePost(type, rule, rule.options).headers(match);
}

function loadError(type: 'post' | 'post2', options: Record<string, unknown>): string {
  const rule = httpRule(type, { [type === 'post' ? 'http_post_url' : 'http_post2_url']: URL1, ...options });
  try {
    createPostAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined });
  } catch (error) {
    return (error as Error).message;
  }
  return 'no error';
}

const WHOLE =
  '{"@timestamp":"2024-05-01T12:00:00Z","user":{"name":"bob"},"source.ip":"10.0.0.1","source":{"port":22},"num_hits":7,"ok":true,"tags":["a","b"],"nothing":null}';

describe('post body (ElastAlert2 HTTPPostAlerter)', () => {
  const rows: { why: string; options: Record<string, unknown>; expected: string }[] = [
    { why: 'no payload: the whole match', options: {}, expected: WHOLE },
    {
      why: 'payload maps output keys to field paths (nested, literal dotted, missing -> null) and drops the rest',
      options: { http_post_payload: { who: 'user.name', ip: 'source.ip', port: 'source.port', gone: 'nope', n: 'nothing' } },
      expected: '{"who":"bob","ip":"10.0.0.1","port":22,"gone":null,"n":null}',
    },
    {
      why: 'static payload is added to the whole match; payload keys win over static ones',
      options: {
        http_post_static_payload: { apikey: 'abc123', user: 'static' },
        http_post_all_values: true,
        http_post_payload: { user: 'user.name' },
      },
      expected: WHOLE.replace('"user":{"name":"bob"}', '"user":"bob"').replace(/}$/, ',"apikey":"abc123"}'),
    },
    {
      why: 'static payload alone keeps the whole match (http_post_all_values defaults to true)',
      options: { http_post_static_payload: { apikey: 'abc123' } },
      expected: WHOLE.replace(/}$/, ',"apikey":"abc123"}'),
    },
    {
      why: 'all_values false and no payload: only static',
      options: { http_post_all_values: false, http_post_static_payload: { a: [1, { b: null }] } },
      expected: '{"a":[1,{"b":null}]}',
    },
  ];
  it.each(rows)('$why', ({ options, expected }) => {
    expect(body('post', options)).toBe(expected);
  });

  it("headers: JSON defaults, then the rule's (which may override them)", () => {
    expect(headers('post', { http_post_headers: { authorization: 'Basic 123dr3234', Accept: 'text/plain' } })).toEqual({
      'Content-Type': 'application/json',
      Accept: 'text/plain',
      authorization: 'Basic 123dr3234',
    });
  });
});

describe('post2 body (ElastAlert2 HTTPPost2Alerter)', () => {
  const rows: { why: string; options: Record<string, unknown>; match?: Record<string, unknown>; expected: string }[] = [
    { why: 'no payload: the whole match', options: {}, expected: WHOLE },
    { why: 'literal payload only', options: { http_post2_payload: { posted_name: 'toto' } }, expected: '{"posted_name":"toto"}' },
    {
      why: 'placeholders in keys and values, nested fields, numbers as text (mapping form)',
      options: {
        http_post2_payload: {
          'description_{{ user.name }}': 'Type: {{ user.name }}\\nHits: {{num_hits}} ok={{ok}} tags={{tags}}',
          nested: { deep: ['{{ source.port }}', 5] },
        },
      },
      expected: '{"description_bob":"Type: bob\\\\nHits: 7 ok=True tags=[\'a\', \'b\']","nested":{"deep":["22",5]}}',
    },
    {
      why: 'a key with a control character (ElastAlert2 test: args for the key)',
      options: { http_post2_payload: { 'args_{{some_field}}': 'tata' } },
      match: { some_field: 'to\tto' },
      expected: '{"args_to\\tto":"tata"}',
    },
    {
      why: 'missing and null fields print nothing',
      options: { http_post2_payload: { a: '[{{ nope }}]', b: '[{{ nothing }}]', c: '[{{ user.missing }}]' } },
      expected: '{"a":"[]","b":"[]","c":"[]"}',
    },
    {
      why: '_data reaches dotted and odd field names; [n] indexes lists',
      options: {
        http_post2_payload: {
          ip: "{{ _data['source.ip'] }}",
          ts: '{{ _data["@timestamp"] }}',
          first: '{{ tags[0] }}',
          second: '{{ _data.tags[1] }}',
        },
      },
      expected: '{"ip":"10.0.0.1","ts":"2024-05-01T12:00:00Z","first":"a","second":"b"}',
    },
    {
      why: 'jinja_root_name renames _data',
      options: { jinja_root_name: '_new_root', http_post2_payload: { ip: "{{ _new_root['source.ip'] }}", old: "{{ _data['x'] }}" } },
      expected: '{"ip":"10.0.0.1","old":""}',
    },
    {
      why: 'JSON string form: quoted placeholders are text, bare ones are the value itself',
      options: {
        http_post2_payload:
          '{\n  "who": "{{ user.name }}",\n  "hits": {{ num_hits }},\n  "ok": {{ok}},\n  "tags": {{ tags }},\n  "src": {{ source }},\n  "none": {{ nope }},\n  "k_{{ user.name }}": "v \\"{{ num_hits }}\\""\n}',
      },
      expected: '{"who":"bob","hits":7,"ok":true,"tags":["a","b"],"src":{"port":22},"none":null,"k_bob":"v \\"7\\""}',
    },
    {
      why: 'JSON string form with _data and double quotes inside the placeholder (ElastAlert2 test)',
      options: {
        jinja_root_name: '_data',
        http_post2_payload: '{\n "args_{{_data[\'key1\']}}": "tata",\n "args_{{_data["key2"]}}": "toto"\n}',
      },
      match: { key1: 'k1', key2: 'k2' },
      expected: '{"args_k1":"tata","args_k2":"toto"}',
    },
    {
      why: 'raw fields overwrite payload keys and keep the document value as it is',
      options: {
        http_post2_payload: { posted_name: 'toto', overwrite_field: 'tata' },
        http_post2_raw_fields: { overwrite_field: 'source', missing: 'nope' },
      },
      expected: '{"posted_name":"toto","overwrite_field":{"port":22},"missing":null}',
    },
    {
      why: 'all_values adds the payload to the whole match',
      options: { http_post2_all_values: true, http_post2_payload: { extra: '{{ user.name }}' } },
      expected: WHOLE.replace(/}$/, ',"extra":"bob"}'),
    },
    {
      why: 'an empty payload mapping counts as none (whole match), as in ElastAlert2',
      options: { http_post2_payload: {} },
      expected: WHOLE,
    },
  ];
  it.each(rows)('$why', ({ options, match, expected }) => {
    expect(body('post2', options, match)).toBe(expected);
  });

  it('headers are rendered; numbers become text', () => {
    expect(
      headers(
        'post2',
        { http_post2_headers: { authorization: 'Basic 123dr3234', 'X-custom-{{ kind }}': '{{ type }}', 'X-Hits': '{{ n }}' } },
        { kind: 'k', type: 'ssh', n: 3 },
      ),
    ).toEqual({
      'Content-Type': 'application/json',
      Accept: 'application/json;charset=utf-8',
      authorization: 'Basic 123dr3234',
      'X-custom-k': 'ssh',
      'X-Hits': '3',
    });
    expect(headers('post2', { http_post2_headers: '{"X-N": {{ n }}}' }, { n: 3 })['X-N']).toBe('3');
  });

  it('a header that renders to an object is refused for this alert, without quoting it', () => {
    expect(() => headers('post2', { http_post2_headers: '{"X-Obj": {{ o }}}' }, { o: { secret: 'v' } })).toThrow(
      'post2: http_post2_headers: header "X-Obj" is not text once rendered',
    );
  });
});

describe('hostile values are data', () => {
  const hostile = hostileValues();

  it('post: the whole match arrives as the same JSON, byte for byte', () => {
    expect(body('post', {}, hostile)).toBe(JSON.stringify(hostile));
    const parsed = JSON.parse(body('post', {}, hostile)) as Record<string, unknown>;
    expect(Object.hasOwn(parsed, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('post2: every placeholder keeps the value exactly, whatever it holds', () => {
    const payload: Record<string, string> = {};
    for (const key of Object.keys(hostile)) payload[key] = `{{ _data['${key}'] }}`;
    const out = JSON.parse(body('post2', { http_post2_payload: payload }, hostile)) as Record<string, unknown>;
    for (const [key, value] of Object.entries(hostile)) {
      if (typeof value === 'string') expect(out[key]).toBe(value);
    }
    // Placeholders in a document value are text, never expanded: the value holding {{7*7}} is unchanged.
    expect(out['jinja']).toBe('{{7*7}} {{ _data }} {% for x in y %}{% endfor %} {# c #}');
  });

  it('post2 JSON string form: bare placeholders give the values themselves, byte for byte', () => {
    const keys = Object.keys(hostile).filter((k) => k !== '__proto__');
    const template = `{${keys.map((k) => `"${k}": {{ _data['${k}'] }}`).join(', ')}}`;
    const expected: Record<string, unknown> = {};
    for (const k of keys) expected[k] = hostile[k];
    expect(body('post2', { http_post2_payload: template }, hostile)).toBe(JSON.stringify(expected));
  });

  it('post2: a document key from a placeholder cannot replace the prototype', () => {
    const out = body('post2', { http_post2_payload: { '{{ k }}': 'v' } }, { k: '__proto__' });
    expect(out).toBe('{"__proto__":"v"}');
  });
});

describe('templates refused at load', () => {
  const rows: { why: string; type: 'post' | 'post2'; options: Record<string, unknown>; message: string }[] = [
    {
      why: 'filters',
      type: 'post2',
      options: { http_post2_payload: { a: '{{ x | upper }}' } },
      message: 'http_post2_payload: {{ x | upper }} is not supported: only field references',
    },
    {
      why: 'expressions',
      type: 'post2',
      options: { http_post2_payload: { a: "{{ ['low','high'][event.severity] }}" } },
      message: 'is not supported',
    },
    {
      why: 'blocks',
      type: 'post2',
      options: { http_post2_payload: '{ {% for k in x %}"a": 1{% endfor %} }' },
      message: 'http_post2_payload: Jinja blocks ({% ... %}) and comments ({# ... #}) are not supported',
    },
    { why: 'unclosed', type: 'post2', options: { http_post2_payload: { a: '{{ x ' } }, message: 'a "{{" is not closed by "}}"' },
    {
      why: 'invalid JSON (ElastAlert2 test)',
      type: 'post2',
      options: { http_post2_payload: 'this is invalid json' },
      message: 'http_post2_payload: is not valid JSON once each {{ ... }} stands for one value',
    },
    {
      why: 'JSON that is not an object',
      type: 'post2',
      options: { http_post2_payload: '[1, 2]' },
      message: 'http_post2_payload: must be a mapping or a JSON object',
    },
    {
      why: 'headers as a list',
      type: 'post2',
      options: { http_post2_headers: ['a'] },
      message: 'http_post2_headers: expected a mapping or a string, got a list (value hidden: it is a secret)',
    },
    {
      why: 'payload field that is not a name',
      type: 'post',
      options: { http_post_payload: { a: 5 } },
      message: 'http_post_payload.a: expected a string, got 5',
    },
    {
      why: 'static header with a line break',
      type: 'post',
      options: { http_post_headers: { 'X-Key': 'a\nb' } },
      message: 'http_post_headers: header "X-Key" has a value with a line break',
    },
    { why: 'timeout 0', type: 'post', options: { http_post_timeout: 0 }, message: 'http_post_timeout: expected a number > 0, got 0' },
    {
      why: 'bad all_values',
      type: 'post2',
      options: { http_post2_all_values: 'yes' },
      message: 'http_post2_all_values: expected true or false, got "yes"',
    },
  ];
  it.each(rows)('$why', ({ type, options, message }) => {
    const error = loadError(type, options);
    expect(error).toContain('ssh.yaml: rule "SSH brute force": ');
    expect(error).toContain(message);
  });

  it('an invalid URL is named by option, never quoted', () => {
    const error = loadError('post', { http_post_url: 'https//hooks.example.com/s3cr3t-t0ken' });
    expect(error).toBe('ssh.yaml: rule "SSH brute force": http_post_url: is not a valid URL (value hidden: it may hold a token)');
  });
});

describe('template engine', () => {
  it('compiles once and renders many matches independently', () => {
    const t = compileTemplate({ a: '{{ x }}' });
    expect(renderTemplate(t, { x: 1 })).toEqual({ a: '1' });
    expect(renderTemplate(t, { x: '{{ x }}' })).toEqual({ a: '{{ x }}' });
  });

  it('a literal private-use character in the template is kept', () => {
    const t = compileTemplate('{"a": "\uE000x\uE001 {{ y }}"}');
    expect(renderTemplate(t, { y: 'z' })).toEqual({ a: '\uE000x\uE001 z' });
  });

  it('flattened dotted keys are found like alert_text_args finds them', () => {
    expect(
      renderTemplate(compileTemplate({ a: '{{ source.ip }}', b: '{{ host.name.keyword }}' }), {
        'source.ip': '1.2.3.4',
        host: { name: 'web' },
      }),
    ).toEqual({ a: '1.2.3.4', b: 'web' });
  });
});

describe('proxies', () => {
  it('http_post_proxy must be an http(s) URL, refused by name without showing the value', () => {
    const rule = httpRule('post', { http_post_url: URL1, http_post_proxy: 'socks5://user:pr0xy-pass@proxy.example:1080' });
    let message = '';
    try {
      createPostAlerter(refOf(rule), rule, { log: silentLogger(), out: () => undefined });
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain('http_post_proxy: must be an http:// or https:// URL, not socks5:');
    expect(message).not.toContain('pr0xy-pass');
  });
});
