import { watch, type FSWatcher } from 'node:fs';
import { createAlerters, type Alerter } from '../alerters/index.ts';
import { formatProblem } from './config/errors.ts';
import type { LogWardenConfig } from './config/load-config.ts';
import type { EsHandle } from './es/client.ts';
import { EsError } from './es/errors.ts';
import type { Logger } from './log.ts';
import type { EngineObserver } from './observe.ts';
import { loadRules, type LoadedRules } from './rules/load-rules.ts';
import { loadRulesOffThread, RELOAD_LIMITS, type OffThreadLimits } from './rules/reload/off-thread.ts';
import { compileRule } from './rules/compile.ts';
import { createRuleType } from './ruletypes/index.ts';
import type { RuleDefinition } from './rules/types.ts';
import type { AnyRuleType } from './run/evaluate.ts';
import { executionAllowed, limitExecutionOf } from './run/limit-execution.ts';
import { errorNotifier, type ErrorNotifier } from './run/notify-errors.ts';
import { runRule, type RunContext, type RunOutcome } from './run/run-rule.ts';
import { captureAlerters, type CaptureSink } from './run/capture-alerters.ts';
import type { DeliveryHooks, SendContext } from './deliver/send.ts';
import { processDueDeliveries, type WorkerPass } from './deliver/worker.ts';
import { flushNoiseControls } from './suppress/flush.ts';
import { systemClock, type Clock } from './schedule/clock.ts';
import { Scheduler } from './schedule/scheduler.ts';
import { WritebackGuard } from './writeback/guard.ts';
import { esStores } from './store/es/stores.ts';
import type { Stores } from './store/stores.ts';
import { IndexWatch } from './query/index-check.ts';

interface LoadedRule {
  rule: RuleDefinition;
  type: AnyRuleType;
  alerters: Alerter[];
}

export interface EngineOptions {
  config: LogWardenConfig;
  es: EsHandle;
  log: Logger;
  clock?: Clock;
  env?: NodeJS.ProcessEnv;
  /** `run --rule NAME`: only this rule is taken on (ElastAlert2's --rule). */
  onlyRule?: string | undefined;
  /** Where the stdout alerter prints. */
  out?: (text: string) => void;
  /** Points in alert delivery where tests (and later, metrics) hook in. */
  hooks?: DeliveryHooks;
  /** How often due deliveries (retries, crash leftovers) are picked up while running. */
  deliveryIntervalMs?: number;
  observer?: EngineObserver;
  /** How runs are carried out (see EngineMode); default live. */
  mode?: EngineMode;
  /** Builds a rule's alerters; default the real ones (createAlerters), or in capture mode stand-ins handing alerts to `capture`. */
  alerters?: AlerterFactory;
  /** Capture mode: where the stand-in alerters hand each alert. */
  capture?: CaptureSink;
  /** Time and memory a reload of the rules folder may take (on its worker thread). */
  reloadLimits?: OffThreadLimits;
  /** Where rule state, silences, alerts and deliveries are kept: the writeback indices unless given (tests pass src/store/memory). */
  stores?: Stores;
}

/**
 * - live: the service (`run`): now is the clock's, the writeback is checked, errors notified,
 *   disable_rules_on_error applied.
 * - replay: `run --once --start/--end`: errors notified and disable_rules_on_error as live, but
 *   realert, aggregation and the flood guard take each match's time as "now", so a replayed
 *   range suppresses as it would have live (the writeback is not checked before each run).
 * - capture: what-if runs (backtest, test-rule, `logwarden test`): event time as now, on a
 *   throwaway writeback, alerts handed to the capture (or to the given alerter factory); nothing
 *   is notified, disabled or reported as a missing index: the caller's report says it.
 */
export type EngineMode = 'live' | 'replay' | 'capture';

/** A rule's alerters, in the order of its `alert:` list (the outbox addresses them by position). */
export type AlerterFactory = (rule: RuleDefinition) => Alerter[];

export interface LoadResult {
  loaded: number;
  problems: string[];
  /** The reload was abandoned or failed: the rules loaded before are still the ones running. */
  abandoned?: true;
}

/**
 * The one place a rule run is assembled: rules (from the folder, or given with addRule), one
 * rule type and alerter set per rule, the writeback store and outbox, the run and send
 * contexts, the delivery pass, and in live mode the scheduler. Holds no rule progress itself:
 * that is in the store.
 */
