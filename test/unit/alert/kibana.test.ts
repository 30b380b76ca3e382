import { describe, expect, it } from '@jest/globals';
import { kibanaDiscoverUrl } from '../../../src/alert/kibana.ts';
import { pyQuote, risonEncode } from '../../../src/pycompat/index.ts';
import type { RuleDefinition } from '../../../src/rules/types.ts';
import { HOSTILE_VALUES } from '../../support/hostile.ts';
import { makeRule } from '../ruletypes/fixtures.ts';

const T = Date.parse('2024-05-01T12:00:00Z');

function kibanaRule(options: Record<string, unknown>, overrides: Partial<RuleDefinition> = {}): RuleDefinition {
  return makeRule(overrides, {
    timeframe: undefined,
    num_events: undefined,
    generate_kibana_discover_url: true,
    kibana_discover_app_url: 'app/discover#/',
    kibana_discover_version: '8.12',
    kibana_discover_index_pattern_id: 'logs',
    ...options,
  });
}

/** Rison as Kibana reads it (rison-node): the test's independent decoder of what we encode. */
function parseRison(text: string): unknown {
  let i = 0;
  const fail = (why: string): never => {
    throw new Error(`rison: ${why} at ${i} in ${JSON.stringify(text.slice(0, 200))}`);
  };
  const value = (): unknown => {
    const c = text[i];
    if (c === '!') {
      i += 2;
      const t = text[i - 1];
      if (t === 't') return true;
      if (t === 'f') return false;
      if (t === 'n') return null;
      if (t === '(') return list();
      return fail('bad !');
    }
    if (c === '(') {
      i++;
      return object();
    }
    if (c === "'") {
      i++;
      let out = '';
      for (;;) {
        const ch = text[i++];
        if (ch === undefined) return fail('unterminated string');
        if (ch === "'") return out;
        if (ch === '!') {
          const next = text[i++];
          if (next !== '!' && next !== "'") fail('bad escape');
          out += next;
        } else out += ch;
      }
    }
    const number = /^-?\d+(?:\.\d+)?(?:e-?\d+)?/.exec(text.slice(i));
    if (number) {
      i += number[0].length;
      return Number(number[0]);
    }
    const id = /^[^ '!:(),*@$]+/.exec(text.slice(i));
    if (!id) return fail('expected a value');
    i += id[0].length;
    return id[0];
  };
  const list = (): unknown[] => {
    const out: unknown[] = [];
    if (text[i] === ')') return (i++, out);
    for (;;) {
      out.push(value());
      const c = text[i++];
      if (c === ')') return out;
      if (c !== ',') fail('expected , or )');
    }
  };
  const object = (): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    if (text[i] === ')') return (i++, out);
    for (;;) {
      const key = value();
      if (typeof key !== 'string') fail('key must be a string');
      if (text[i++] !== ':') fail('expected :');
      Object.defineProperty(out, key as string, { value: value(), enumerable: true, writable: true, configurable: true });
      const c = text[i++];
      if (c === ')') return out;
      if (c !== ',') fail('expected , or )');
    }
  };
  const result = value();
  if (i !== text.length) fail('trailing text');
  return result;
}

function decodeState(url: string): { g: unknown; a: Record<string, unknown> } {
  const m = /\?_g=([^&]*)&_a=([^&]*)$/.exec(url);
  if (!m) throw new Error(`not a discover URL: ${url}`);
  return { g: parseRison(decodeURIComponent(m[1] ?? '')), a: parseRison(decodeURIComponent(m[2] ?? '')) as Record<string, unknown> };
}

