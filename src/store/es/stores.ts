import type { EsHandle } from '../../es/client.ts';
import type { Stores } from '../stores.ts';
import { EsAlertLog } from './alert-log.ts';
import { EsControlStore } from './control.ts';
import { EsOutbox } from './outbox.ts';
import { EsRuleStateStore } from './rule-state.ts';
import { EsSilenceStore } from './silences.ts';
import { EsStatusStore } from './status.ts';

/** The Elasticsearch stores over the writeback indices named after `base` (config writeback_index). */
export function esStores(es: EsHandle, base: string): Stores {
  return {
    ruleState: new EsRuleStateStore(es, base),
    silences: new EsSilenceStore(es, base),
    alerts: new EsAlertLog(es, base),
    outbox: new EsOutbox(es, base),
    control: new EsControlStore(es, base),
    status: new EsStatusStore(es, base),
  };
}
