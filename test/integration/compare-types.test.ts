import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { listFilter, listTarget } from '../../src/query/list-filter.ts';
import { ListRule } from '../../src/ruletypes/compare/list-rule.ts';
import { WRITEBACK_KINDS, writebackIndexName } from '../../src/writeback/mappings.ts';
import { esStores } from '../../src/store/es/stores.ts';
import { makeRule } from '../unit/ruletypes/fixtures.ts';
import { indexDocs, rulesFolder, testConfig, testEngine } from '../support/engine.ts';
import { testEs, uniqueName } from '../support/es.ts';

const es = testEs();
/** Indices this file creates, deleted at the end: the development cluster is shared. */
const created: string[] = [];
afterAll(async () => {
  await es.client.indices.delete({ index: created, ignore_unavailable: true }).catch(() => undefined);
  await es.close();
});

const MIN = 60_000;

/** Documents covering what a list test must get right: arrays, missing and null values, numbers, long values. */
const VALUES: unknown[] = [
  'root',
  'alice',
  'bob',
  'mallory',
  ['alice', 'mallory'],
  ['alice', 'bob'],
  [],
  null,
  undefined,
  'Root',
  `${'x'.repeat(300)}`,
  'alice smith',
  // Ordered differently by UTF-16 (JavaScript) and UTF-8 (Elasticsearch's keyword terms).
  '\uFF01',
  '\u{1F600}',
  ['\uFF01', '\u{1F600}'],
  '\uFF02',
  // Indexed as "true" and "42" in a keyword or text field.
  true,
  42,
];

describe('the list test in Elasticsearch keeps every candidate and, on keyword fields, only those', () => {
  const keywordIndex = uniqueName('logs-list-kw');
  const dynamicIndex = uniqueName('logs-list-dyn');
  created.push(keywordIndex, dynamicIndex);
  const t0 = Date.now() - 30 * MIN;
  const docs = VALUES.map((v, i) => ({
    '@timestamp': new Date(t0 + i * 1000).toISOString(),
    n: i,
    ...(v === undefined ? {} : { user: v }),
  }));

  beforeAll(async () => {
    await es.client.indices.create({ index: keywordIndex, mappings: { properties: { user: { type: 'keyword' } } } });
    // Elasticsearch's dynamic mapping: text with a .keyword copy that skips values over 256 characters.
    await es.client.indices.create({ index: dynamicIndex });
    await indexDocs(es, keywordIndex, docs);
    await indexDocs(es, dynamicIndex, docs);
  });

  const cases: { kind: 'blacklist' | 'whitelist'; list: string[]; ignoreNull: boolean }[] = [
    { kind: 'blacklist', list: ['root', 'mallory', 'x'.repeat(300), 'true', '42'], ignoreNull: false },
    { kind: 'whitelist', list: ['alice', 'bob'], ignoreNull: true },
    { kind: 'whitelist', list: ['alice', 'bob'], ignoreNull: false },
    { kind: 'whitelist', list: ['\u{1F600}', '\uFF01', 'alice'], ignoreNull: true },
    { kind: 'whitelist', list: ['true', '42', 'root'], ignoreNull: true },
  ];
  for (const index of [keywordIndex, dynamicIndex]) {
    it.each(cases)(
      `${index.includes('kw') ? 'keyword' : 'dynamic'} field: $kind $list ignore_null=$ignoreNull`,
      async ({ kind, list, ignoreNull }) => {
        const rule = new ListRule(makeRule({ type: kind }, { compare_key: 'user', [kind]: list, ignore_null: ignoreNull }), kind);
        const expected = docs
          .filter((d) => rule.compare(d))
          .map((d) => d.n)
          .sort((a, b) => a - b);
        const target = await listTarget(es, index, 'user');
        const clause = listFilter(rule.pushDown!, target);
        const res = await es.client.search<{ n: number }>({
          index,
          size: 100,
          query: clause ? { bool: { filter: [clause] } } : { match_all: {} },
        });
        const fetched = res.hits.hits.map((h) => h._source!.n).sort((a, b) => a - b);
        // Never loses a match...
        expect(fetched).toEqual(expect.arrayContaining(expected));
        if (index === keywordIndex) {
          // ...and on a keyword field downloads nothing else.
          expect(target.kind).toBe('keyword');
          expect(fetched).toEqual(expected);
        } else {
          expect(target.kind).toBe('keyword-copy');
          if (kind === 'blacklist') expect(fetched.length).toBeLessThan(docs.length);
        }
      },
    );
  }

  it('leaves the query alone where the field is not mapped or mapped as something else', async () => {
    const rule = new ListRule(makeRule({ type: 'blacklist' }, { compare_key: 'n', blacklist: ['3'] }), 'blacklist');
    expect(await listTarget(es, keywordIndex, 'n')).toEqual({ kind: 'none' });
    expect(listFilter(rule.pushDown!, { kind: 'none' })).toBeUndefined();
    expect(await listTarget(es, keywordIndex, 'absent')).toEqual({ kind: 'none' });
  });
});

