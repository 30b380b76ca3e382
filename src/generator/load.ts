// Loads generated events into Elasticsearch quickly: templates first, every target index created
// with refresh off while loading, bulk batches of 5,000 with two in flight, one refresh at the end.
import { esCall, type EsHandle } from '../es/client.ts';
import { EsError } from '../es/errors.ts';
import { EventCounter, type EventCounts } from './generate.ts';
import { indexTemplates } from './indices.ts';
import type { GeneratedEvent } from './types.ts';
import { sleep, systemClock } from '../schedule/clock.ts';

export interface LoadOptions {
  /** Index name prefix, as given to generate(). */
  prefix?: string;
  /** Documents per bulk request; default 5000. */
  batchSize?: number;
  /** Bulk requests in flight at once; default 2. */
  concurrency?: number;
  /** Called after each batch; default: a progress line on stderr when it is a terminal. */
  onProgress?: (loaded: number, elapsedMs: number) => void;
  /** What the progress line counts towards, when known. */
  expectedTotal?: number;
}

export interface LoadResult {
  counts: EventCounts;
  indices: string[];
  seconds: number;
  perSecond: number;
}

/** Creates or replaces the index templates of every source. Returns their names. */
export async function installTemplates(es: EsHandle, prefix = ''): Promise<string[]> {
  const names: string[] = [];
  for (const t of indexTemplates(prefix)) {
    await esCall(es, `creating index template ${t.name}`, (c) => c.indices.putIndexTemplate({ name: t.name, ...t.body }));
    names.push(t.name);
  }
  return names;
}

/** Removes the templates installTemplates made (tests clean up after themselves). */
export async function removeTemplates(es: EsHandle, prefix = ''): Promise<void> {
  for (const t of indexTemplates(prefix)) {
    await esCall(es, `deleting index template ${t.name}`, (c) => c.indices.deleteIndexTemplate({ name: t.name })).catch(
      (error: unknown) => {
        if (!(error instanceof EsError && error.kind === 'not_found')) throw error;
      },
    );
  }
}

/** A progress line that rewrites itself, for a terminal. */
export function ttyProgress(expectedTotal?: number): (loaded: number, elapsedMs: number) => void {
  let lastWrite = 0;
  return (loaded, elapsedMs) => {
    const now = systemClock.now();
    if (now - lastWrite < 200 && loaded !== expectedTotal) return;
    lastWrite = now;
    const rate = elapsedMs > 0 ? Math.round((loaded / elapsedMs) * 1000) : 0;
    const of = expectedTotal ? ` / ${expectedTotal.toLocaleString('en-US')} (${Math.floor((loaded / expectedTotal) * 100)}%)` : '';
    process.stderr.write(`\r\x1b[Kloading ${loaded.toLocaleString('en-US')}${of} events, ${rate.toLocaleString('en-US')}/s`);
  };
}

interface BulkItemResult {
  status?: number;
  error?: { type?: string; reason?: string };
}

const MAX_RETRIES = 5;

/**
 * Indexes every event into its index (indexName). Each index is created on first sight, with
 * refresh disabled; at the end refresh goes back to the default and the indices are refreshed,
 * so that every event is searchable when this resolves. Items Elasticsearch rejects as
 * overloaded (429) are retried; any other rejected item fails the load with its reason.
 */
export async function loadEvents(es: EsHandle, events: Iterable<GeneratedEvent>, options: LoadOptions = {}): Promise<LoadResult> {
  const batchSize = options.batchSize ?? 5000;
  const concurrency = options.concurrency ?? 2;
  const progress = options.onProgress ?? (process.stderr.isTTY ? ttyProgress(options.expectedTotal) : undefined);
  const counter = new EventCounter(options.prefix ?? '');
  const indices = new Set<string>();
  const started = performance.now();
  let loaded = 0;

  const ensureIndex = async (index: string): Promise<void> => {
    const settings = { refresh_interval: '-1' };
    try {
      await esCall(es, `creating index ${index}`, (c) => c.indices.create({ index, settings }));
    } catch (error) {
      if (!(error instanceof EsError && error.esType === 'resource_already_exists_exception')) throw error;
      await esCall(es, `pausing refresh of ${index}`, (c) => c.indices.putSettings({ index, settings }));
    }
  };

  const send = async (operations: unknown[]): Promise<void> => {
    let pending = operations;
    for (let attempt = 0; pending.length > 0; attempt++) {
      const body = pending;
      const res = await esCall(es, `bulk indexing ${body.length / 2} events`, (c) =>
        c.bulk({ operations: body }, { requestTimeout: 120_000 }),
      );
      if (!res.errors) break;
      const retry: unknown[] = [];
      const failures: string[] = [];
      res.items.forEach((item, i) => {
        const result = Object.values(item)[0] as BulkItemResult | undefined;
        if (!result?.error) return;
        if (result.status === 429) retry.push(body[i * 2], body[i * 2 + 1]);
        else failures.push(`${result.error.type ?? 'error'}: ${result.error.reason ?? ''}`);
      });
      if (failures.length > 0)
        throw new EsError('bad_request', `bulk indexing: ${failures.length} events rejected, e.g. ${failures.slice(0, 3).join('; ')}`);
      if (attempt >= MAX_RETRIES)
        throw new EsError(
          'rate_limited',
          `bulk indexing: ${retry.length / 2} events still rejected as overloaded after ${MAX_RETRIES} retries`,
        );
      await sleep(systemClock, 250 * 2 ** attempt);
      pending = retry;
    }
    loaded += operations.length / 2;
    progress?.(loaded, performance.now() - started);
  };

  const inFlight = new Set<Promise<void>>();
  let failure: unknown;
  const launch = (operations: unknown[]): void => {
    const p = send(operations).catch((error: unknown) => {
      failure ??= error;
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  };

  let batch: unknown[] = [];
  for (const event of events) {
    const index = counter.add(event);
    if (!indices.has(index)) {
      indices.add(index);
      await ensureIndex(index);
    }
    batch.push({ create: { _index: index } }, event.doc);
    if (batch.length >= batchSize * 2) {
      launch(batch);
      batch = [];
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      if (failure) break;
    }
  }
  if (batch.length > 0 && !failure) launch(batch);
  await Promise.all(inFlight);

  const list = [...indices];
  if (list.length > 0) {
    // Back to the index default whether or not the load failed. null removes our override (so
    // idle indices skip refreshes again); the client's types do not know null, hence the cast.
    const restore = { refresh_interval: null } as unknown as { refresh_interval: string };
    await esCall(es, 'restoring refresh', (c) => c.indices.putSettings({ index: list, settings: restore }));
    if (!failure) await esCall(es, 'refreshing', (c) => c.indices.refresh({ index: list }));
  }
  if (progress && options.onProgress === undefined) process.stderr.write('\n');
  if (failure) throw failure;
  const seconds = (performance.now() - started) / 1000;
  return { counts: counter.counts, indices: list.sort(), seconds, perSecond: seconds > 0 ? Math.round(loaded / seconds) : loaded };
}
