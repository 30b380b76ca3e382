// The floor of the side-by-side benchmark, run as its own process like the tools it is compared
// with: every rule's question asked as one size-0 aggregation, in a few `_msearch` requests.
//   node scripts/bench/floor.ts <searches.json>   (ES_URL, ES_USERNAME, ES_PASSWORD from the environment)
// searches.json: {"index": "...", "searches": [<search body>, ...]}.
import { readFileSync } from 'node:fs';

/** Searches per `_msearch`: a bounded batch, as a production client would send. */
const BATCH = 50;

const file = process.argv[2];
const url = process.env.ES_URL;
if (!file || !url) {
  process.stderr.write('usage: ES_URL=… node scripts/bench/floor.ts searches.json\n');
  process.exit(2);
}
const { index, searches } = JSON.parse(readFileSync(file, 'utf8')) as { index: string; searches: unknown[] };
const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
if (process.env.ES_USERNAME)
  headers.authorization = `Basic ${Buffer.from(`${process.env.ES_USERNAME}:${process.env.ES_PASSWORD ?? ''}`).toString('base64')}`;
let buckets = 0;
for (let from = 0; from < searches.length; from += BATCH) {
  const body =
    searches
      .slice(from, from + BATCH)
      .flatMap((s) => [JSON.stringify({ index }), JSON.stringify(s)])
      .join('\n') + '\n';
  const res = await fetch(`${url}/_msearch?filter_path=responses.aggregations,responses.error`, { method: 'POST', headers, body });
  const json = (await res.json()) as { responses?: { error?: unknown; aggregations?: Record<string, { buckets?: unknown[] }> }[] };
  if (!res.ok) throw new Error(`_msearch: HTTP ${res.status}`);
  for (const r of json.responses ?? []) {
    if (r.error) throw new Error(`_msearch: ${JSON.stringify(r.error).slice(0, 500)}`);
    buckets += Object.values(r.aggregations ?? {}).reduce((s, a) => s + (a.buckets?.length ?? 0), 0);
  }
}
process.stdout.write(`floor: ${searches.length} searches, ${buckets} top-level buckets\n`);