export class Engine {
  readonly stores: Stores;
  readonly writeback: WritebackGuard;
  private readonly opts: EngineOptions;
  private readonly clock: Clock;
  private readonly mode: EngineMode;
  private readonly alerterFactory: AlerterFactory;
  private rules = new Map<string, LoadedRule>();
  private lastTicks = new Map<string, number>();
  private readonly notifyError: ErrorNotifier | undefined;
  private scheduler: Scheduler | undefined;
  private watcher: FSWatcher | undefined;
  private cancelReload: (() => void) | undefined;
  private cancelDeliveries: (() => void) | undefined;
  private deliveryPass: Promise<unknown> | undefined;
  private reloading: Promise<LoadResult> | undefined;
  private reloadAgain = false;
  private stopped = false;
  private readonly indexWatch: IndexWatch;
  /** Enabled rules left out by `onlyRule`, for a did-you-mean when that name matches none. */
  private otherRules: string[] = [];

  constructor(opts: EngineOptions) {
    this.opts = opts;
    this.clock = opts.clock ?? systemClock;
    this.mode = opts.mode ?? 'live';
    this.alerterFactory = opts.alerters ?? this.defaultAlerters();
    this.stores = opts.stores ?? esStores(opts.es, opts.config.writebackIndex);
    this.writeback = new WritebackGuard({
      es: opts.es,
      base: opts.config.writebackIndex,
      log: opts.log,
      clock: this.clock,
      observer: opts.observer,
    });
    this.indexWatch = new IndexWatch(opts.es);
    this.notifyError = this.mode === 'capture' ? undefined : errorNotifier(opts.config, opts.log, opts.env);
  }

  private defaultAlerters(): AlerterFactory {
    const { capture, log } = this.opts;
    if (this.mode === 'capture') {
      if (!capture) throw new Error('an Engine in capture mode needs `capture` (where alerts go) or an alerter factory');
      return (rule) => captureAlerters(rule, capture);
    }
    return (rule) => createAlerters(rule, { log, clock: this.clock, out: this.opts.out ?? ((t) => process.stdout.write(`${t}\n`)) });
  }

  /**
   * Takes one rule on as given (backtest, test-rule, rule tests), beside or instead of the rules
   * folder; `type` replaces the rule type built from the rule (a replay taps its matches).
   * Throws, naming the rule, when its type or alerters cannot be built. The caller checks that
   * the rule is runnable (runnableProblems) as it sees fit: a capture needs no alerter tokens.
   */
  addRule(rule: RuleDefinition, type: AnyRuleType = createRuleType(rule)): void {
    const old = this.rules.get(rule.name);
    const alerters = this.alerterFactory(rule);
    this.rules.set(rule.name, { rule, type, alerters });
    if (old) for (const alerter of old.alerters) void alerter.close?.()?.catch(() => undefined);
  }

  /**
   * (Re)loads the rules folder. A rule file that fails validation is reported; if an earlier
   * version of the same rule was running, that version keeps running.
   */
  loadRules(): LoadResult {
    return this.apply(loadRules(this.opts.config, this.opts.env ?? process.env));
  }

  /**
   * Reloads the rules folder while the rules keep running: files are parsed and validated on a
   * worker thread, so no file, however hostile, can stall the scheduler or the ops server. A
   * reload over its time or memory limit is abandoned and the rules loaded before keep running.
   * Reloads never overlap; a request during one makes one more run after it.
   */
  reloadRules(): Promise<LoadResult> {
    if (this.reloading) {
      this.reloadAgain = true;
      return this.reloading;
    }
    const run = async (): Promise<LoadResult> => {
      let result: LoadResult;
      do {
        this.reloadAgain = false;
        try {
          result = await this.reloadOnce();
        } catch (error) {
          // The rules loaded before keep running; the next change to the folder tries again.
          const message = `${this.opts.config.rulesFolder}: rules reload failed: ${error instanceof Error ? error.message : String(error)}`;
          this.opts.log.error(message);
          result = { loaded: this.rules.size, problems: [message], abandoned: true };
        }
      } while (this.reloadAgain && !this.stopped);
      return result;
    };
    this.reloading = run().finally(() => {
      this.reloading = undefined;
    });
    return this.reloading;
  }

  private async reloadOnce(): Promise<LoadResult> {
    const off = await loadRulesOffThread(this.opts.config, this.opts.env ?? process.env, this.opts.reloadLimits ?? RELOAD_LIMITS);
    const unchanged = { loaded: this.rules.size, problems: [] };
    if (this.stopped) return unchanged;
    if (off.outcome === 'loaded') {
      // Options arrive as a structured clone: frozen again, as loadRules leaves them.
      for (const rule of off.loaded.rules) Object.freeze(rule.options);
      return this.apply(off.loaded);
    }
    if (off.outcome === 'unavailable') {
      this.opts.log.warn(`cannot load the rules on a worker thread (${off.reason}); loading them on the main thread`);
      return this.loadRules();
    }
    const message = `${this.opts.config.rulesFolder}: rules reload abandoned, ${off.reason}; the ${this.rules.size} rules loaded before keep running`;
    this.opts.log.error(message);
    return { ...unchanged, problems: [message], abandoned: true };
  }