describe('kibanaDiscoverUrl: the URLs ElastAlert2 builds (expected texts derived from its generate_kibana_discover_url and prison 0.2.1)', () => {
  it('no filter, no query_key: 10 minutes each side; an id that is a rison word stays bare', () => {
    const rule = kibanaRule({
      kibana_discover_app_url: 'http://kibana:5601/#/discover',
      kibana_discover_version: '7.17',
      kibana_discover_index_pattern_id: 'd6cabfb6-aaef-44ea-89c5-600e9a76991a',
    });
    expect(kibanaDiscoverUrl(rule, { '@timestamp': '2019-09-01T00:30:00Z' }, Date.parse('2019-09-01T00:30:00Z'))).toBe(
      'http://kibana:5601/#/discover' +
        '?_g=%28filters%3A%21%28%29%2CrefreshInterval%3A%28pause%3A%21t%2Cvalue%3A0%29%2Ctime%3A%28from%3A%272019-09-01T00%3A20%3A00Z%27%2Cto%3A%272019-09-01T00%3A40%3A00Z%27%29%29' +
        '&_a=%28columns%3A%21%28_source%29%2Cfilters%3A%21%28%29%2Cindex%3Ad6cabfb6-aaef-44ea-89c5-600e9a76991a%2Cinterval%3Aauto%29',
    );
  });

  it('an index pattern that is not a word is quoted', () => {
    const rule = kibanaRule({
      kibana_discover_app_url: 'https://kibana.example:5601/app/discover#/',
      kibana_discover_index_pattern_id: 'filebeat-*',
    });
    expect(kibanaDiscoverUrl(rule, {}, T)).toBe(
      'https://kibana.example:5601/app/discover#/' +
        '?_g=%28filters%3A%21%28%29%2CrefreshInterval%3A%28pause%3A%21t%2Cvalue%3A0%29%2Ctime%3A%28from%3A%272024-05-01T11%3A50%3A00Z%27%2Cto%3A%272024-05-01T12%3A10%3A00Z%27%29%29' +
        '&_a=%28columns%3A%21%28_source%29%2Cfilters%3A%21%28%29%2Cindex%3A%27filebeat-%2A%27%2Cinterval%3Aauto%29',
    );
  });

  it('timeframe, to_timedelta, columns, a filter with a {query: ...} clause unwrapped, a compound query_key (nested and dotted fields), milliseconds kept', () => {
    const rule = kibanaRule(
      {
        kibana_discover_app_url: 'https://kibana.example/app/discover#/',
        kibana_discover_index_pattern_id: '7a1c3c60-0d3b-11ef-9d5e-0242ac120002',
        timeframe: { minutes: 5 },
        kibana_discover_to_timedelta: { minutes: 1 },
        kibana_discover_columns: ['user.name', 'source.ip'],
      },
      {
        filter: [
          { term: { 'event.action': 'ssh_login' } },
          { query: { query_string: { query: 'event.outcome:failure AND host.name:"web-1"' } } },
        ],
        queryKey: ['user.name', 'source.ip'],
      },
    );
    expect(kibanaDiscoverUrl(rule, { user: { name: 'bob' }, 'source.ip': '10.0.0.1' }, T + 250)).toBe(
      'https://kibana.example/app/discover#/' +
        '?_g=%28filters%3A%21%28%29%2CrefreshInterval%3A%28pause%3A%21t%2Cvalue%3A0%29%2Ctime%3A%28from%3A%272024-05-01T11%3A55%3A00.250Z%27%2Cto%3A%272024-05-01T12%3A01%3A00.250Z%27%29%29' +
        '&_a=%28columns%3A%21%28user.name%2Csource.ip%29%2Cfilters%3A%21%28' +
        '%28%27%24state%27%3A%28store%3AappState%29%2Cbool%3A%28must%3A%21%28%28term%3A%28event.action%3Assh_login%29%29%2C%28query_string%3A%28query%3A%27event.outcome%3Afailure%20AND%20host.name%3A%22web-1%22%27%29%29%29%29%2Cmeta%3A%28alias%3Afilter%2Cdisabled%3A%21f%2Cindex%3A%277a1c3c60-0d3b-11ef-9d5e-0242ac120002%27%2Ckey%3Abool%2Cnegate%3A%21f%2Ctype%3Acustom%2Cvalue%3A%27%7B%22must%22%3A%5B%7B%22term%22%3A%7B%22event.action%22%3A%22ssh_login%22%7D%7D%2C%7B%22query_string%22%3A%7B%22query%22%3A%22event.outcome%3Afailure%20AND%20host.name%3A%5C%22web-1%5C%22%22%7D%7D%5D%7D%27%29%29%2C' +
        '%28%27%24state%27%3A%28store%3AappState%29%2Cmeta%3A%28alias%3A%21n%2Cdisabled%3A%21f%2Cindex%3A%277a1c3c60-0d3b-11ef-9d5e-0242ac120002%27%2Ckey%3Auser.name%2Cnegate%3A%21f%2Cparams%3A%28query%3Abob%2Ctype%3Aphrase%29%2Ctype%3Aphrase%2Cvalue%3Abob%29%2Cquery%3A%28match%3A%28user.name%3A%28query%3Abob%2Ctype%3Aphrase%29%29%29%29%2C' +
        '%28%27%24state%27%3A%28store%3AappState%29%2Cmeta%3A%28alias%3A%21n%2Cdisabled%3A%21f%2Cindex%3A%277a1c3c60-0d3b-11ef-9d5e-0242ac120002%27%2Ckey%3Asource.ip%2Cnegate%3A%21f%2Cparams%3A%28query%3A%2710.0.0.1%27%2Ctype%3Aphrase%29%2Ctype%3Aphrase%2Cvalue%3A%2710.0.0.1%27%29%2Cquery%3A%28match%3A%28source.ip%3A%28query%3A%2710.0.0.1%27%2Ctype%3Aphrase%29%29%29%29' +
        '%29%2Cindex%3A%277a1c3c60-0d3b-11ef-9d5e-0242ac120002%27%2Cinterval%3Aauto%29',
    );
  });

  it('a numeric query_key value (params.query stays a number, meta.value is its text), from_timedelta of an hour', () => {
    const rule = kibanaRule(
      { kibana_discover_index_pattern_id: 'logs-*', kibana_discover_from_timedelta: { hours: 1 } },
      { queryKey: ['geo.dest'] },
    );
    expect(kibanaDiscoverUrl(rule, { 'geo.dest': 200 }, Date.parse('2019-09-01T00:30:00Z'))).toBe(
      'app/discover#/' +
        '?_g=%28filters%3A%21%28%29%2CrefreshInterval%3A%28pause%3A%21t%2Cvalue%3A0%29%2Ctime%3A%28from%3A%272019-08-31T23%3A30%3A00Z%27%2Cto%3A%272019-09-01T00%3A40%3A00Z%27%29%29' +
        '&_a=%28columns%3A%21%28_source%29%2Cfilters%3A%21%28%28%27%24state%27%3A%28store%3AappState%29%2Cmeta%3A%28alias%3A%21n%2Cdisabled%3A%21f%2Cindex%3A%27logs-%2A%27%2Ckey%3Ageo.dest%2Cnegate%3A%21f%2Cparams%3A%28query%3A200%2Ctype%3Aphrase%29%2Ctype%3Aphrase%2Cvalue%3A%27200%27%29%2Cquery%3A%28match%3A%28geo.dest%3A%28query%3A200%2Ctype%3Aphrase%29%29%29%29%29%2Cindex%3A%27logs-%2A%27%2Cinterval%3Aauto%29',
    );
  });

  it('hostile values: filter JSON ASCII-escaped, a missing/null query_key value becomes an "exists" filter, negated', () => {
    const rule = kibanaRule({}, { queryKey: ['user', 'status'], filter: [{ term: { msg: "café <b> & 'q'" } }] });
    expect(kibanaDiscoverUrl(rule, { user: '<!channel> it\'s ${jndi:ldap://x} "}],"x":"', status: null }, T)).toBe(
      'app/discover#/' +
        '?_g=%28filters%3A%21%28%29%2CrefreshInterval%3A%28pause%3A%21t%2Cvalue%3A0%29%2Ctime%3A%28from%3A%272024-05-01T11%3A50%3A00Z%27%2Cto%3A%272024-05-01T12%3A10%3A00Z%27%29%29' +
        '&_a=%28columns%3A%21%28_source%29%2Cfilters%3A%21%28' +
        '%28%27%24state%27%3A%28store%3AappState%29%2Cbool%3A%28must%3A%21%28%28term%3A%28msg%3A%27caf%C3%A9%20%3Cb%3E%20%26%20%21%27q%21%27%27%29%29%29%29%2Cmeta%3A%28alias%3Afilter%2Cdisabled%3A%21f%2Cindex%3Alogs%2Ckey%3Abool%2Cnegate%3A%21f%2Ctype%3Acustom%2Cvalue%3A%27%7B%22must%22%3A%5B%7B%22term%22%3A%7B%22msg%22%3A%22caf%5Cu00e9%20%3Cb%3E%20%26%20%21%27q%21%27%22%7D%7D%5D%7D%27%29%29%2C' +
        '%28%27%24state%27%3A%28store%3AappState%29%2Cmeta%3A%28alias%3A%21n%2Cdisabled%3A%21f%2Cindex%3Alogs%2Ckey%3Auser%2Cnegate%3A%21f%2Cparams%3A%28query%3A%27%3C%21%21channel%3E%20it%21%27s%20%24%7Bjndi%3Aldap%3A//x%7D%20%22%7D%5D%2C%22x%22%3A%22%27%2Ctype%3Aphrase%29%2Ctype%3Aphrase%2Cvalue%3A%27%3C%21%21channel%3E%20it%21%27s%20%24%7Bjndi%3Aldap%3A//x%7D%20%22%7D%5D%2C%22x%22%3A%22%27%29%2Cquery%3A%28match%3A%28user%3A%28query%3A%27%3C%21%21channel%3E%20it%21%27s%20%24%7Bjndi%3Aldap%3A//x%7D%20%22%7D%5D%2C%22x%22%3A%22%27%2Ctype%3Aphrase%29%29%29%29%2C' +
        '%28%27%24state%27%3A%28store%3AappState%29%2Cexists%3A%28field%3Astatus%29%2Cmeta%3A%28alias%3A%21n%2Cdisabled%3A%21f%2Cindex%3Alogs%2Ckey%3Astatus%2Cnegate%3A%21t%2Ctype%3Aexists%2Cvalue%3Aexists%29%29' +
        '%29%2Cindex%3Alogs%2Cinterval%3Aauto%29',
    );
  });

  it('DIFFERENCE: a value that is a rison word followed by a newline is quoted (ElastAlert2 leaves it bare, and it rewrites the filters)', () => {
    const url = kibanaDiscoverUrl(kibanaRule({}, { queryKey: ['user'] }), { user: 'ok\n,evil:(x' }, T) ?? '';
    // ElastAlert2 writes ...params%3A%28query%3Aok%0A%2Cevil%3A%28x%2Ctype... (bare).
    expect(url).toContain('params%3A%28query%3A%27ok%0A%2Cevil%3A%28x%27%2Ctype%3Aphrase%29');
    expect((decodeState(url).a.filters as { meta: { params: { query: unknown } } }[])[0]?.meta.params.query).toBe('ok\n,evil:(x');
  });
});

