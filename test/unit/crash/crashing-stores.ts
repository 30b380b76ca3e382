import type { Stores } from '../../../src/store/stores.ts';

/** A simulated kill: the process stops at this storage call and does nothing more. */
export class Crash extends Error {
  constructor(step: string) {
    super(`simulated crash at ${step}`);
  }
}

/** Crash at storage call number `at` (1-based) of a process: before the call reaches the store, or after it was applied. */
export interface CrashPlan {
  at: number;
  after: boolean;
}

/** One process's life: its storage calls (method and first argument), and whether it is dead. */
export class Incarnation {
  readonly calls: { step: string; args: unknown[] }[] = [];
  dead = false;
  crashedAt: { step: string; args: unknown[]; after: boolean } | undefined;
}

/**
 * The stores as one process sees them: every method of every store is a storage await; the
 * plan's call throws Crash (before or after it is applied) and every later call of the process
 * throws too, as nothing runs in a killed process. The stores underneath keep what was written:
 * they are the persisted state the next process starts from.
 */
export function crashingStores(inner: Stores, life: Incarnation, plan: CrashPlan | undefined): Stores {
  const wrap = <T extends object>(name: string, store: T): T =>
    new Proxy(store, {
      get(target, prop, receiver) {
        const value: unknown = Reflect.get(target, prop, receiver);
        if (typeof value !== 'function') return value;
        const step = `${name}.${String(prop)}`;
        return async (...args: unknown[]): Promise<unknown> => {
          if (life.dead) throw new Crash(`${step} (after death)`);
          life.calls.push({ step, args });
          const n = life.calls.length;
          if (plan && plan.at === n && !plan.after) {
            life.dead = true;
            life.crashedAt = { step, args, after: false };
            throw new Crash(step);
          }
          const result: unknown = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          if (plan && plan.at === n && plan.after) {
            life.dead = true;
            life.crashedAt = { step, args, after: true };
            throw new Crash(step);
          }
          return result;
        };
      },
    });
  return {
    ruleState: wrap('ruleState', inner.ruleState),
    silences: wrap('silences', inner.silences),
    alerts: wrap('alerts', inner.alerts),
    outbox: wrap('outbox', inner.outbox),
    control: wrap('control', inner.control),
    status: wrap('status', inner.status),
  };
}
