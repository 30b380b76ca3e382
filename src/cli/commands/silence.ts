import { systemClock } from '../../schedule/clock.ts';
import { parseDuration, formatDuration } from '../../config/duration.ts';
import type { LogWardenConfig } from '../../config/load-config.ts';
import { suggest } from '../../config/suggest.ts';
import { EsError } from '../../es/errors.ts';
import { loadRules } from '../../rules/load-rules.ts';
import type { RuleDefinition } from '../../rules/types.ts';
import { requestedSilenceKey } from '../../suppress/realert.ts';
import { EsSilenceStore } from '../../store/es/silences.ts';
import { connect } from '../connect.ts';
import type { CliIO } from '../io.ts';

export interface SilenceOptions {
  config?: string;
  rule: string;
  key?: string;
  for?: string;
  reason?: string;
  /** Silence a rule name that is not in the rules folder (a rule about to be deployed, another instance's rule). */
  force?: boolean;
}

/** What a silence set from the command line says when the user gives no --reason (as the status page does). */
export const DEFAULT_CLI_REASON = 'silenced with logwarden silence';

/**
 * The rule of that name in the rules folder. An unknown name is refused (with the closest
 * name) unless `force`: a misspelt silence that succeeds silences nothing, and the user
 * believes the noise is held back. Problems in other rule files do not matter here.
 */
export function findRule(
  config: LogWardenConfig,
  env: NodeJS.ProcessEnv,
  name: string,
  force: boolean | undefined,
): RuleDefinition | undefined {
  const { rules } = loadRules(config, env);
  const found = rules.find((r) => r.name === name);
  if (found || force) return found;
  const guess = suggest(
    name,
    rules.map((r) => r.name),
  );
  const hint =
    guess !== undefined ? ` Did you mean ${JSON.stringify(guess)}?` : rules.length === 0 ? ' (the folder has no valid rule)' : '';
  throw new EsError(
    'bad_request',
    `--rule: no rule named ${JSON.stringify(name)} in ${config.rulesFolder}.${hint} Use --force to silence it anyway.`,
  );
}

export async function silenceCommand(opts: SilenceOptions, io: CliIO): Promise<number> {
  const duration = parseDuration(opts.for ?? '1h');
  if (typeof duration !== 'number') throw new EsError('bad_request', `--for: ${duration.error}`);
  if (duration <= 0) throw new EsError('bad_request', '--for: expected a duration above 0');
  const { config, es } = await connect(opts.config, io);
  try {
    const definition = findRule(config, io.env, opts.rule, opts.force);
    const key = requestedSilenceKey(opts.rule, definition?.options, opts.key);
    const store = new EsSilenceStore(es, config.writebackIndex);
    const now = systemClock.now();
    // A reason marks the silence as manual: what it holds back is counted as suppressed_silence, not realert.
    const reason = opts.reason !== undefined && opts.reason.trim() !== '' ? opts.reason : DEFAULT_CLI_REASON;
    await store.set({ key, untilMs: now + duration, exponent: 0, reason }, now, true);
    io.out(`Silenced ${key} for ${formatDuration(duration)} (until ${new Date(now + duration).toISOString()})`);
    return 0;
  } finally {
    await es.close();
  }
}

export async function unsilenceCommand(opts: { config?: string; rule: string; key?: string; force?: boolean }, io: CliIO): Promise<number> {
  const { config, es } = await connect(opts.config, io);
  try {
    const definition = findRule(config, io.env, opts.rule, opts.force);
    const key = requestedSilenceKey(opts.rule, definition?.options, opts.key);
    const removed = await new EsSilenceStore(es, config.writebackIndex).delete(key);
    io.out(removed ? `Removed silence ${key}` : `No silence ${key}`);
    return removed ? 0 : 1;
  } finally {
    await es.close();
  }
}

export async function silencesCommand(opts: { config?: string; json?: boolean }, io: CliIO): Promise<number> {
  const { config, es } = await connect(opts.config, io);
  try {
    const silences = await new EsSilenceStore(es, config.writebackIndex).active(systemClock.now());
    if (opts.json)
      io.out(JSON.stringify(silences.map((s) => ({ key: s.key, until: new Date(s.untilMs).toISOString(), reason: s.reason ?? null }))));
    else if (silences.length === 0) io.out('No active silences.');
    else for (const s of silences) io.out(`${new Date(s.untilMs).toISOString()}  ${s.key}${s.reason ? `  (${s.reason})` : ''}`);
    return 0;
  } finally {
    await es.close();
  }
}