describe('kibanaDiscoverUrl: when there is no link', () => {
  it.each([
    ['the rule does not ask for one', { generate_kibana_discover_url: false }],
    ['no kibana_discover_app_url', { kibana_discover_app_url: undefined }],
    ['no kibana_discover_version', { kibana_discover_version: undefined }],
    ['an unknown kibana_discover_version', { kibana_discover_version: '6.8' }],
    ['no kibana_discover_index_pattern_id', { kibana_discover_index_pattern_id: undefined }],
  ])('%s', (_why, options) => {
    expect(kibanaDiscoverUrl(kibanaRule(options), {}, T)).toBeUndefined();
  });

  it('accepts 7.0-7.17, 8.x and 9.x', () => {
    for (const v of ['7.0', '7.17', '8.0', '8.12', '8.19', '9.1'])
      expect(kibanaDiscoverUrl(kibanaRule({ kibana_discover_version: v }), {}, T)).toBeDefined();
    for (const v of ['7.18', '10.0', '8', ' 8.1', '8.1 '])
      expect(kibanaDiscoverUrl(kibanaRule({ kibana_discover_version: v }), {}, T)).toBeUndefined();
  });

  it('$VAR and ${VAR} in the app URL come from the environment (os.path.expandvars); unknown ones stay', () => {
    const rule = kibanaRule({ kibana_discover_app_url: 'https://$KIBANA_HOST:${KIBANA_PORT}/$NOPE/app' });
    expect(kibanaDiscoverUrl(rule, {}, T, { KIBANA_HOST: 'kb', KIBANA_PORT: '5601' })).toMatch(/^https:\/\/kb:5601\/\$NOPE\/app\?_g=/);
  });
});