  private apply({ rules, problems }: LoadedRules): LoadResult {
    const messages = problems.map(formatProblem);
    for (const m of messages) this.opts.log.error(m);
    const badFiles = new Set(problems.map((p) => p.file));
    const next = new Map<string, LoadedRule>();
    const others: string[] = [];
    for (const rule of rules) {
      if (!rule.isEnabled) continue;
      if (this.opts.onlyRule !== undefined && rule.name !== this.opts.onlyRule) {
        others.push(rule.name);
        continue;
      }
      const { compiled, problems: notRunnable } = compileRule(rule, { root: this.opts.config.rulesFolder, alerters: this.alerterFactory });
      if (!compiled) {
        for (const p of notRunnable) {
          messages.push(formatProblem(p));
          this.opts.log.error(formatProblem(p));
        }
        badFiles.add(rule.file);
        continue;
      }
      next.set(rule.name, { rule, type: compiled.type, alerters: compiled.alerters });
    }
    for (const [name, old] of this.rules) {
      if (!next.has(name) && badFiles.has(old.rule.file)) {
        this.opts.log.warn(`${old.rule.file}: keeping the previous version of rule "${name}" running until the file is fixed`);
        next.set(name, old);
      }
    }
    // Alerters of replaced or removed rules hold connections (SMTP, HTTP agents): release them.
    const kept = new Set([...next.values()].map((l) => l.alerters));
    for (const old of this.rules.values()) {
      if (kept.has(old.alerters)) continue;
      for (const alerter of old.alerters) void alerter.close?.()?.catch(() => undefined);
    }
    this.rules = next;
    this.otherRules = others;
    this.opts.observer?.rulesLoaded?.(next.size, badFiles.size);
    if (this.scheduler) {
      for (const name of this.scheduler.names()) if (!next.has(name)) this.scheduler.remove(name);
      for (const { rule } of next.values()) this.scheduler.upsert({ name: rule.name, runEveryMs: rule.runEveryMs });
    }
    return { loaded: next.size, problems: messages };
  }

  /** Enabled rules that `onlyRule` left out. */
  otherRuleNames(): string[] {
    return [...this.otherRules];
  }

  ruleNames(): string[] {
    return [...this.rules.keys()];
  }

  /** The definition currently running under this name. */
  ruleDefinition(name: string): RuleDefinition | undefined {
    return this.rules.get(name)?.rule;
  }

  /** Runs one rule now (or over an explicit window), as the scheduler would. */
  async runOne(name: string, window?: { startMs: number; endMs: number }, dueMs?: number): Promise<RunOutcome> {
    const loaded = this.rules.get(name);
    if (!loaded) throw new Error(`no enabled rule named "${name}" (loaded: ${this.ruleNames().join(', ') || 'none'})`);
    // Replays and captures write to their own throw-away writeback.
    if (this.guardsWriteback()) await this.writeback.ensure();
    const outcome = await runRule(loaded.rule, loaded.type, this.clock.now(), { ...this.context(), dueMs }, window);
    // ElastAlert2's disable_rules_on_error: a failure that is not a passing cluster problem stops the
    // rule until its file changes (the reload takes it on again); others keep their schedule.
    const disable = this.disablesOnError(outcome) && this.rules.get(name) === loaded;
    if (disable) {
      this.rules.delete(name);
      this.scheduler?.remove(name);
      this.opts.log.error(
        `${loaded.rule.file}: rule "${name}" is disabled after its run failed (disable_rules_on_error); fix the file to run it again`,
      );
    }
    if (outcome.error) await this.notifyError?.(loaded.rule, outcome.error, disable);
    return outcome;
  }

  /** ElastAlert2's disable_rules_on_error, for the service only: a what-if run reports the failure instead. */
  private disablesOnError(outcome: RunOutcome): boolean {
    if (this.mode === 'capture' || !outcome.error || !this.opts.config.disableRulesOnError) return false;
    // A passing cluster problem keeps the rule's schedule.
    return !(outcome.error instanceof EsError && outcome.error.retryable);
  }

