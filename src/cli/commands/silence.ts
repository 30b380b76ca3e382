import { parseDuration, formatDuration } from '../../config/duration.ts';
import { EsError } from '../../es/errors.ts';
import { ruleSilenceKey, silenceKey } from '../../suppress/realert.ts';
import { WritebackStore } from '../../writeback/store.ts';
import { connect } from '../connect.ts';
import type { CliIO } from '../io.ts';

export interface SilenceOptions {
  config?: string;
  rule: string;
  key?: string;
  for?: string;
  reason?: string;
}

/** The silence key ElastAlert2 uses: the rule's own silence, or one query_key value's. */
function keyFor(opts: { rule: string; key?: string }): string {
  return opts.key === undefined ? ruleSilenceKey(opts.rule) : silenceKey(opts.rule, opts.key);
}

export async function silenceCommand(opts: SilenceOptions, io: CliIO): Promise<number> {
  const duration = parseDuration(opts.for ?? '1h');
  if (typeof duration !== 'number') throw new EsError('bad_request', `--for: ${duration.error}`);
  const { config, es } = await connect(opts.config, io);
  try {
    const store = new WritebackStore(es, config.writebackIndex);
    const now = Date.now();
    await store.setSilence({ key: keyFor(opts), untilMs: now + duration, exponent: 0, reason: opts.reason }, now, true);
    io.out(`Silenced ${keyFor(opts)} for ${formatDuration(duration)} (until ${new Date(now + duration).toISOString()})`);
    return 0;
  } finally {
    await es.close();
  }
}

export async function unsilenceCommand(opts: { config?: string; rule: string; key?: string }, io: CliIO): Promise<number> {
  const { config, es } = await connect(opts.config, io);
  try {
    const removed = await new WritebackStore(es, config.writebackIndex).deleteSilence(keyFor(opts));
    io.out(removed ? `Removed silence ${keyFor(opts)}` : `No silence ${keyFor(opts)}`);
    return removed ? 0 : 1;
  } finally {
    await es.close();
  }
}

export async function silencesCommand(opts: { config?: string; json?: boolean }, io: CliIO): Promise<number> {
  const { config, es } = await connect(opts.config, io);
  try {
    const silences = await new WritebackStore(es, config.writebackIndex).activeSilences(Date.now());
    if (opts.json) io.out(JSON.stringify(silences.map((s) => ({ key: s.key, until: new Date(s.untilMs).toISOString(), reason: s.reason ?? null }))));
    else if (silences.length === 0) io.out('No active silences.');
    else for (const s of silences) io.out(`${new Date(s.untilMs).toISOString()}  ${s.key}${s.reason ? `  (${s.reason})` : ''}`);
    return 0;
  } finally {
    await es.close();
  }
}
