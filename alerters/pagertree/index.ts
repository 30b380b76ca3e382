/**
 * ElastAlert2's `pagertree` alerter: an incident through a PagerTree ElastAlert integration
 * (`POST <pagertree_integration_url>`) with ElastAlert2's body: `event_type` "create", `Id`,
 * `Title` (the alert subject) and `Description` (the alert text).
 *
 * Differences, on purpose: `Id` is the alert's id rather than a new random UUID per attempt, so a
 * retry after a lost answer updates the same incident instead of opening a second one; the texts
 * lose bidi and control characters (PagerTree shows them as plain text) and are cut (title 1 KiB,
 * description 64 KiB: PagerTree documents no limit).
 */
import { capBytes, displayText } from '../../src/alert/display.ts';
import { httpUrl } from '../http.ts';
import { readOptions } from '../kit/options.ts';
import { transportOf, webhookAlerter } from '../kit/webhook.ts';
import type { AlerterFactory, AlertPayload } from '../types.ts';
import { pagertreeSchema } from './schema.ts';

export const PAGERTREE_LIMITS = { titleBytes: 1024, descriptionBytes: 64 * 1024 } as const;

export const createPagerTreeAlerter: AlerterFactory = (ref, rule, deps) => {
  const o = readOptions<{ pagertree_integration_url: string }>(pagertreeSchema, ref, rule);
  const render = (alert: AlertPayload): unknown => {
    const shown = alert.render(displayText);
    return {
      event_type: 'create',
      Id: alert.alertId,
      Title: capBytes(shown.subject, PAGERTREE_LIMITS.titleBytes),
      Description: capBytes(shown.text, PAGERTREE_LIMITS.descriptionBytes),
    };
  };
  return webhookAlerter(
    {
      type: 'pagertree',
      urls: [httpUrl(rule, 'pagertree_integration_url', o.pagertree_integration_url)],
      transport: transportOf(rule, o, 'pagertree'),
      render,
    },
    deps,
  );
};