  /** `logwarden run --once`: every rule once, concurrently up to max_threads. */
  async runAllOnce(window?: { startMs: number; endMs: number }): Promise<RunOutcome[]> {
    const names = this.ruleNames();
    const outcomes: RunOutcome[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < names.length) {
        const name = names[next++];
        if (name !== undefined) outcomes.push(await this.runOne(name, window));
      }
    };
    // Deliveries left from before (retries, a crash) first, then the rules.
    await this.processDeliveries();
    await Promise.all(Array.from({ length: Math.min(this.opts.config.maxThreads, names.length) }, worker));
    return outcomes;
  }

  /** Sends what is due in the outbox now: retries whose backoff passed, deliveries a crash left behind. */
  async processDeliveries(): Promise<WorkerPass> {
    if (this.guardsWriteback()) await this.writeback.ensure();
    return this.drain(this.clock.now());
  }

  /**
   * The delivery pass as of `untilMs`: aggregation groups and flood-guard digests whose time has
   * come, then deliveries due by then. A replay drains at each window's end, and once at the end
   * past FLUSH_HORIZON_MS for what a live LogWarden would send after the range.
   */
  async drain(untilMs: number): Promise<WorkerPass> {
    const digests = await flushNoiseControls(untilMs, this.sendContext());
    const pass = await processDueDeliveries(untilMs, this.sendContext());
    return { ...pass, sent: pass.sent + digests };
  }

  /**
   * Whether to watch the writeback indices: not for replays (backtests write to their own
   * throw-away writeback), nor for stores someone else gave us (they look after their own).
   */
  private guardsWriteback(): boolean {
    return this.mode === 'live' && this.opts.stores === undefined;
  }

  /** Runs continuously until stop(); watches the rules folder for changes. */
  start(options: { watch?: boolean } = {}): void {
    this.scheduler = new Scheduler({
      clock: this.clock,
      concurrency: this.opts.config.maxThreads,
      execute: async (name, nowMs, dueMs) => {
        if (!this.executionAllowed(name, nowMs)) return;
        await this.runOne(name, undefined, dueMs);
      },
      onSkipped: (name) => {
        this.opts.observer?.tickSkipped?.(name);
        this.opts.log.warn({ rule: name }, `rule "${name}" is still running from its previous tick; this tick is skipped`);
      },
    });
    for (const { rule } of this.rules.values()) this.scheduler.upsert({ name: rule.name, runEveryMs: rule.runEveryMs });
    this.scheduler.start();
    this.scheduleDeliveries();
    if (options.watch !== false) this.watchRules();
  }

  /** limit_execution: whether the rule's cron fired since its previous tick (the first tick looks back run_every). */
  private executionAllowed(name: string, nowMs: number): boolean {
    const loaded = this.rules.get(name);
    const spec = loaded ? limitExecutionOf(loaded.rule) : undefined;
    if (!loaded || !spec) return true;
    const previous = this.lastTicks.get(name) ?? nowMs - loaded.rule.runEveryMs;
    this.lastTicks.set(name, nowMs);
    return executionAllowed(spec, previous, nowMs);
  }

  private scheduleDeliveries(): void {
    const every = this.opts.deliveryIntervalMs ?? 5_000;
    const loop = (): void => {
      this.deliveryPass = this.processDeliveries()
        .catch((error: unknown) =>
          this.opts.log.warn(`delivery pass failed, will try again: ${error instanceof Error ? error.message : String(error)}`),
        )
        .finally(() => {
          if (this.cancelDeliveries) this.cancelDeliveries = this.clock.setTimer(loop, every);
        });
    };
    this.cancelDeliveries = this.clock.setTimer(loop, 0);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.watcher?.close();
    this.cancelReload?.();
    const cancel = this.cancelDeliveries;
    this.cancelDeliveries = undefined;
    cancel?.();
    await this.scheduler?.stop();
    await this.deliveryPass;
    for (const { alerters } of this.rules.values()) for (const a of alerters) await a.close?.();
  }

  /** Releases the alerters of an engine that was never started (a replay): a failing close is not the replay's result. */
  async close(): Promise<void> {
    for (const { alerters } of this.rules.values()) for (const a of alerters) await a.close?.()?.catch(() => undefined);
  }

  get schedulerStats(): { runs: number; skipped: number } {
    return { runs: this.scheduler?.runs ?? 0, skipped: this.scheduler?.skipped ?? 0 };
  }

  private watchRules(): void {
    try {
      this.watcher = watch(this.opts.config.rulesFolder, { recursive: true }, () => {
        // Editors write a file in several steps; reload once they are done.
        this.cancelReload?.();
        this.cancelReload = this.clock.setTimer(() => {
          void this.reloadRules().then(({ loaded, abandoned }) => abandoned || this.opts.log.info(`rules reloaded: ${loaded} enabled`));
        }, 300);
      });
    } catch (error) {
      this.opts.log.warn(
        `cannot watch ${this.opts.config.rulesFolder} for changes: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  private sendContext(): SendContext {
    return {
      stores: this.stores,
      lookup: (name) => this.rules.get(name),
      log: this.opts.log,
      alertTimeLimitMs: this.opts.config.alertTimeLimitMs,
      hooks: this.opts.hooks,
      observer: this.opts.observer,
    };
  }

  private context(): RunContext {
    const service = this.mode !== 'capture';
    return {
      ...this.sendContext(),
      es: this.opts.es,
      oldQueryLimitMs: this.opts.config.oldQueryLimitMs,
      observer: service ? this.opts.observer : undefined,
      matchTimeAsNow: this.mode !== 'live',
      indexWatch: service ? this.indexWatch : undefined,
    };
  }
}
