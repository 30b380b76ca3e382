import type { AlertLog } from './alert-log.ts';
import type { ControlStore } from './control.ts';
import type { Outbox } from './outbox.ts';
import type { RuleStateStore } from './rule-state.ts';
import type { SilenceStore } from './silences.ts';
import type { StatusStore } from './status.ts';

/**
 * Everything LogWarden persists, behind one interface per kind. The Engine takes these (the
 * Elasticsearch ones by default, src/store/es; the in-memory fakes in tests, src/store/memory).
 */
export interface Stores {
  ruleState: RuleStateStore;
  silences: SilenceStore;
  alerts: AlertLog;
  outbox: Outbox;
  control: ControlStore;
  status: StatusStore;
}
