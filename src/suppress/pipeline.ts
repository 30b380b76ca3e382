import type { SendContext } from '../deliver/send.ts';
import type { MatchOutcome } from '../observe.ts';
import { aggregate } from './aggregate.ts';
import { floodGuard } from './flood-guard.ts';
import { silenced } from './silenced.ts';
import type { PendingAlert, SuppressStage } from './stage.ts';

/**
 * The order ElastAlert2 checks in: silences and realert first (a silenced match is not even
 * aggregated), then aggregation, then our flood guard, which counts only alerts sent one by one
 * (an aggregation already turns many matches into one alert).
 */
export const SUPPRESS_STAGES: readonly SuppressStage[] = [silenced, aggregate, floodGuard];

/** Runs the stages in order; the first that holds the match back says what became of it. */
export async function suppress(
  alert: PendingAlert,
  ctx: SendContext,
  stages: readonly SuppressStage[] = SUPPRESS_STAGES,
): Promise<MatchOutcome | undefined> {
  for (const stage of stages) {
    const outcome = await stage(alert, ctx);
    if (outcome !== undefined) return outcome;
  }
  return undefined;
}