describe('blacklist, whitelist and change rules in the engine', () => {
  const now = Date.now();
  const t0 = now - 40 * MIN;
  const index = uniqueName('logs-compare');
  const wb = uniqueName('wb-compare');
  created.push(index, ...WRITEBACK_KINDS.map((k) => writebackIndexName(wb, k)));
  const rules = rulesFolder({
    'lists/users.txt': 'alice\nbob\n\n',
    'whitelist.yaml': `name: Unknown user\ntype: whitelist\nindex: ${index}\ncompare_key: user\nwhitelist: ["!file lists/users.txt", carol]\nignore_null: true\nrealert: {minutes: 0}\nalert: [stdout]\n`,
    'blacklist.yaml': `name: Forbidden tool\ntype: blacklist\nindex: ${index}\ncompare_key: tool\nblacklist: [nc, socat]\nquery_key: user\nalert: [stdout]\n`,
    'change.yaml': `name: Country change\ntype: change\nindex: ${index}\ncompare_key: country\nquery_key: user\nignore_null: true\nrealert: {minutes: 0}\nalert: [stdout]\n`,
  });
  const config = testConfig(rules, wb, { buffer_time: { minutes: 15 }, run_every: { minutes: 1 } });
  const at = (m: number): string => new Date(t0 + m * MIN).toISOString();

  beforeAll(async () => {
    await es.client.indices.create({
      index,
      mappings: { properties: { user: { type: 'keyword' }, tool: { type: 'keyword' }, country: { type: 'keyword' } } },
    });
    const docs: Record<string, unknown>[] = [];
    for (let i = 0; i < 40; i++) docs.push({ '@timestamp': at(i * 0.5), user: i % 2 ? 'alice' : 'bob', tool: 'bash', country: 'FR' });
    docs.push({ '@timestamp': at(3), user: 'mallory', tool: 'nc', country: 'FR' });
    docs.push({ '@timestamp': at(4), user: 'carol', tool: 'socat', country: 'FR' });
    docs.push({ '@timestamp': at(5), user: 'alice', tool: 'bash', country: 'KP' });
    await indexDocs(es, index, docs);
  });

  it('alerts exactly the documents the lists pick, and leaves the others in Elasticsearch', async () => {
    const { engine, printed } = await testEngine(es, config, t0 + 25 * MIN);
    const outcomes = await engine.runAllOnce({ startMs: t0 - MIN, endMs: t0 + 25 * MIN });
    const by = Object.fromEntries(outcomes.map((o) => [o.ruleName, o]));
    expect(outcomes.every((o) => o.error === undefined)).toBe(true);
    // The whitelist (alice, bob from the file, carol) leaves 43 documents but mallory's in Elasticsearch.
    expect(by['Unknown user']?.hits).toBe(1);
    expect(by['Unknown user']?.matches).toBe(1);
    // The blacklist downloads only nc and socat.
    expect(by['Forbidden tool']?.hits).toBe(2);
    expect((await esStores(es, wb).alerts.ofRule('Forbidden tool')).map((a) => a.queryKey).sort()).toEqual(['carol', 'mallory']);
    // alice FR -> KP at minute 5, and back to FR with her next document at 5.5.
    const change = (await esStores(es, wb).alerts.ofRule('Country change')).sort((a, b) => a.matchTimeMs - b.matchTimeMs);
    expect(change.map((a) => [a.queryKey, a.matchBody['old_value'], a.matchBody['new_value']])).toEqual([
      ['alice', ['FR'], ['KP']],
      ['alice', ['KP'], ['FR']],
    ]);
    expect(printed.length).toBe(5);
  });

  it('change remembers the last value across a restart', async () => {
    await indexDocs(es, index, [{ '@timestamp': at(50), user: 'bob', tool: 'bash', country: 'DE' }]);
    // A new engine, as after a process restart, whose window holds none of bob's FR documents:
    // his FR can only come from the persisted state.
    const restarted = await testEngine(es, config, t0 + 51 * MIN);
    const outcome = await restarted.engine.runOne('Country change');
    expect(outcome.error).toBeUndefined();
    expect(outcome.startMs).toBeGreaterThan(t0 + 20 * MIN);
    expect(outcome.hits).toBe(1);
    const change = await esStores(es, wb).alerts.ofRule('Country change');
    expect(change.map((a) => a.queryKey).sort()).toEqual(['alice', 'alice', 'bob']);
  });

  it('a missing !file list is a load problem naming the rule and the entry', () => {
    writeFileSync(
      path.join(rules, 'broken.yaml'),
      `name: Broken list\ntype: blacklist\nindex: ${index}\ncompare_key: user\nblacklist: ["!file nowhere.txt"]\nalert: [stdout]\n`,
    );
    return expect(testEngine(es, config, now)).rejects.toThrow(
      /broken\.yaml.*Broken list.*blacklist\[0\].*cannot read the list file nowhere\.txt/s,
    );
  });
});