describe('rison and quoting as prison and urllib do', () => {
  it.each([
    ['', "''"],
    ['ok', 'ok'],
    ['a b', "'a b'"],
    ['-x', "'-x'"],
    ['9a', "'9a'"],
    ['a.b/c~d_%+', 'a.b/c~d_%+'],
    ["it's!", "'it!'s!!'"],
    ['é', 'é'],
    ['a\\b', 'a\\b'],
    ['logs-*', "'logs-*'"],
    ['x\ny', "'x\ny'"],
  ])('string %j -> %s', (value, expected) => {
    expect(risonEncode(value)).toBe(expected);
  });

  it('numbers, booleans, null, lists, objects with sorted keys', () => {
    expect(risonEncode({ b: [1, -2.5, 1e-7, true, false, null], a: {}, $s: [] })).toBe("('$s':!(),a:(),b:!(1,-2.5,1e-07,!t,!f,!n))");
  });

  it('percent-encodes every byte but A-Z a-z 0-9 _ . - ~ /', () => {
    expect(pyQuote("a-z_0.9~/ !'()*:,@$&=+?#%é😀")).toBe('a-z_0.9~/%20%21%27%28%29%2A%3A%2C%40%24%26%3D%2B%3F%23%25%C3%A9%F0%9F%98%80');
  });
});

