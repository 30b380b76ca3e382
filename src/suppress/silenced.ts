import { isSilenced, ruleSilenceKey } from './realert.ts';
import type { SuppressStage } from './stage.ts';

/**
 * Holds back a match while its rule is silenced (`logwarden silence --rule`, ElastAlert2's
 * `--silence`) or its key is: by realert, or by a silence someone set by hand.
 */
export const silenced: SuppressStage = async (alert, ctx) => {
  const ruleSilence = await ctx.stores.silences.get(ruleSilenceKey(alert.rule.name));
  const keySilence = await ctx.stores.silences.get(alert.key);
  alert.silence = keySilence;
  if (isSilenced(ruleSilence, alert.nowMs)) return 'suppressed_silence';
  if (!isSilenced(keySilence, alert.nowMs)) return undefined;
  // A silence someone set by hand carries a reason; realert's own do not.
  return keySilence?.reason ? 'suppressed_silence' : 'suppressed_realert';
};
