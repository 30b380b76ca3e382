import type { Stores } from '../stores.ts';
import { MemoryAlertLog } from './alert-log.ts';
import { MemoryControlStore } from './control.ts';
import { MemoryOutbox } from './outbox.ts';
import { MemoryRuleStateStore } from './rule-state.ts';
import { MemorySilenceStore } from './silences.ts';
import { MemoryStatusStore } from './status.ts';

/** The in-memory stores, typed as themselves so tests can look inside. */
export interface MemoryStores extends Stores {
  ruleState: MemoryRuleStateStore;
  silences: MemorySilenceStore;
  alerts: MemoryAlertLog;
  outbox: MemoryOutbox;
  control: MemoryControlStore;
  status: MemoryStatusStore;
}

/** Fakes with the Elasticsearch stores' semantics (ids, if_seq_no conflicts, claim leases), for unit tests. */
export function memoryStores(): MemoryStores {
  const outbox = new MemoryOutbox();
  return {
    ruleState: new MemoryRuleStateStore(),
    silences: new MemorySilenceStore(),
    alerts: new MemoryAlertLog(outbox),
    outbox,
    control: new MemoryControlStore(),
    status: new MemoryStatusStore(),
  };
}