describe('no hostile query_key value can break the link', () => {
  it.each(HOSTILE_VALUES.map((h) => [h.name, h] as const))('%s', (_name, hostile) => {
    const rule = kibanaRule(
      { kibana_discover_columns: [hostile.value || 'x'] },
      { queryKey: ['f'], filter: [{ term: { f: hostile.value } }] },
    );
    const url = kibanaDiscoverUrl(rule, { f: hostile.value }, T) ?? '';
    // Only unreserved characters and percent escapes after the app URL: nothing ends the query.
    expect(url).toMatch(/^app\/discover#\/\?_g=[A-Za-z0-9_.~%/-]*&_a=[A-Za-z0-9_.~%/-]*$/);
    const { a } = decodeState(url);
    // Encoding is UTF-8, where a lone surrogate becomes U+FFFD.
    const expected = hostile.value.toWellFormed();
    const filters = a.filters as { meta: Record<string, unknown>; query?: { match: Record<string, { query: unknown }> } }[];
    expect(Object.keys(a)).toEqual(['columns', 'filters', 'index', 'interval']);
    expect(filters).toHaveLength(2);
    expect(filters[1]?.meta['params']).toEqual({ query: expected, type: 'phrase' });
    expect(filters[1]?.query?.match['f']?.query).toBe(expected);
    expect(a.columns).toEqual([expected || 'x']);
  });
});
